"""Hostile scripts in the sandbox: each is contained and recorded as a failed execution with
a reason."""

from __future__ import annotations

import os
import socket
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from mlrtui.experiment.executor import ExecSpec, list_executions, record_execution
from mlrtui.experiment.sandbox import SandboxExecutor, probe
from mlrtui.runs.versions import create_run
from mlrtui.store.db import Store


@pytest.fixture
def run_id(store: Store) -> int:
    store.insert("tasks", {"id": "iclr2026_demo", "venue": "iclr", "year": 2026, "slug": "demo",
                           "title": "Demo", "body": "A demo task.", "category": "Others",
                           "source": "user", "content_hash": "x", "created_at": "now"})
    return create_run(store, "iclr2026_demo", "local").id


async def _run(tmp_path: Path, code: str, **limits) -> tuple:
    ws = tmp_path / "ws"
    ws.mkdir(exist_ok=True)
    (ws / "script.py").write_text(textwrap.dedent(code))
    spec = ExecSpec(["python", "script.py"], ws, **{"timeout_s": 20, "memory_mb": 512, **limits})
    return ws, await SandboxExecutor().run(spec)


def _stored(store: Store, run_id: int, result) -> dict:
    record_execution(store, run_id, result)
    return list_executions(store, run_id)[-1]


async def test_well_behaved_script_is_ok_and_confined(tmp_path: Path, store, run_id) -> None:
    ws, res = await _run(tmp_path, """
        import os, numpy
        open("out.txt", "w").write("fine")
        print("cwd", os.getcwd(), "home", os.environ["HOME"])
    """)
    row = _stored(store, run_id, res)
    assert row["status"] == "ok", row["stderr"]
    assert (ws / "out.txt").read_text() == "fine"
    assert f"cwd {ws.resolve()}" in row["stdout"]
    assert f"home {ws.resolve() / '.home'}" in row["stdout"]
    assert row["sandbox"]["pid"] == "pidns"
    assert "network" in row["sandbox"] and "filesystem" in row["sandbox"]


async def test_write_outside_workspace_is_blocked(tmp_path: Path, store, run_id) -> None:
    target = tmp_path / "outside.txt"
    _, res = await _run(tmp_path, f"""
        open({str(target)!r}, "w").write("escaped")
    """)
    row = _stored(store, run_id, res)
    assert not target.exists()
    assert row["status"] == "failed"
    assert "permission denied" in row["reason"]


async def test_reading_the_real_home_fails(tmp_path: Path, store, run_id, monkeypatch) -> None:
    home = tmp_path / "realhome"
    home.mkdir()
    (home / "secret.txt").write_text("TOP-SECRET-VALUE")
    monkeypatch.setenv("HOME", str(home))
    _, res = await _run(tmp_path, f"""
        import os
        print("home is", os.path.expanduser("~"))
        print(open({str(home / 'secret.txt')!r}).read())
    """)
    row = _stored(store, run_id, res)
    assert "TOP-SECRET-VALUE" not in row["stdout"] + row["stderr"]
    assert str(home) not in row["stdout"]
    assert row["status"] == "failed" and "permission denied" in row["reason"]


async def test_memory_bomb_is_stopped(tmp_path: Path, store, run_id) -> None:
    _, res = await _run(tmp_path, """
        blocks = []
        for _ in range(64):
            blocks.append(bytearray(256 * 1024 * 1024))   # 16 GB in all, far past 256 MB
        print("allocated everything")
    """, memory_mb=256)
    row = _stored(store, run_id, res)
    assert "allocated everything" not in row["stdout"]
    assert row["status"] in ("failed", "killed")
    assert "memory" in row["reason"]


async def test_sleep_forever_times_out_and_group_is_killed(tmp_path: Path, store, run_id) -> None:
    marker = f"mlrtui-sleeper-{os.getpid()}-{id(tmp_path)}"
    _, res = await _run(tmp_path, f"""
        import subprocess, time
        subprocess.Popen(["sleep", "300", "{marker}"], start_new_session=True)
        time.sleep(10_000)
    """, timeout_s=2)
    row = _stored(store, run_id, res)
    assert row["status"] == "timeout" and "wall time" in row["reason"]
    assert res.duration_s < 15
    assert _survivors(marker) == []


def _survivors(marker: str) -> list[str]:
    """Processes whose command line holds marker, after letting a dying namespace finish."""
    for _ in range(40):
        found = [p for p in os.listdir("/proc") if p.isdigit() and marker in _cmdline(p)]
        if not found:
            return []
        time.sleep(0.05)
    return found


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


