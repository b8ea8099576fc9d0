"""The connection wrapper and the migration runner, on the stdlib `sqlite3` alone.

Why not sqlite-utils here: importing it imports pandas and numpy when they are installed (about
0.4 s, most of the console's start-up). The few calls the store makes (execute, query, the
migration table) are a few lines of sqlite3. Anything else of the sqlite-utils API
(`db["table"].insert_all(...)`, ...) still works: `Database` hands unknown attributes and
`db[name]` to a real `sqlite_utils.Database` on the same connection, imported on first use.

The migration table is the one sqlite-utils' `Migrations` keeps (`_sqlite_migrations`: id,
migration_set, name, applied_at; unique on set and name), so databases written by either stay
readable by both.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

MIGRATIONS_TABLE = "_sqlite_migrations"


class Database:
    """What the store's callers use of a `sqlite_utils.Database`, without importing it."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._full: Any = None
        conn.execute("PRAGMA recursive_triggers = on")   # as sqlite-utils sets it

    def execute(self, sql: str, parameters: Sequence | dict[str, Any] | None = None
                ) -> sqlite3.Cursor:
        if parameters is None:
            return self.conn.execute(sql)
        return self.conn.execute(sql, parameters)

    def query(self, sql: str, params: Sequence | dict[str, Any] | None = None
              ) -> Iterator[dict[str, Any]]:
        """Rows as dicts (a repeated column name keeps its last value, as in sqlite-utils)."""
        cursor = self.execute(sql, params)
        keys = [d[0] for d in cursor.description or ()]
        for row in cursor:
            yield dict(zip(keys, row, strict=True))

    def table_names(self) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]

    def close(self) -> None:
        self.conn.close()

    def sqlite_utils(self) -> Any:
        """A full `sqlite_utils.Database` on this connection (imports sqlite-utils)."""
        if self._full is None:
            from sqlite_utils import Database as Full

            self._full = Full(self.conn)
        return self._full

    def __getitem__(self, table: str) -> Any:
        return self.sqlite_utils()[table]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.sqlite_utils(), name)


@dataclass
class _Migration:
    name: str
    fn: Callable[[Database], None]


class Migrations:
    """Named, append-only migrations, each applied once in its own transaction; the same
    decorator API as `sqlite_utils.migrations.Migrations`."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._migrations: list[_Migration] = []

    def __call__(self, *, name: str | None = None
                 ) -> Callable[[Callable[[Database], None]], Callable[[Database], None]]:
        def register(fn: Callable[[Database], None]) -> Callable[[Database], None]:
            label = name or fn.__name__
            if any(m.name == label for m in self._migrations):
                raise ValueError(f"migration {label!r} is already registered in {self.name!r}")
            self._migrations.append(_Migration(label, fn))
            return fn
        return register

    def names(self) -> list[str]:
        """Every migration this build knows, in order."""
        return [m.name for m in self._migrations]

    def applied(self, db: Database) -> set[str]:
        exists = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                            [MIGRATIONS_TABLE]).fetchone()
        if not exists:
            return set()
        return {r[0] for r in db.execute(
            f"SELECT name FROM [{MIGRATIONS_TABLE}] WHERE migration_set = ?", [self.name])}

    def pending(self, db: Database) -> list[str]:
        done = self.applied(db)
        return [m.name for m in self._migrations if m.name not in done]

    def apply(self, db: Database) -> list[str]:
        """Apply what is pending (nothing is written when nothing is); returns their names."""
        done = self.applied(db)
        todo = [m for m in self._migrations if m.name not in done]
        if not todo:
            return []
        db.execute(f"CREATE TABLE IF NOT EXISTS [{MIGRATIONS_TABLE}] ([id] INTEGER PRIMARY KEY,"
                   " [migration_set] TEXT, [name] TEXT, [applied_at] TEXT)")
        db.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS [idx_{MIGRATIONS_TABLE}_migration_set_name]"
                   f" ON [{MIGRATIONS_TABLE}] ([migration_set], [name])")
        for migration in todo:
            db.execute("BEGIN IMMEDIATE")
            try:
                migration.fn(db)
                db.execute(f"INSERT INTO [{MIGRATIONS_TABLE}] (migration_set, name, applied_at)"
                           " VALUES (?, ?, ?)", [self.name, migration.name, str(datetime.now(UTC))])
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        return [m.name for m in todo]
