"""Every task's table row in memory, filtered as the user types without asking SQLite again.

Why: the Tasks screen narrows its table on every keystroke. Listing tasks runs one
aggregate per task (runs, best judge score); doing it again per key costs tens of
milliseconds, while filtering ~200 (or ~2,000) rows in Python against precomputed lowercase
id + title text costs well under one. Same rules as `list_tasks`: every search word must occur
in the id or the title; venue, year and (effective) category must equal the filter's.
"""

from __future__ import annotations

from collections.abc import Iterator

from mlrtui.store.db import Store
from mlrtui.store.tasks import TaskFilter, TaskRow, list_tasks


class TaskIndex:
    """The tasks of one moment, in id order, with their search text lowered once."""

    def __init__(self, tasks: list[TaskRow]) -> None:
        self.tasks = tasks
        self._haystacks = [f"{t.id.lower()}\n{t.title.lower()}" for t in tasks]

    @classmethod
    def load(cls, store: Store) -> TaskIndex:
        return cls(list_tasks(store))

    def __len__(self) -> int:
        return len(self.tasks)

    def __iter__(self) -> Iterator[TaskRow]:
        return iter(self.tasks)

    def filter(self, flt: TaskFilter | None = None) -> list[TaskRow]:
        """The tasks the filter keeps, in id order."""
        if flt is None:
            return list(self.tasks)
        venue = flt.venue.lower() if flt.venue else None
        words = (flt.search or "").lower().split()
        out = []
        for task, hay in zip(self.tasks, self._haystacks, strict=True):
            if venue and task.venue != venue:
                continue
            if flt.year and task.year != flt.year:
                continue
            if flt.category and task.category != flt.category:
                continue
            if all(w in hay for w in words):
                out.append(task)
        return out
