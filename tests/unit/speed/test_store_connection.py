"""The store on stdlib sqlite3: no heavy imports on open, a migration table sqlite-utils reads
the same way, failed migrations rolled back, and the sqlite-utils API still reachable."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlite_utils import Database as FullDatabase
from sqlite_utils.migrations import Migrations as UtilsMigrations

from mlrtui.store import migrations as store_migrations
from mlrtui.store import open_store
from mlrtui.store.connection import Database, Migrations

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("sqlite_utils", "pandas", "numpy", "pydantic_settings")


def test_open_store_and_settings_import_nothing_heavy(tmp_path: Path) -> None:
    code = ("import json, sys\n"
            "from mlrtui.store import open_store\n"
            "from mlrtui.config import load_settings\n"
            f"open_store({str(tmp_path / 'a.db')!r}).close()\n"
            "load_settings()\n"
            f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT),
                                                    "MLRTUI_CONFIG_DIR": str(tmp_path)})
    assert json.loads(out.stdout) == []


def test_sqlite_utils_sees_our_migrations_as_applied(tmp_path: Path) -> None:
    open_store(tmp_path / "a.db").close()
    theirs = UtilsMigrations("mlrtui")
    for migration in store_migrations.migrations._migrations:
        theirs(name=migration.name)(lambda db: None)
    db = FullDatabase(tmp_path / "a.db")
    assert theirs.pending(db) == []
    assert len(theirs.applied(db)) == len(store_migrations.migrations._migrations)
    db.close()


def test_we_see_migrations_recorded_by_sqlite_utils(tmp_path: Path) -> None:
    theirs = UtilsMigrations("demo")
    theirs(name="m1")(lambda db: db.execute("CREATE TABLE one (x INTEGER)"))
    full = FullDatabase(tmp_path / "b.db")
    theirs.apply(full)
    full.close()
    ours = Migrations("demo")
    ran: list[str] = []
    ours(name="m1")(lambda db: ran.append("m1"))
    ours(name="m2")(lambda db: db.execute("CREATE TABLE two (y INTEGER)"))
    db = Database(sqlite3.connect(tmp_path / "b.db", isolation_level=None))
    assert ours.pending(db) == ["m2"]
    assert ours.apply(db) == ["m2"]
    assert ran == [] and "two" in db.table_names()
    assert ours.apply(db) == []
    db.close()


def test_a_failing_migration_leaves_nothing(tmp_path: Path) -> None:
    ours = Migrations("demo")

    @ours(name="half")
    def half(db: Database) -> None:
        db.execute("CREATE TABLE half (x INTEGER)")
        raise RuntimeError("boom")

    db = Database(sqlite3.connect(tmp_path / "c.db", isolation_level=None))
    with pytest.raises(RuntimeError):
        ours.apply(db)
    assert "half" not in db.table_names()
    assert ours.pending(db) == ["half"]
    db.close()


def test_query_rows_and_the_sqlite_utils_fallback(store) -> None:
    store.db["model_aliases"].insert({"alias": "m-2025-01-01", "model": "m"})
    assert store.query("SELECT alias, model FROM model_aliases") == [
        {"alias": "m-2025-01-01", "model": "m"}]
    assert store.db.query("SELECT 1 AS a, 2 AS a").__next__() == {"a": 2}
    with pytest.raises(AttributeError):
        store.db._no_such_private_thing  # noqa: B018
