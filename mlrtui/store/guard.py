"""Refusing a database written by a newer mlrtui, before anything reads or writes it.

A newer mlrtui may have changed tables in ways this one would misread or corrupt, so an applied
migration this build does not know ends the open with one line naming the file and both schema
versions. The check uses a read-only connection, so the file is not touched.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

MIGRATION_SET = "mlrtui"


def applied_names(path: Path) -> list[str]:
    """Migrations recorded in the file (read-only), in order; [] for a new or empty file."""
    if not path.exists() or path.stat().st_size == 0:
        return []
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        has = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = "
                           "'_sqlite_migrations'").fetchone()
        if not has:
            return []
        return [r[0] for r in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
            [MIGRATION_SET])]
    finally:
        conn.close()


def newer_schema(path: Path, known: list[str]) -> str | None:
    """The refusal line when the file has migrations this build lacks, else None."""
    applied = applied_names(path)
    unknown = [name for name in applied if name not in set(known)]
    if not unknown:
        return None
    ours = known[-1] if known else "none"
    return (f"{path}: written by a newer mlrtui (schema {unknown[-1]}; this mlrtui knows up to "
            f"{ours}); upgrade mlrtui to open it")
