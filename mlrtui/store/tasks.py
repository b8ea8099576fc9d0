"""Task repository: upsert parsed task files, list with filters, per-task overrides."""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass, field
from pathlib import Path

from mlrtui.kernel.progress import NullProgress, ProgressSink
from mlrtui.kernel.tasks import CATEGORIES, Task, TaskFileError, parse_task_file
from mlrtui.store.db import Store, now


# Plain dataclasses, not pydantic models: the Tasks screen is the console's first screen, and
# importing pydantic (~0.1 s) before its first paint is most of what makes the start slow.
@dataclass
class TaskRow:
    id: str
    venue: str
    year: int
    slug: str
    title: str
    category: str                  # effective: the override when set, else the classifier's
    category_auto: str
    source: str
    body: str = ""
    category_terms: list[tuple[str, float]] = field(default_factory=list)
    category_override: str | None = None
    path: str | None = None
    runs: int = 0
    best_score: float | None = None


@dataclass(frozen=True)
class TaskFilter:
    venue: str | None = None
    year: int | None = None
    category: str | None = None
    search: str | None = None


def upsert_task(store: Store, task: Task, source: str) -> bool:
    """Insert or refresh a task; True when something changed. Keeps a user's category override."""
    row = {
        "id": task.id, "venue": task.venue, "year": task.year, "slug": task.slug,
        "title": task.title, "body": task.body,
        "category": task.classification.category,
        "category_terms": json.dumps(task.classification.terms[:12]),
        "source": source, "path": task.path, "content_hash": task.content_hash,
        "created_at": now(),
    }
    with store.transaction():
        existing = store.query("SELECT content_hash, category, title FROM tasks WHERE id = ?",
                               [task.id])
        if not existing:
            store.insert("tasks", row)
            return True
        old = existing[0]
        if (old["content_hash"], old["category"], old["title"]) == (
                row["content_hash"], row["category"], row["title"]):
            return False
        store.db.execute(
            "UPDATE tasks SET title=?, body=?, category=?, category_terms=?, content_hash=?, "
            "path=? WHERE id=?",
            [row["title"], row["body"], row["category"], row["category_terms"],
             row["content_hash"], row["path"], task.id])
        return True


def load_task_dir(store: Store, folder: Path, source: str,
                  progress: ProgressSink | None = None) -> tuple[int, list[str]]:
    """Load every task file of a folder; returns (changed count, one-line problems)."""
    progress = progress or NullProgress()
    files = sorted(folder.glob("*.md"))
    changed, problems = 0, []
    for path in files:
        try:
            task = parse_task_file(path)
            changed += upsert_task(store, task, source)
            for line in task.problems:      # imported, with something fixed on the way in
                problems.append(line)
                progress.problem(str(path), line.split(": ", 1)[-1])
        except TaskFileError as exc:
            problems.append(str(exc))
            progress.problem(str(path), str(exc).split(": ", 1)[-1])
    return changed, problems


def ensure_examples(store: Store, folder: Path) -> int:
    """Load the bundled example tasks on first start so the app is never empty."""
    if store.scalar("SELECT COUNT(*) FROM tasks") or not folder.is_dir():
        return 0
    return load_task_dir(store, folder, "example")[0]


# Listed columns by name: `t.*` would pull every body (one may be 50 MB) to show titles.
_COLUMNS = ("t.id, t.venue, t.year, t.slug, t.title, t.category, t.category_terms, "
            "t.category_override, t.source, t.path")
_LIST_SQL = """
SELECT {columns}, COALESCE(t.category_override, t.category) AS effective,
  (SELECT COUNT(*) FROM runs r WHERE r.task_id = t.id) AS runs,
  (SELECT MAX(m) FROM (SELECT AVG(v.overall) AS m FROM reviews v
      WHERE v.task_id = t.id AND v.overall IS NOT NULL
      GROUP BY v.stage, v.target_model, v.version_id, v.variant)) AS best_score
FROM tasks t
"""


def _to_row(r: dict, with_body: bool) -> TaskRow:
    return TaskRow(
        id=r["id"], venue=r["venue"], year=r["year"], slug=r["slug"], title=r["title"],
        body=r["body"] if with_body else "", category=r["effective"],
        category_auto=r["category"], category_terms=[tuple(x) for x in
                                                     json.loads(r["category_terms"] or "[]")],
        category_override=r["category_override"], source=r["source"], path=r["path"],
        runs=r["runs"], best_score=r["best_score"])


def list_tasks(store: Store, flt: TaskFilter | None = None, *, with_body: bool = False
               ) -> list[TaskRow]:
    flt = flt or TaskFilter()
    where, params = [], []
    if flt.venue:
        where.append("t.venue = ?")
        params.append(flt.venue.lower())
    if flt.year:
        where.append("t.year = ?")
        params.append(flt.year)
    if flt.category:
        where.append("COALESCE(t.category_override, t.category) = ?")
        params.append(flt.category)
    if flt.search:
        for word in flt.search.lower().split():
            where.append("(lower(t.id) LIKE ? OR lower(t.title) LIKE ?)")
            params += [f"%{word}%", f"%{word}%"]
    columns = _COLUMNS + (", t.body" if with_body else "")
    sql = _LIST_SQL.format(columns=columns) + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY t.id"
    return [_to_row(r, with_body) for r in store.query(sql, params)]


def task_ids(store: Store) -> list[str]:
    """Every task id, sorted."""
    return [r["id"] for r in store.query("SELECT id FROM tasks ORDER BY id")]


def get_task(store: Store, task_id: str) -> TaskRow | None:
    rows = store.query(_LIST_SQL.format(columns=_COLUMNS + ", t.body") + " WHERE t.id = ?",
                       [task_id])
    return _to_row(rows[0], True) if rows else None


def task_title(store: Store, task_id: str) -> str | None:
    """The title alone, for headers: no body read."""
    return store.scalar("SELECT title FROM tasks WHERE id = ?", [task_id])


def set_category_override(store: Store, task_id: str, category: str | None) -> None:
    if category is not None and category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}; one of: {', '.join(CATEGORIES)}")
    with store.transaction():
        cur = store.db.execute("UPDATE tasks SET category_override = ? WHERE id = ?",
                               [category, task_id])
        if cur.rowcount == 0:
            raise KeyError(task_id)


def facets(store: Store) -> dict[str, list]:
    """Distinct venues, years and categories, for filter pickers."""
    return {
        "venue": [r["venue"] for r in store.query("SELECT DISTINCT venue FROM tasks ORDER BY 1")],
        "year": [r["year"] for r in store.query("SELECT DISTINCT year FROM tasks ORDER BY 1")],
        "category": CATEGORIES,
    }


def match_task_ids(store: Store, globs: list[str]) -> tuple[list[str], list[str]]:
    """Task ids matching any of the globs (fnmatch, case-sensitive), and the globs that match
    no task: commands treat those as a usage error rather than silently doing nothing."""
    ids = [r["id"] for r in store.query("SELECT id FROM tasks ORDER BY id")]
    unmatched = [g for g in globs if not any(fnmatch.fnmatchcase(i, g) for i in ids)]
    chosen = [i for i in ids if any(fnmatch.fnmatchcase(i, g) for g in globs)]
    return chosen, unmatched
