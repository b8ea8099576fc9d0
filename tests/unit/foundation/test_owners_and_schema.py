"""Rows of a dead process are marked interrupted on open; a newer schema is refused untouched."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from mlrtui.store import StoreError, open_store
from mlrtui.store.migrations import known_names
from mlrtui.store.owners import alive, owner_token

CHILD = textwrap.dedent("""
    import os, signal, sys
    from mlrtui.store import open_store
    from mlrtui.store.db import now
    s = open_store(sys.argv[1])
    with s.transaction():
        s.insert("imports", {"path": "/x", "started_at": now(), "status": "running"})
        s.insert("batches", {"kind": "judge", "created_at": now()})   # default status: running
    os.kill(os.getpid(), signal.SIGKILL)
""")


def test_rows_of_a_killed_process_become_interrupted(tmp_path: Path):
    db = tmp_path / "owners.db"
    proc = subprocess.run([sys.executable, "-c", CHILD, str(db)], check=False)
    assert proc.returncode == -9
    raw = sqlite3.connect(db)
    assert raw.execute("SELECT status FROM imports").fetchone()[0] == "running"
    assert raw.execute("SELECT owner FROM batches").fetchone()[0]
    raw.close()
    store = open_store(db)
    assert store.scalar("SELECT status FROM imports") == "interrupted"
    assert store.scalar("SELECT finished_at FROM imports") is not None
    assert store.scalar("SELECT status FROM batches") == "interrupted"
    store.close()


def test_rows_of_a_live_process_and_unowned_rows_are_left_running(tmp_path: Path):
    db = tmp_path / "live.db"
    store = open_store(db)
    with store.transaction():
        store.insert("imports", {"path": "/x", "started_at": "t", "status": "running"})
    store.db.execute("INSERT INTO batches (kind, created_at, owner) VALUES ('run', 't', NULL)")
    store.db.execute("UPDATE batches SET owner = NULL")
    assert store.scalar("SELECT owner FROM imports") == owner_token()
    again = open_store(db)                      # a second process-alike open: we are alive
    assert again.scalar("SELECT status FROM imports") == "running"
    assert again.scalar("SELECT status FROM batches") == "running"
    again.close()
    store.close()


def test_owner_liveness_tells_a_reused_pid_apart():
    token = owner_token()
    assert alive(token)
    host, pid, start = token.rsplit(":", 2)
    assert not alive(f"{host}:{pid}:{int(start) + 12345}")      # same pid, other start time
    assert alive(f"some-other-host:{pid}:1")                       # cannot judge: left alone


def _fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_database_from_a_newer_mlrtui_is_refused_and_untouched(tmp_path: Path):
    db = tmp_path / "newer.db"
    open_store(db).close()
    raw = sqlite3.connect(db)
    raw.execute("PRAGMA journal_mode = DELETE")
    raw.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                "VALUES ('mlrtui', 'm0099_from_the_future', 'later')")
    raw.commit()
    raw.close()
    before = _fingerprint(db)
    try:
        open_store(db)
    except StoreError as exc:
        message = str(exc)
    else:
        raise AssertionError("a newer schema was opened")
    assert str(db) in message and "m0099_from_the_future" in message
    assert known_names()[-1] in message
    proc = subprocess.run([sys.executable, "-m", "mlrtui.cli", "--db", str(db), "tasks"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "m0099_from_the_future" in lines[0] and str(db) in lines[0]
    assert _fingerprint(db) == before
    assert not Path(f"{db}-wal").exists()
