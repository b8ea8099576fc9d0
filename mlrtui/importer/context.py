"""The state one import carries: known import keys, counts, problems, and unit transactions.

Each unit of work (a task folder, a run folder, a CSV) is all-or-nothing: a SAVEPOINT that is
rolled back, alone, when the unit fails. Units are grouped into batches of about
BATCH_SECONDS, one COMMIT each (see batch.py), so a SIGKILL loses at most the open batch and a
re-run completes it. Ids of rows already imported are loaded once at the start, so re-imports
cost no per-row SELECT; new rows go in with INSERT OR IGNORE keyed by `import_key` (or by the
table's own unique key), which makes the import idempotent. Counts and new ids of a unit only
become visible when the unit succeeds, and are taken back if its batch cannot commit.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from mlrtui.importer.batch import Batches, UnitRecord
from mlrtui.importer.summary import ImportSummary
from mlrtui.kernel.modelnames import canonical_model
from mlrtui.kernel.progress import ProgressSink
from mlrtui.kernel.secrets import active_secrets, redact_value
from mlrtui.store.db import Store, now

KEYED = ("runs", "versions", "reviews", "executions")
PREFIX = "corpus:"
# What a failing unit may raise and still leave the import going (anything else propagates).
UNIT_ERRORS = (sqlite3.Error, OSError, ValueError, KeyError, TypeError)


def model_id(name: str) -> str:
    """Canonical id of a model name as found: provider prefix and date suffix dropped."""
    return canonical_model(name.strip().rsplit("/", 1)[-1])


class UnitFailed(Exception):
    """Raised inside a unit to roll it back with a one-line reason."""


class ImportContext:
    """The import's state; as a store.bulk.BulkWriter (keyed, many) it is what the owners'
    import_* functions write through, so the importer itself names no owned table."""

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
        self.batches = Batches(store, self._undo)
        self._canon: dict[str, str] = {}
        self._sql: dict[tuple[str, tuple[str, ...]], str] = {}
        self._pending_ids: dict[tuple[str, str], int] = {}
        self._pending_counts: dict[str, int] = {}
        self._pending_aliases: dict[str, str] = {}
        self._queued: dict[tuple[str, tuple[str, ...]], list[Sequence[Any]]] = {}
        self._in_unit = False

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
        original = name.strip()
        canon = self._canon.get(original)
        if canon is None:
            canon = self._canon[original] = model_id(original)
        if original not in self.aliases and original not in self._pending_aliases:
            self._pending_aliases[original] = canon
        return canon

    def known(self, table: str, key: str) -> bool:
        """True when a row with this import key is already stored (its children are too)."""
        return key in self.ids[table] or (table, key) in self._pending_ids

    # -- units ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def unit(self, label: Path | str) -> Iterator[None]:
        """All or nothing; on a failure the unit alone is rolled back and named as a problem."""
        if self._in_unit:
            raise RuntimeError("import units do not nest")
        self._pending_ids, self._pending_counts, self._queued = {}, {}, {}
        self._in_unit = True
        savepoint = self.batches.begin_unit()
        try:
            yield
            self._flush_queued()
            aliases = self._flush_aliases()
        except UNIT_ERRORS + (UnitFailed,) as exc:
            self._pending_aliases = {}
            self.batches.rollback_unit(savepoint)
            self.problem(label, f"not imported ({type(exc).__name__}: {exc})")
            self.batches.end_unit()
            return
        except BaseException:
            self._pending_aliases = {}
            self.batches.rollback_unit(savepoint)
            self.batches.end_unit()
            raise
        finally:
            self._in_unit = False
        self.batches.release_unit(savepoint)
        for (table, key), row_id in self._pending_ids.items():
            self.ids[table][key] = row_id
        for kind, n in self._pending_counts.items():
            self.summary.add(kind, n)
        self.batches.end_unit(UnitRecord(self.rel(label) if isinstance(label, Path) else label,
                                         dict(self._pending_ids), dict(self._pending_counts),
                                         aliases))
        self._pending_ids, self._pending_counts = {}, {}

    def _undo(self, unit: UnitRecord, reason: str) -> None:
        """A committed-looking unit whose batch could not commit: forget its ids and counts."""
        for table, key in unit.ids:
            self.ids[table].pop(key, None)
        for kind, n in unit.counts.items():
            self.summary.add(kind, -n)
        self.aliases.difference_update(unit.aliases)
        self.problem(unit.label, f"not imported ({reason})")

    def count(self, kind: str, n: int) -> None:
        """Rows added by the current unit; they reach the summary when it succeeds."""
        if n:
            self._pending_counts[kind] = self._pending_counts.get(kind, 0) + n

    def _flush_aliases(self) -> list[str]:
        if not self._pending_aliases:
            return []
        rows = list(self._pending_aliases.items())
        cur = self.store.db.conn.executemany(
            "INSERT OR IGNORE INTO model_aliases (alias, model) VALUES (?, ?)", rows)
        self.count("model_aliases", max(cur.rowcount, 0))
        self.aliases.update(self._pending_aliases)
        self._pending_aliases = {}
        return [alias for alias, _ in rows]

    # -- writing ----------------------------------------------------------------------------
    def _insert_sql(self, table: str, cols: tuple[str, ...]) -> str:
        sql = self._sql.get((table, cols))
        if sql is None:
            sql = self._sql[(table, cols)] = (
                f"INSERT OR IGNORE INTO {table} ({', '.join(cols)}) "
                f"VALUES ({', '.join('?' for _ in cols)})")
        return sql

    def keyed(self, table: str, row: dict[str, Any]) -> int:
        """Insert a row carrying an import_key unless already there; returns its id."""
        key = row["import_key"]
        known = self.ids[table].get(key) or self._pending_ids.get((table, key))
        if known is not None:
            return known
        conn = self.store.db.conn
        secrets = active_secrets()
        values = [redact_value(v, secrets) for v in row.values()] if secrets else row.values()
        cur = conn.execute(self._insert_sql(table, tuple(row)), list(values))
        if cur.rowcount:
            row_id = int(cur.lastrowid)
            self.count(table, 1)
        else:  # inserted by someone else since preload
            row_id = conn.execute(f"SELECT id FROM {table} WHERE import_key = ?",
                                  [key]).fetchone()[0]
        self._pending_ids[(table, key)] = row_id
        return row_id

    def many(self, table: str, cols: Sequence[str], rows: list[Sequence[Any]]) -> None:
        """INSERT OR IGNORE rows whose ids nobody needs back; inside a unit they are queued and
        written in one executemany per table when the unit ends."""
        if not rows:
            return
        spec = (table, tuple(cols))
        if self._in_unit:
            self._queued.setdefault(spec, []).extend(rows)
        else:
            self.summary.add(table, self._write(spec, rows))

    def _flush_queued(self) -> None:
        queued, self._queued = self._queued, {}
        for spec, rows in queued.items():
            self.count(spec[0], self._write(spec, rows))

    def _write(self, spec: tuple[str, tuple[str, ...]], rows: list[Sequence[Any]]) -> int:
        secrets = active_secrets()
        if secrets:
            rows = [[redact_value(v, secrets) for v in row] for row in rows]
        cur = self.store.db.conn.executemany(self._insert_sql(*spec), rows)
        return max(cur.rowcount, 0)
