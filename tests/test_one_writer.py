"""Each table has one writer module (house style): the scan below finds every write in mlrtui/
and maps table -> modules that write it.

A write is SQL text (`INSERT [OR x] INTO t`, `REPLACE INTO t`, `UPDATE t`, `DELETE FROM t`) or a
call naming the table (`store.insert("t", ...)`, the importer's `ctx.keyed("t", ...)` /
`ctx.many("t", ...)`, sqlite-utils `db["t"].insert/upsert/update/delete`). The generic
mechanisms' built statements (Store.insert, ImportContext.keyed/many) are not writers, their
callers are; nor are the migrations. A table name built at run time (`UPDATE {table}`) is
reported as "<dynamic>" so it cannot hide.

KNOWN lists the extra writers that remain, each with why; the test fails when one appears that
is not listed, and when a listed one is gone (so the list only shrinks).
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = "mlrtui/store/migrations.py"      # schema and back-fills, not a writer
MECHANISMS = {"mlrtui/store/db.py", "mlrtui/importer/context.py"}  # their dynamic SQL only
SQL = re.compile(r"\b(?:INSERT(?:\s+OR\s+[A-Z]+)?\s+INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)"
                 r"\s+\[?([a-z_]+|\{)")
CALLS = [re.compile(r"\.(?:insert|keyed|many)\(\s*\"([a-z_]+)\""),
         re.compile(r"\[\"([a-z_]+)\"\]\.(?:insert|insert_all|upsert|upsert_all|update|delete|"
                    r"delete_where)\(")]

IMPORTER = "the importer's bulk writes, not yet routed through the owner's bulk functions"
REWRITE = "in a file the main session is rewriting into services"
LAYER = "costs sits below runs and cannot call the runs owner"
# table -> {extra writer module: why}; the first module in OWNER is the table's owner.
OWNER = {
    "batches": "mlrtui/costs/batches.py", "runs": "mlrtui/runs/versions.py",
    "versions": "mlrtui/runs/versions.py", "version_inputs": "mlrtui/runs/versions.py",
    "stage_heads": "mlrtui/runs/versions.py", "executions": "mlrtui/experiment/executor.py",
    "files": "mlrtui/experiment/workspace.py", "llm_calls": "mlrtui/providers/ledger.py",
    "reviews": "mlrtui/judge/judging.py", "review_scores": "mlrtui/judge/judging.py",
    "flags": "mlrtui/judge/flags.py", "human_scores": "mlrtui/scores/human.py",
}
KNOWN: dict[str, dict[str, str]] = {
    "runs": {"mlrtui/importer/stepwise.py": IMPORTER},
    "versions": {"mlrtui/importer/stepwise.py": IMPORTER},
    "version_inputs": {"mlrtui/importer/stepwise.py": IMPORTER},
    "stage_heads": {"mlrtui/importer/stepwise.py": IMPORTER},
    "executions": {"mlrtui/importer/end2end.py": IMPORTER,
                   "mlrtui/importer/agentwork.py": IMPORTER, "mlrtui/runs/versions.py":
                   "links an execution to the version it produced"},
    "files": {"mlrtui/importer/end2end.py": IMPORTER, "mlrtui/importer/agentwork.py": IMPORTER},
    "llm_calls": {"mlrtui/importer/end2end.py": IMPORTER,
                  "mlrtui/importer/agentwork.py": IMPORTER,
                  "mlrtui/importer/aiscientist.py": IMPORTER, "mlrtui/costs/summary.py":
                  "re-pricing (costs sits below providers)", "mlrtui/runs/coding_agents.py":
                  "a coding agent's own token usage"},
    "reviews": {"mlrtui/importer/reviewfile.py": IMPORTER, "mlrtui/importer/human.py": IMPORTER,
                "mlrtui/importer/hallucination.py": IMPORTER},
    "review_scores": {"mlrtui/importer/reviewfile.py": IMPORTER,
                      "mlrtui/importer/human.py": IMPORTER},
    "flags": {"mlrtui/importer/reviewfile.py": IMPORTER,
              "mlrtui/importer/hallucination.py": IMPORTER},
    "human_scores": {"mlrtui/importer/human.py": IMPORTER},
    "<dynamic>": {"mlrtui/costs/calls.py": "set_budget_cap: runs or batches; " + LAYER,
                  "mlrtui/store/owners.py": "on open, rows of dead processes become "
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