async def test_fork_bomb_is_bounded(tmp_path: Path, store, run_id) -> None:
    if not probe().drop_uid and os.geteuid() == 0:
        pytest.skip("RLIMIT_NPROC cannot apply: root without a separate sandbox uid here")
    _, res = await _run(tmp_path, """
        import os, time
        kids = 0
        for _ in range(400):          # bounded even if the sandbox were not
            pid = os.fork()
            if pid == 0:
                time.sleep(30)
                os._exit(0)
            kids += 1
        print("forked", kids)
    """, max_processes=32, timeout_s=20)
    row = _stored(store, run_id, res)
    assert "forked 400" not in row["stdout"]
    assert row["status"] == "failed" and "process limit" in row["reason"]


async def test_api_key_is_not_in_the_environment(tmp_path: Path, store, run_id, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-must-not-leak")
    _, res = await _run(tmp_path, f"""
        import os
        for pid in ("{os.getpid()}", str(os.getppid())):
            try:
                print(open(f"/proc/{{pid}}/environ", "rb").read())
            except OSError as exc:
                print("denied", exc)
        print(os.environ["OPENAI_API_KEY"])
    """)
    row = _stored(store, run_id, res)
    assert "sk-test-must-not-leak" not in row["stdout"] + row["stderr"]
    assert row["status"] == "failed" and "KeyError" in row["reason"]


async def test_network_is_off(tmp_path: Path, store, run_id) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    accepted: list[object] = []
    threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True).start()
    try:
        _, res = await _run(tmp_path, f"""
            import socket
            socket.create_connection(("127.0.0.1", {port}), timeout=3).sendall(b"hi")
            print("connected")
        """)
    finally:
        server.close()
    row = _stored(store, run_id, res)
    if row["sandbox"]["network"] == "none":
        pytest.skip("no network isolation on this machine: " + str(row["sandbox"]))
    assert "connected" not in row["stdout"] and not accepted
    assert row["status"] == "failed" and "network" in row["reason"]


async def test_cancel_kills_the_command(tmp_path: Path) -> None:
    import asyncio

    ws = tmp_path / "ws"
    ws.mkdir()
    marker = f"mlrtui-cancel-{os.getpid()}"
    (ws / "s.py").write_text(f"import time\nprint('{marker}', flush=True)\ntime.sleep(60)\n")
    task = asyncio.ensure_future(SandboxExecutor().run(ExecSpec([sys.executable, "s.py", marker],
                                                                ws, timeout_s=60)))
    await asyncio.sleep(1.0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert _survivors(marker) == []


async def test_missing_command_is_an_error_not_a_crash(tmp_path: Path, store, run_id) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    res = await SandboxExecutor().run(ExecSpec(["no-such-program-xyz"], ws, timeout_s=5))
    row = _stored(store, run_id, res)
    assert row["status"] == "error" and "cannot start no-such-program-xyz" in row["reason"]


def test_capped_output_keeps_head_and_tail() -> None:
    from mlrtui.experiment.executor import CappedBuffer

    buf = CappedBuffer(cap=100)
    for i in range(50):
        buf.feed(f"line{i:02d}\n".encode())
    text = buf.text()
    assert text.startswith("line00") and text.rstrip().endswith("line49")
    assert "bytes cut" in text and len(text) < 160


async def test_scientific_stack_runs_in_the_sandbox_and_is_recorded(tmp_path: Path, store,
                                                                    run_id) -> None:
    """The default experiment interpreter has numpy, pandas, scikit-learn and matplotlib, its
    packages are readable inside the sandbox, and the execution records their versions."""
    ws, res = await _run(tmp_path, """
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import numpy as np
        import pandas as pd
        from sklearn.linear_model import LogisticRegression
        rng = np.random.default_rng(0)
        x = rng.normal(size=(200, 2))
        y = (x[:, 0] + x[:, 1] > 0).astype(int)
        acc = LogisticRegression().fit(x, y).score(x, y)
        frame = pd.DataFrame({"x0": x[:, 0], "y": y})
        frame.plot.scatter(x="x0", y="y")
        plt.savefig("figure.png")
        print("accuracy", round(acc, 2), "rows", len(frame))
    """, timeout_s=120, memory_mb=2048)
    row = _stored(store, run_id, res)
    assert row["status"] == "ok", row["stderr"][-2000:]
    assert "rows 200" in row["stdout"]
    assert (ws / "figure.png").read_bytes()[:4] == b"\x89PNG"
    interp = row["sandbox"]["interpreter"]
    assert interp["path"] == sys.executable and interp["version"] == sys.version.split()[0]
    assert {"numpy", "pandas", "scikit-learn", "matplotlib"} <= set(interp["packages"])


async def test_configured_interpreter_that_does_not_exist_is_an_error(tmp_path: Path, store,
                                                                      run_id) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "script.py").write_text("print('never')\n")
    res = await SandboxExecutor().run(ExecSpec(["python", "script.py"], ws,
                                               python=str(tmp_path / "no-such-python")))
    row = _stored(store, run_id, res)
    assert row["status"] == "error" and "no-such-python" in row["reason"]
