"""The sandbox's own /proc and its total workspace cap, with real hostile scripts."""

from __future__ import annotations

import asyncio
import os
import sys
import textwrap
from pathlib import Path

from mlrtui.experiment.diskcap import usage_bytes
from mlrtui.experiment.executor import ExecSpec
from mlrtui.experiment.sandbox import SandboxExecutor

LIST_PROC = """
    import os
    pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
    argv = []
    for pid in pids:
        try:
            argv.append(open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\\0", b" "))
        except OSError:
            pass
    print("PIDS", pids)
    print("ARGV", b"|".join(argv).decode(errors="replace"))
"""

FILL = """
    chunk = b"x" * (1024 * 1024)
    for i in range(8):
        with open(f"big{i}.bin", "wb") as fh:
            for _ in range(256):
                fh.write(chunk)
    print("wrote everything")
"""


async def _run(tmp_path: Path, code: str, **limits):
    ws = tmp_path / "ws"
    ws.mkdir(exist_ok=True)
    (ws / "script.py").write_text(textwrap.dedent(code))
    spec = ExecSpec(["python", "script.py"], ws, **{"timeout_s": 60, "memory_mb": 512, **limits})
    return ws, await SandboxExecutor().run(spec)


async def test_a_script_listing_proc_sees_only_its_own_processes(tmp_path: Path):
    marker = f"host-secret-argv-{os.getpid()}"
    host = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "import time; time.sleep(30)", marker)
    try:
        _, result = await _run(tmp_path, LIST_PROC)
    finally:
        host.kill()
        await host.wait()
    assert result.status == "ok", (result.reason, result.stderr)
    assert result.sandbox.get("proc") == "own procfs", result.sandbox
    pids = eval(result.stdout.split("PIDS ", 1)[1].splitlines()[0])   # our own printed list
    assert pids and max(pids) < 10, pids           # pid 1 (the command) and its few children
    assert marker not in result.stdout and "pytest" not in result.stdout


async def test_eight_files_of_256_mb_are_stopped_at_the_workspace_cap(tmp_path: Path):
    ws, result = await _run(tmp_path, FILL, max_workspace_mb=64, max_file_mb=512)
    used = usage_bytes(ws) / (1024 * 1024)
    for big in ws.glob("big*.bin"):
        big.unlink()
    assert result.status == "killed" and "64 MB" in (result.reason or ""), result.reason
    assert "wrote everything" not in result.stdout
    assert used < 512, f"{used:.0f} MB written"            # far below the 2048 MB attempted
    assert "64 MB" in result.sandbox["workspace_cap"] and "exceeded" in \
        result.sandbox["workspace_cap"]
