"""Few commits for many import units: each unit is a SAVEPOINT, units share a transaction that
commits every BATCH_SECONDS.

One COMMIT per unit (~850 for the reference corpus) wrote the same b-tree and index pages to
the WAL again and again. Batches, synchronous=OFF and a 64 MB page cache together took ~0.35 s
off a 1.62 s import of the reference corpus (best of 10; 0.16 s of it the batching). A batch
keeps the guarantees: a failing unit is rolled back to its savepoint alone; a SIGKILL loses at
most the open batch (SQLite rolls it back on the next open, the file stays intact) and a re-run
imports it again. While a batch is open the importer holds the store lock, so BATCH_SECONDS
also bounds how long another thread of the process (the TUI) waits for the database.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from mlrtui.store.db import Store

BATCH_SECONDS = 0.1
_SAVEPOINT = "import_unit"
# Page cache while importing (KiB, as PRAGMA cache_size takes negative numbers): a batch's
# pages stay in memory until its COMMIT instead of spilling to the WAL half-written.
CACHE_KIB = 64 * 1024
SYNCHRONOUS = "OFF"


@contextlib.contextmanager
def fast_writes(store: Store) -> Iterator[None]:
    """synchronous=OFF and a bigger page cache for the import, the previous values after.

    In WAL mode synchronous=OFF only skips the fsyncs of checkpoints: a killed process loses
    nothing committed and leaves an intact file; only an OS crash or power loss during the
    import could lose recent commits (the import is simply run again).
    """
    conn = store.db.conn
    with store.lock:
        sync = int(conn.execute("PRAGMA synchronous").fetchone()[0])
        cache = int(conn.execute("PRAGMA cache_size").fetchone()[0])
        conn.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
        conn.execute(f"PRAGMA cache_size = {-CACHE_KIB}")
    try:
        yield
    finally:
        with store.lock:
            conn.execute(f"PRAGMA synchronous = {sync}")
            conn.execute(f"PRAGMA cache_size = {cache}")


@dataclass
class UnitRecord:
    """What a finished unit added, so it can be taken back if its batch fails to commit."""
    label: str
    ids: dict[tuple[str, str], int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)


class Batches:
    def __init__(self, store: Store, undo: Callable[[UnitRecord, str], None],
                 seconds: float = BATCH_SECONDS) -> None:
        self.store = store
        self.seconds = seconds          # commit once a batch is this old
        self._undo = undo
        self._tx: contextlib.AbstractContextManager[Any] | None = None
        self._started = 0.0
        self._units: list[UnitRecord] = []
        self._grouping = False

    @contextlib.contextmanager
    def grouped(self) -> Iterator[None]:
        """Inside, units share transactions of about `seconds`; all done commits on exit.
        Outside, every unit commits on its own."""
        self._grouping = True
        try:
            yield
        finally:
            self._grouping = False
            self.commit()

    def begin_unit(self) -> str:
        if self._tx is None:
            tx = self.store.transaction()
            tx.__enter__()
            self._tx, self._started = tx, time.perf_counter()
        self.store.db.conn.execute(f"SAVEPOINT {_SAVEPOINT}")
        return _SAVEPOINT

    def release_unit(self, savepoint: str) -> None:
        self.store.db.conn.execute(f"RELEASE {savepoint}")

    def rollback_unit(self, savepoint: str) -> None:
        conn = self.store.db.conn
        if not conn.in_transaction:   # SQLite dropped the whole batch (e.g. disk full)
            self.commit()
            return
        conn.execute(f"ROLLBACK TO {savepoint}")
        conn.execute(f"RELEASE {savepoint}")

    def end_unit(self, record: UnitRecord | None = None) -> None:
        if record is not None:
            self._units.append(record)
        if not self._grouping or time.perf_counter() - self._started >= self.seconds:
            self.commit()

    def commit(self) -> None:
        """COMMIT the open batch; if that fails, every unit in it is undone and named."""
        tx, self._tx = self._tx, None
        units, self._units = self._units, []
        if tx is None:
            return
        try:
            tx.__exit__(None, None, None)
            return
        except sqlite3.Error as exc:
            reason = f"{type(exc).__name__} at commit: {exc}"
        with self.store.lock:
            if self.store.db.conn.in_transaction:
                self.store.db.conn.execute("ROLLBACK")
        for unit in units:
            self._undo(unit, reason)
