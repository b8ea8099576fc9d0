"""Hostile-script drill: eleven scripts an experiment agent might write, run one after the other
in the real sandbox and recorded as executions. Each must be contained (nothing written or read
where it should not be, no secret in the output, no process left behind, the workspace cap and
the output cap hold) and recorded with a status and a reason. Prints a table (run with -s):
what each case checked and what it found.
"""

from __future__ import annotations

import os
import socket
import textwrap
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from mlrtui.experiment.executor import ExecSpec, list_executions, record_execution
from mlrtui.experiment.sandbox import SandboxExecutor, probe
from mlrtui.runs.versions import create_run
from mlrtui.store.db import Store

SECRET = "TOP-SECRET-drill-value"
KEY = "sk-drill-must-not-leak"
MARKER = f"mlrtui-drill-daemon-{os.getpid()}"


@dataclass
class Case:
    name: str
    code: str
    limits: dict
    expect: str                      # what containment means, for the table
    check: Callable[[dict, Path], str | None]   # None when contained, else what went wrong


def _survivors(marker: str) -> list[str]:
    for _ in range(40):
        found = []
        for pid in (p for p in os.listdir("/proc") if p.isdigit()):
            try:
                if marker.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                    found.append(pid)
            except OSError:
                continue
        if not found:
            return []
        time.sleep(0.05)
    return found


def _failed_with(row: dict, *words: str) -> str | None:
    if row["status"] not in ("failed", "killed", "timeout"):
        return f"status {row['status']}, expected a failure"
    reason = (row["reason"] or "").lower()
    if not any(w in reason for w in words):
        return f"reason {row['reason']!r} names none of {words}"
    return None


def cases(tmp: Path, port: int) -> list[Case]:
    outside, home, other = tmp / "outside.txt", tmp / "realhome", tmp / "other-run-ws"
    return [
        Case("write outside the workspace", f"open({str(outside)!r}, 'w').write('x')", {},
             "no file outside; failed: permission denied",
             lambda r, ws: "the file was written" if outside.exists()
             else _failed_with(r, "permission denied")),
        Case("read $HOME", f"print(open({str(home / 'secret.txt')!r}).read())", {},
             "secret not in output; failed",
             lambda r, ws: "the secret leaked" if SECRET in r["stdout"] + r["stderr"]
             else _failed_with(r, "permission denied")),
        Case("read another run's workspace", f"print(open({str(other / 'results.md')!r}).read())",
             {}, "secret not in output; failed",
             lambda r, ws: "the other run's file leaked" if SECRET in r["stdout"] + r["stderr"]
             else _failed_with(r, "permission denied")),
        Case("API key from env and /proc", f"""
            import os
            for pid in ("{os.getpid()}", "1", str(os.getppid())):
                try:
                    print(open(f"/proc/{{pid}}/environ", "rb").read())
                except OSError as exc:
                    print("denied", exc)
            print(os.environ["OPENAI_API_KEY"])""", {}, "key not in output; failed",
             lambda r, ws: "the key leaked" if KEY in r["stdout"] + r["stderr"]
             else _failed_with(r, "keyerror")),
        Case("16 GB allocation", """
            blocks = [bytearray(256 * 1024 * 1024) for _ in range(64)]
            print("allocated everything")""", {"memory_mb": 256},
             "stopped at 256 MB; reason names memory",
             lambda r, ws: "it allocated" if "allocated everything" in r["stdout"]
             else _failed_with(r, "memory")),
        Case("fork bomb", """
            import os, time
            for _ in range(400):
                if os.fork() == 0:
                    time.sleep(30)
                    os._exit(0)
            print("forked 400")""", {"max_processes": 32},
             "bounded at 32 processes; reason names the process limit",
             lambda r, ws: "400 forks" if "forked 400" in r["stdout"]
             else _failed_with(r, "process limit")),
        Case("sleep forever", "import time\ntime.sleep(10_000)", {"timeout_s": 2},
             "timeout after 2 s",
             lambda r, ws: _failed_with(r, "wall time") if r["status"] == "timeout"
             else f"status {r['status']}"),
        Case("daemon outliving the command", f"""
            import os, subprocess
            subprocess.Popen(["sleep", "300", "{MARKER}"], start_new_session=True)
            print("daemon started")""", {},
             "no process left once the command ends",
             lambda r, ws: f"left running: pids {_survivors(MARKER)}" if _survivors(MARKER)
             else None),
        Case("connect to a loopback server", f"""
            import socket
            socket.create_connection(("127.0.0.1", {port}), timeout=3).sendall(b"hi")
            print("connected")""", {}, "no connection; failed: network",
             lambda r, ws: "connected" if "connected" in r["stdout"]
             else _failed_with(r, "network")),
        Case("fill the disk past the workspace cap", """
            chunk = b"\\0" * (1024 * 1024)
            for n in range(8):
                with open(f"big{n}.bin", "wb") as out:
                    for _ in range(256):
                        out.write(chunk)
            print("wrote everything")""", {"max_workspace_mb": 64, "max_file_mb": 512},
             "killed at the 64 MB cap",
             lambda r, ws: "wrote 2 GB" if "wrote everything" in r["stdout"]
             else _failed_with(r, "size cap")),
        Case("huge stdout", """
            import sys
            line = "x" * 1023 + "\\n"
            for _ in range(100 * 1024):
                sys.stdout.write(line)""", {},
             "100 MB printed, at most 64 KB (+ marker) stored",
             lambda r, ws: f"stored {len(r['stdout'])} chars" if len(r["stdout"]) > 70_000
             else None),
    ]


