"""Secret-marker drill: a model that echoes its API key and sends terminal escapes.

With a marker key in the environment, run `models test`, `run`, `versions --show` and `export`
as real subprocesses against a loopback server that puts the key and escape sequences in every
reply. Afterwards no marker may appear in any file written (database, WAL, logs, exports) nor in
the captured terminal output, and no escape character may reach the terminal.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from drill_helpers import cli, config_env, mlrtui

from mlrtui.store import open_store

ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b[31m"


def _files_with(root: Path, marker: bytes) -> list[str]:
    return [str(p) for p in root.rglob("*") if p.is_file() and marker in p.read_bytes()]


def test_no_marker_anywhere_and_no_escape_reaches_the_terminal(tmp_path, loopback):
    marker = f"sk-MARKER-{uuid.uuid4().hex}"
    loopback.responder = lambda rec: f"{ESCAPES}Idea: echo {rec.api_key} and more text."
    env = config_env(tmp_path, loopback, key=marker)
    db = tmp_path / "secrets.db"
    open_store(db).close()
    outputs: list[str] = []

    def run(*args: str) -> None:
        done = cli(mlrtui("--db", str(db), *args), env=env, timeout=120)
        outputs.extend([done.stdout, done.stderr])
        assert done.returncode == 0, done.stderr

    run("models", "test", "fake-openai")
    assert "[redacted]" in outputs[0]
    run("run", "--task", "iclr2026_tiny_evals", "--model", "fake-openai", "--stages", "idea",
        "--quiet")
    store = open_store(db)
    vid = store.scalar("SELECT id FROM versions WHERE stage = 'idea'")
    assert "[redacted]" in store.scalar("SELECT text FROM versions WHERE id = ?", [vid])
    store.close()
    run("versions", "--show", str(vid))
    run("export", "--run", "1", "--out", str(tmp_path / "export"))
    assert loopback.requests and all(r.api_key == marker for r in loopback.requests)

    data_dir = Path(os.environ["MLRTUI_DATA_DIR"])
    leaks = _files_with(tmp_path, marker.encode()) + _files_with(data_dir, marker.encode())
    printed = "".join(outputs)
    print(f"secret drill: {len(list(tmp_path.rglob('*')))} paths scanned, leaks: {leaks}; "
          f"marker in output: {marker in printed}; ESC in output: {chr(27) in printed}")
    assert not leaks
    assert marker not in printed
    assert "\x1b" not in printed and "\x07" not in printed
