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

from mlrtui.kernel.secrets import active_secrets, redact_value
from mlrtui.store import migrations, owners
from mlrtui.store.connection import Database
from mlrtui.store.guard import newer_schema

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
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self.db
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
                else:
                    conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise write_failure(self.path, exc) or exc
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
        secrets = active_secrets()       # no key a model echoed is ever stored
        if secrets:
            row = {k: redact_value(v, secrets) for k, v in row.items()}
        cols = ", ".join(f"[{c}]" for c in row)
        marks = ", ".join("?" for _ in row)
        verb = "INSERT OR IGNORE" if ignore else "INSERT"
        with self.lock:
            try:
                cur = self.db.execute(f"{verb} INTO [{table}] ({cols}) VALUES ({marks})",
                                      list(row.values()))
            except sqlite3.OperationalError as exc:
                raise write_failure(self.path, exc) or exc
            if cur.rowcount == 0:
                return None
            return cur.lastrowid

    def reap(self) -> dict[str, int]:
        """Mark "running" rows whose owner process died as interrupted (`owners.reap`): screens
        that list runs or costs call it, so a run killed elsewhere shows without a restart.
        Reads first; writes only when there is a dead owner. A read-only or busy file skips."""
        with self.lock:
            try:
                return owners.reap(self.db.conn, now())
            except sqlite3.OperationalError:
                return {}

    def close(self) -> None:
        with self.lock:
            self.db.close()


# SQLite's words for a write the file system refused -> what the user is told.
_WRITE_FAILURES = {
    "readonly": "the database file is read-only",
    "disk is full": "the disk is full",
    "disk i/o error": "a disk I/O error (is the disk full?)",
    "file is too large": "the file size limit was reached",
}


def write_failure(path: Path, exc: BaseException) -> StoreError | None:
    """A one-line StoreError for a refused write (read-only, disk full), else None."""
    text = str(exc).lower()
    for marker, meaning in _WRITE_FAILURES.items():
        if marker in text:
            return StoreError(f"{path}: cannot write: {meaning}; nothing was saved")
    if isinstance(exc, OSError) and exc.strerror:
        return StoreError(f"{path}: cannot write: {exc.strerror}; nothing was saved")
    return None


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
        try:
            refusal = newer_schema(path, migrations.known_names())
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: cannot open database ({exc})") from None
        if refusal:
            raise StoreError(refusal)
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
        owners.install_triggers(conn)
        if not _read_only(conn):
            owners.reap(conn, now())
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot open database ({exc})") from None
    return Store(db, path)


def _read_only(conn: sqlite3.Connection) -> bool:
    """Whether the connection cannot write (a read-only file): reaping is skipped then."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return True
    conn.execute("ROLLBACK")
    return False