@pytest.fixture
def run_id(store: Store) -> int:
    store.insert("tasks", {"id": "drill2026_hostile", "venue": "drill", "year": 2026,
                           "slug": "hostile", "title": "Hostile", "body": "Our own drill task.",
                           "category": "Others", "source": "user", "content_hash": "x",
                           "created_at": "now"})
    return create_run(store, "drill2026_hostile", "local").id


async def test_hostile_scripts_are_contained_and_recorded(tmp_path: Path, store: Store, run_id,
                                                          monkeypatch) -> None:
    caps = probe()
    home, other = tmp_path / "realhome", tmp_path / "other-run-ws"
    for folder in (home, other):
        folder.mkdir()
    (home / "secret.txt").write_text(SECRET)
    (other / "results.md").write_text(SECRET)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    accepted: list[object] = []
    threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True).start()
    table, problems = [], []
    try:
        for n, case in enumerate(cases(tmp_path, server.getsockname()[1])):
            if case.name == "fork bomb" and not caps.drop_uid and os.geteuid() == 0:
                table.append((case.name, case.expect, "skipped: root without a sandbox uid"))
                continue
            ws = tmp_path / f"ws{n}"
            ws.mkdir()
            (ws / "script.py").write_text(textwrap.dedent(case.code))
            spec = ExecSpec(["python", "script.py"], ws,
                            **{"timeout_s": 20, "memory_mb": 512, **case.limits})
            start = time.monotonic()
            record_execution(store, run_id, await SandboxExecutor().run(spec))
            row = list_executions(store, run_id)[-1]
            for big in ws.glob("big*.bin"):
                big.unlink()
            wrong = case.check(row, ws)
            if case.name.startswith("connect") and accepted:
                wrong = "the loopback server accepted a connection"
            if case.name.startswith("connect") and row["sandbox"].get("network") == "none":
                wrong = None if wrong is None else f"no network isolation here: {wrong}"
            found = (f"{row['status']}: {(row['reason'] or '-')[:60]} "
                     f"({time.monotonic() - start:.1f}s)")
            table.append((case.name, case.expect, found + ("" if wrong is None
                                                           else f"  << {wrong}")))
            if wrong is not None:
                problems.append(f"{case.name}: {wrong}")
    finally:
        server.close()
    print(f"\nhostile-script drill (sandbox: uid drop {caps.drop_uid}, landlock abi "
          f"{caps.landlock_abi})")
    print(f"{'case':<38} {'checked':<52} found")
    for name, expect, found in table:
        print(f"{name:<38} {expect:<52} {found}")
    assert len(list_executions(store, run_id)) == len([t for t in table
                                                       if not t[2].startswith("skipped")])
    assert not problems, problems
