"""SIGKILL `mlrtui import` halfway: the database stays intact and a re-run completes it to the
same counts as a clean import."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mlrtui.store import open_store

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

TABLES = ("tasks WHERE source = 'corpus'", "runs", "versions", "version_inputs", "stage_heads",
          "files", "executions", "llm_calls", "reviews", "review_scores", "flags", "human_scores",
          "model_aliases")


def _counts(path: Path) -> dict[str, int]:
    store = open_store(path)
    try:
        return {t: store.scalar(f"SELECT COUNT(*) FROM {t}") for t in TABLES}
    finally:
        store.close()


def _versions(path: Path) -> int:
    if not path.exists():
        return 0
    try:
        conn = sqlite3.connect(path, timeout=1)
        try:
            return conn.execute("SELECT COUNT(*) FROM versions").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:  # schema not created yet
        return 0


def _import(corpus: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "mlrtui.cli", "import", str(corpus),
                             "--db", str(db), "--json"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=dict(os.environ))


def test_sigkill_halfway_then_rerun(tmp_path: Path, corpus: Path, corpus_db: Path) -> None:
    db = tmp_path / "killed.db"
    proc = _import(corpus, db)
    deadline = time.monotonic() + 60
    while _versions(db) < 300:
        assert proc.poll() is None, "import ended before it could be killed"
        assert time.monotonic() < deadline, "import made no progress"
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    partial = _counts(db)
    expected = _counts(corpus_db)   # the clean import of the same corpus
    assert 300 <= partial["versions"] < expected["versions"]
    assert partial["reviews"] < expected["reviews"]
    store = open_store(db)
    assert store.scalar("PRAGMA integrity_check") == "ok"
    assert store.scalar("PRAGMA foreign_key_check") is None
    assert store.scalar("SELECT status FROM imports WHERE id = 1") == "interrupted"  # its owner was killed
    store.close()
    rerun = _import(corpus, db)
    _, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert _counts(db) == expected
