"""Human hallucination labels: human_eval/Hallucination Check.csv.

Columns LLM, Workshop_name and one is_<Type> column per hallucination type, valued Yes / No /
Not Sure. A row labels one run: "AI Scientist V2" rows are the ai_scientist_v2_papers runs, "MLR
Agent" rows the MLR agent's end-to-end runs on the o4-mini backbone (end2end_o4-mini). Each
(row, type) becomes one hallucination_labels row linked to that run and its paper version, or
left unlinked (with one problem line per system) when the corpus does not hold the run.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from mlrtui.importer.aiscientist import AI_SCIENTIST_DIR
from mlrtui.importer.context import PREFIX, ImportContext
from mlrtui.importer.textio import read_text

LABELS_FILE = "Hallucination Check.csv"
TYPE_COLUMNS = {"is_faked_experimental_result": "faked_results",
                "is_hallucinated_methodology": "hallucinated_methodology",
                "is_incorrect_citation": "nonexistent_citation",
                "is_mathematical_error": "math_error"}
VALUES = {"yes": "yes", "no": "no", "not sure": "not_sure", "notsure": "not_sure"}
# Who a row's LLM column names -> the run it labels (its import key, task appended).
SYSTEMS = {"ai scientist v2": f"{AI_SCIENTIST_DIR}/o4-mini", "mlr agent": "end2end_o4-mini"}


def _run_of(ctx: ImportContext, system: str, task: str) -> tuple[int | None, int | None, str]:
    folder = f"{SYSTEMS[system]}/{task}"
    run = ctx.ids["runs"].get(f"{PREFIX}run:{folder}")
    if run is None:
        return None, None, folder
    row = ctx.store.db.execute("SELECT version_id FROM stage_heads WHERE run_id = ? AND "
                               "stage = 'paper'", [run]).fetchone()
    return run, (row[0] if row else None), folder


def import_labels(ctx: ImportContext, path: Path) -> None:
    with ctx.unit(path):
        text = read_text(ctx, path, "CSV file")
        if text is None:
            return
        reader = csv.DictReader(io.StringIO(text))
        fields = {(f or "").strip().lower(): f for f in reader.fieldnames or []}
        missing = [c for c in ("llm", "workshop_name") if c not in fields]
        types = [c for c in fields if c in TYPE_COLUMNS]
        if missing or not types:
            ctx.problem(path, "not a hallucination-label CSV (needs LLM, Workshop_name and "
                              "is_<type> columns); skipped")
            return
        unknown_cols = [fields[c] for c in fields
                        if c not in TYPE_COLUMNS and c not in ("llm", "workshop_name")]
        if unknown_cols:
            ctx.problem(path, f"unknown columns ignored: {', '.join(unknown_cols)}")
        absent: dict[str, int] = {}
        rows = []
        for index, row in enumerate(reader, start=1):
            line = index + 1
            ctx.summary.see("human hallucination label rows")
            system = (row.get(fields["llm"]) or "").strip()
            task = (row.get(fields["workshop_name"]) or "").strip()
            if system.lower() not in SYSTEMS:
                ctx.problem(path, f"line {line}: unknown system {system!r}; row skipped")
                continue
            if task not in ctx.task_ids:
                ctx.problem(path, f"line {line}: unknown task {task!r}; row skipped")
                continue
            run, version, folder = _run_of(ctx, system.lower(), task)
            if run is None:
                absent[folder.rsplit("/", 1)[0]] = absent.get(folder.rsplit("/", 1)[0], 0) + 1
            for col in types:
                value = (row.get(fields[col]) or "").strip()
                label = VALUES.get(value.lower())
                if label is None:
                    ctx.problem(path, f"line {line}: {fields[col]} is {value!r}, not Yes / No / "
                                      "Not Sure; that label skipped")
                    continue
                kind = TYPE_COLUMNS[col]
                rows.append((system, task, run, version, kind, label, "human", "corpus",
                             ctx.key(path, f"#{index}:{kind}"), ctx.stamp))
        for folder, n in absent.items():
            ctx.problem(path, f"{n} row(s) label runs of {folder}/, which this corpus does not "
                              "hold; labels kept unlinked")
        ctx.many("hallucination_labels", ("system", "task_id", "run_id", "version_id", "type",
                                          "label", "labeller", "source", "import_key",
                                          "created_at"), rows)
