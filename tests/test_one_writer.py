"""Each table has one writer module (house style): the scan below finds every write in mlrtui/
and maps table -> modules that write it.

A write is SQL text (`INSERT [OR x] INTO t`, `REPLACE INTO t`, `UPDATE t`, `DELETE FROM t`) or a
call naming the table (`store.insert("t", ...)`, a bulk writer's `w.keyed("t", ...)` /
`w.many("t", ...)`, sqlite-utils `db["t"].insert/upsert/update/delete`). The generic
mechanisms' built statements (Store.insert, ImportContext.keyed/many, the migrations ledger) are
not writers, their callers are; nor are the migrations. A table name built at run time
(`UPDATE {table}`) is reported as "<dynamic>" so it cannot hide.

The importer writes no table itself: it hands its ImportContext (a store.bulk.BulkWriter) to
the owners' `import_*` functions, which name their tables.

KNOWN lists the extra writers that remain, each with why; the test fails when one appears that
is not listed, and when a listed one is gone (so the list only shrinks). One is left, and is
meant to stay:
- store/owners.py `reap`: on open, rows whose owning process died become "interrupted" in runs,
  batches, imports and llm_calls. It runs on the raw connection inside `open_store`, before any
  owner module is imported (the store is the bottom layer and cannot call up into runs, costs
  or providers), and it changes only the liveness columns (status, owner's error and time) that
  the same module's triggers stamp; no owner writes those rows' status back to "running".
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = "mlrtui/store/migrations.py"      # schema and back-fills, not a writer
# their dynamic SQL only: Store.insert, the importer's keyed/many, the migrations ledger
MECHANISMS = {"mlrtui/store/db.py", "mlrtui/importer/context.py", "mlrtui/store/connection.py"}
SQL = re.compile(r"\b(?:INSERT(?:\s+OR\s+[A-Z]+)?\s+INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)"
                 r"\s+\[?([a-z_]+|\{)")
CALLS = [re.compile(r"\.(?:insert|keyed|many)\(\s*\"([a-z_]+)\""),
         re.compile(r"\[\"([a-z_]+)\"\]\.(?:insert|insert_all|upsert|upsert_all|update|delete|"
                    r"delete_where)\(")]

# table -> owner module: the one module that writes it.
OWNER = {
    "batches": "mlrtui/costs/batches.py", "runs": "mlrtui/runs/versions.py",
    "versions": "mlrtui/runs/versions.py", "version_inputs": "mlrtui/runs/versions.py",
    "stage_heads": "mlrtui/runs/versions.py", "executions": "mlrtui/experiment/executor.py",
    "files": "mlrtui/experiment/workspace.py", "llm_calls": "mlrtui/providers/ledger.py",
    "reviews": "mlrtui/judge/judging.py", "review_scores": "mlrtui/judge/judging.py",
    "flags": "mlrtui/judge/flags.py", "human_scores": "mlrtui/scores/human.py",
}
# table -> {extra writer module: why}; only store-level mechanisms, argued in the docstring.
KNOWN: dict[str, dict[str, str]] = {
    "<dynamic>": {"mlrtui/store/owners.py": "on open, rows of dead processes become "
                                            "interrupted (runs, batches, imports, llm_calls)"},
}


def writers() -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for path in sorted((ROOT / "mlrtui").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel == MIGRATIONS:
            continue
        text = path.read_text(encoding="utf-8")
        for m in SQL.finditer(text):
            if m.group(1) != "{":
                found[m.group(1)].add(rel)
            elif rel not in MECHANISMS:
                found["<dynamic>"].add(rel)
        for pattern in CALLS:
            for m in pattern.finditer(text):
                found[m.group(1)].add(rel)
    return dict(found)


def test_the_scan_sees_the_kinds_of_write() -> None:
    """The patterns match each form they claim to (else the main test could pass vacuously)."""
    samples = {'db.execute("UPDATE tasks SET x = 1")': "tasks",
               "INSERT OR IGNORE INTO model_aliases (a) VALUES (?)": "model_aliases",
               'f"DELETE FROM [{table}]"': "{", "REPLACE INTO response_cache": "response_cache"}
    for text, table in samples.items():
        assert SQL.search(text).group(1) == table
    assert CALLS[0].search('store.insert("flags", row)').group(1) == "flags"
    assert CALLS[1].search('db["runs"].upsert(row)').group(1) == "runs"
    assert len(writers()) >= 15


def test_each_table_has_one_writer_module() -> None:
    found = writers()
    unexpected, gone = [], []
    for table, modules in found.items():
        allowed = {OWNER.get(table)} | set(KNOWN.get(table, {}))
        extra = sorted(modules - allowed) if (table in OWNER or table in KNOWN) else (
            sorted(modules) if len(modules) > 1 else [])
        unexpected += [f"{table}: {m}" for m in extra]
    for table, modules in KNOWN.items():
        gone += [f"{table}: {m}" for m in modules if m not in found.get(table, set())]
    assert unexpected == [], "a table gained a second writer module"
    assert gone == [], "fixed: remove these from KNOWN"


def test_the_importer_writes_through_the_owners() -> None:
    """The importer writes its own tables (imports, import_problems, hallucination_labels,
    model_aliases) and no table of another owner: those go through the owners' import_*."""
    found = writers()
    direct = sorted(f"{table}: {m}" for table in OWNER for m in found.get(table, set())
                    if m.startswith("mlrtui/importer/"))
    assert direct == []
    own = {t for t, ms in found.items() if any(m.startswith("mlrtui/importer/") for m in ms)}
    assert {"imports", "model_aliases"} <= own
    assert not own & set(OWNER)
