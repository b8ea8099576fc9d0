"""The state one import carries: known import keys, counts, problems, and unit transactions.

Each unit of work (a task folder, a run folder, a CSV) is one transaction. Ids of rows already
imported are loaded once at the start, so re-imports cost no per-row SELECT; new rows go in
with INSERT OR IGNORE keyed by `import_key` (or by the table's own unique key), which makes the
import idempotent. Counts and new ids of a unit only become visible when the unit commits, so a
unit that fails leaves neither rows nor wrong numbers behind.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from mlrtui.core.importer.summary import ImportSummary
from mlrtui.core.modelnames import canonical_model
from mlrtui.core.progress import ProgressSink
from mlrtui.store.db import Store, now

KEYED = ("runs", "versions", "reviews", "executions")
PREFIX = "corpus:"


def model_id(name: str) -> str:
    """Canonical id of a model name as found: provider prefix and date suffix dropped."""
    return canonical_model(name.strip().rsplit("/", 1)[-1])


class UnitFailed(Exception):
    """Raised inside a unit to roll it back with a one-line reason."""


class ImportContext:
    def __init__(self, store: Store, root: Path, summary: ImportSummary,
                 progress: ProgressSink) -> None:
        self.store = store
        self.root = root
        self._root_prefix = str(root) + "/"
        self.summary = summary
        self.progress = progress
        self.stamp = now()
        self.ids: dict[str, dict[str, int]] = {t: {} for t in KEYED}
        self.aliases: set[str] = set()
        self.task_ids: set[str] = set()
        self._pending_ids: dict[tuple[str, str], int] = {}
        self._pending_counts: dict[str, int] = {}
        self._pending_aliases: dict[str, str] = {}

    # -- start-up ---------------------------------------------------------------------------
    def preload(self) -> None:
        """Load every corpus import key once: re-imports then skip rows without a SELECT each."""
        for table in KEYED:
            rows = self.store.db.execute(
                f"SELECT import_key, id FROM {table} WHERE import_key LIKE ?", [PREFIX + "%"])
            self.ids[table] = dict(rows.fetchall())
        self.aliases = {r[0] for r in self.store.db.execute("SELECT alias FROM model_aliases")}
        self.refresh_tasks()

    def refresh_tasks(self) -> None:
        with self.store.lock:
            self.task_ids = {r[0] for r in self.store.db.execute("SELECT id FROM tasks")}

    # -- helpers ----------------------------------------------------------------------------
    def rel(self, path: Path) -> str:
        """Path relative to the corpus root, as used in import keys and problem lines."""
        text = str(path)
        if text.startswith(self._root_prefix):
            return text[len(self._root_prefix):].replace("\\", "/")
        return text

    def key(self, path: Path | str, suffix: str = "") -> str:
        rel = path if isinstance(path, str) else self.rel(path)
        return f"{PREFIX}{rel}{suffix}"

    def problem(self, path: Path | str, message: str) -> None:
        rel = path if isinstance(path, str) else self.rel(path)
        self.summary.problems.append((rel, message))
        self.progress.problem(rel, message)

    def model(self, name: str) -> str:
        """Canonical id for a name as found; remembers the alias for model_aliases."""
        canon = model_id(name)
        original = name.strip()
        if original not in self.aliases and original not in self._pending_aliases:
            self._pending_aliases[original] = canon
        return canon

    # -- writing ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def unit(self, label: Path | str) -> Iterator[None]:
        """One transaction; on any failure the unit is rolled back and named as a problem."""
        self._pending_ids, self._pending_counts = {}, {}
        try:
            with self.store.transaction():
                yield
                self._flush_aliases()
        except (UnitFailed, sqlite3.Error, OSError, ValueError, KeyError, TypeError) as exc:
            self.problem(label, f"not imported ({type(exc).__name__}: {exc})")
            self._pending_aliases = {}
            return
        for (table, key), row_id in self._pending_ids.items():
            self.ids[table][key] = row_id
        for kind, n in self._pending_counts.items():
            self.summary.add(kind, n)
        self._pending_ids, self._pending_counts = {}, {}

    def _count(self, kind: str, n: int) -> None:
        if n:
            self._pending_counts[kind] = self._pending_counts.get(kind, 0) + n

    def _flush_aliases(self) -> None:
        if not self._pending_aliases:
            return
        rows = list(self._pending_aliases.items())
        cur = self.store.db.conn.executemany(
            "INSERT OR IGNORE INTO model_aliases (alias, model) VALUES (?, ?)", rows)
        self._count("model_aliases", max(cur.rowcount, 0))
        self.aliases.update(self._pending_aliases)
        self._pending_aliases = {}

    def keyed(self, table: str, row: dict[str, Any]) -> int:
        """Insert a row carrying an import_key unless already there; returns its id."""
        key = row["import_key"]
        known = self.ids[table].get(key) or self._pending_ids.get((table, key))
        if known is not None:
            return known
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        conn = self.store.db.conn
        cur = conn.execute(f"INSERT OR IGNORE INTO {table} ({cols}) VALUES ({marks})",
                           list(row.values()))
        if cur.rowcount:
            row_id = int(cur.lastrowid)
            self._count(table, 1)
        else:  # inserted by someone else since preload
            row_id = conn.execute(f"SELECT id FROM {table} WHERE import_key = ?",
                                  [key]).fetchone()[0]
        self._pending_ids[(table, key)] = row_id
        return row_id

    def many(self, table: str, cols: Sequence[str], rows: list[Sequence[Any]]) -> int:
        """INSERT OR IGNORE a batch (rows without ids we need back); returns rows added."""
        if not rows:
            return 0
        sql = (f"INSERT OR IGNORE INTO {table} ({', '.join(cols)}) "
               f"VALUES ({', '.join('?' for _ in cols)})")
        cur = self.store.db.conn.executemany(sql, rows)
        added = max(cur.rowcount, 0)
        self._count(table, added)
        return added
