"""Opening the store: one connection, WAL, foreign keys, busy timeout, migrations on open.

Writes are serialised by a lock and grouped in transactions, so a failed import or run never
leaves half its rows behind.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mlrtui.store import migrations
from mlrtui.store.connection import Database

SQLITE_MAGIC = b"SQLite format 3\x00"


class StoreError(Exception):
    """The database cannot be used; the message is one line naming the file."""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """The one database connection of a process, shared by the CLI, the core and the TUI."""

    def __init__(self, db: Database, path: Path) -> None:
        self.db = db
        self.path = path
        self.lock = threading.RLock()
        self._depth = 0

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Database]:
        """A write transaction; nested uses join the outer one. Rolls back on any error."""
        with self.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.db
                finally:
                    self._depth -= 1
                return
            self._depth = 1
            conn = self.db.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")
            finally:
                self._depth = 0

    def query(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.db.query(sql, params))

    def scalar(self, sql: str, params: Any = ()) -> Any:
        with self.lock:
            row = self.db.execute(sql, params).fetchone()
        return row[0] if row else None

    def insert(self, table: str, row: dict[str, Any], *, ignore: bool = False) -> int | None:
        """Insert one row; with ignore, a row whose unique key exists adds nothing (None)."""
        cols = ", ".join(f"[{c}]" for c in row)
        marks = ", ".join("?" for _ in row)
        verb = "INSERT OR IGNORE" if ignore else "INSERT"
        with self.lock:
            cur = self.db.execute(f"{verb} INTO [{table}] ({cols}) VALUES ({marks})",
                                  list(row.values()))
            if cur.rowcount == 0:
                return None
            return cur.lastrowid

    def close(self) -> None:
        with self.lock:
            self.db.close()


def open_store(path: Path | str) -> Store:
    """Open (creating if needed) the database at path and bring its schema up to date."""
    path = Path(path).expanduser()
    if path.exists():
        if path.is_dir():
            raise StoreError(f"{path}: is a directory, not an SQLite database")
        try:
            with path.open("rb") as fh:
                head = fh.read(16)
        except OSError as exc:
            raise StoreError(f"{path}: cannot read ({exc.strerror})") from None
        if head and head != SQLITE_MAGIC:
            raise StoreError(f"{path}: not an SQLite database")
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot create its folder ({exc.strerror})") from None
    try:
        conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        db = Database(conn)
        migrations.apply(db)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot open database ({exc})") from None
    return Store(db, path)
