"""The store: pragmas, migrations, transactions that leave no half rows, bad files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mlrtui.store import StoreError, open_store


def test_pragmas_and_migrations(store) -> None:
    assert store.scalar("PRAGMA journal_mode") == "wal"
    assert store.scalar("PRAGMA foreign_keys") == 1
    assert store.scalar("PRAGMA busy_timeout") >= 1000
    names = {r["name"] for r in store.query("SELECT name FROM _sqlite_migrations")}
    assert "m0001_schema" in names
    for table in ("tasks", "runs", "versions", "version_inputs", "files", "executions",
                  "llm_calls", "reviews", "review_scores", "flags", "human_scores"):
        assert table in store.db.table_names()


def test_reopen_applies_nothing_twice(tmp_path: Path) -> None:
    s = open_store(tmp_path / "a.db")
    n = s.scalar("SELECT COUNT(*) FROM _sqlite_migrations")
    s.close()
    s = open_store(tmp_path / "a.db")
    assert s.scalar("SELECT COUNT(*) FROM _sqlite_migrations") == n
    s.close()


def test_failed_transaction_leaves_no_rows(store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.insert("model_aliases", {"alias": "x-2025-01-01", "model": "x"})
        with store.transaction():  # nested joins the outer one
            store.insert("model_aliases", {"alias": "y", "model": "y"})
        raise RuntimeError("boom")
    assert store.scalar("SELECT COUNT(*) FROM model_aliases") == 0


def test_foreign_keys_enforced(store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        store.insert("runs", {"task_id": "nope", "mode": "stepwise", "model": "m",
                              "created_at": "t", "updated_at": "t"})


def test_not_a_database_is_refused_and_untouched(tmp_path: Path) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("my precious notes")
    with pytest.raises(StoreError, match=r"notes.db: not an SQLite database"):
        open_store(bad)
    assert bad.read_text() == "my precious notes"
    with pytest.raises(StoreError, match="is a directory"):
        open_store(tmp_path)
