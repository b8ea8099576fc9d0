"""The bulk-write mechanism an owner module is handed by a caller that imports many rows.

Each table has one writer module (tests/test_one_writer.py). A bulk import (the corpus
importer) does not write tables itself: it calls the owners' `import_*` functions with an
object of this shape, and the owner names its table. The importer's ImportContext is the one
implementation: `keyed` inserts a row carrying an `import_key` once (INSERT OR IGNORE inside
the current unit's SAVEPOINT) and returns its id, `many` queues rows nobody needs ids of and
writes them with one executemany per table when the unit ends. So the owners decide what goes
where, while the importer keeps its idempotence (a re-import adds 0 rows) and its
all-or-nothing units (a SIGKILL leaves a consistent database).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


class BulkWriter(Protocol):
    """What an owner's `import_*` function writes through."""

    def keyed(self, table: str, row: dict[str, Any]) -> int:
        """Insert a row carrying an import_key unless already there; returns its id."""
        ...

    def many(self, table: str, cols: Sequence[str], rows: list[Sequence[Any]]) -> None:
        """INSERT OR IGNORE rows whose ids nobody needs back."""
        ...
