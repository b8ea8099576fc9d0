"""The human-evaluation study: expert scores (human_review.csv) and the judges' scores of the
same papers (llm_judge.csv).

One CSV row is one (reviewer, paper) judgement; it becomes one human_scores row per dimension,
with row_index keeping duplicate (reviewer, paper) rows apart. The papers are those of the
MLR-Agent end-to-end runs (claude / o4-mini / gemini backbones), which are not in the corpus, so
no run is linked. llm_judge.csv holds the mean of the two judges' review_<model>.json Overall
and dimension scores; it is kept as reviews (source 'corpus', variant 'human_study') so the
agreement analysis can use exactly the published table. merge_data.csv is the join of the two
and is only counted.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from mlrtui.importer.context import ImportContext
from mlrtui.importer.reviews import AGENT_MODELS
from mlrtui.importer.textio import read_text
from mlrtui.judge.judging import import_review, import_review_scores
from mlrtui.scores.human import import_human_scores

HUMAN_DIR = "human_eval"
ID_COLUMNS = {"reviewer_id", "model_name", "workshop_name", "model"}
STUDY_JUDGE = "mlr-judge-mean"


def _rows(ctx: ImportContext, path: Path) -> list[dict[str, str]] | None:
    text = read_text(ctx, path, "CSV file")
    if text is None:
        return None
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "workshop_name" not in reader.fieldnames:
        ctx.problem(path, "no workshop_name column; not a human-evaluation CSV")
        return None
    return list(reader)


def _number(ctx: ImportContext, path: Path, line: int, column: str, value: str | None
            ) -> float | None:
    if value is None or not value.strip():
        ctx.problem(path, f"line {line}: {column} is empty; that score skipped")
        return None
    try:
        return float(value)
    except ValueError:
        ctx.problem(path, f"line {line}: {column} is not a number ({value.strip()[:20]!r})")
        return None


def import_human_reviews(ctx: ImportContext, path: Path) -> None:
    with ctx.unit(path):
        rows = _rows(ctx, path)
        if rows is None:
            return
        first_line: dict[tuple[str, str], int] = {}
        out = []
        for index, row in enumerate(rows, start=1):
            line = index + 1            # the header is line 1
            ctx.summary.see("human_eval rows (human_review.csv)")
            task = (row.get("workshop_name") or "").strip()
            short = (row.get("model_name") or "").strip()
            reviewer = (row.get("reviewer_id") or "").strip() or "anonymous"
            target = ctx.model(AGENT_MODELS.get(short, short)) if short else None
            item = f"{task}/{target}"
            seen_at = first_line.setdefault((reviewer, item), line)
            if seen_at != line:
                ctx.problem(path, f"line {line}: reviewer {reviewer} scores {item} again "
                                  f"(first on line {seen_at}); both rows kept")
            for column, value in row.items():
                if column is None or column in ID_COLUMNS:
                    continue
                score = _number(ctx, path, line, column, value)
                if score is None:
                    continue
                out.append((reviewer, item, task if task in ctx.task_ids else None, target,
                            "paper", column.strip(), score, 1, "corpus", index,
                            ctx.key(path, f"#{index}:{column.strip()}"), ctx.stamp))
        import_human_scores(ctx, out)


def import_judge_table(ctx: ImportContext, path: Path) -> None:
    with ctx.unit(path):
        rows = _rows(ctx, path)
        if rows is None:
            return
        for index, row in enumerate(rows, start=1):
            ctx.summary.see("human_eval rows (llm_judge.csv)")
            task = (row.get("workshop_name") or "").strip()
            short = (row.get("model_name") or "").strip()
            scores = {}
            for column, value in row.items():
                if column is None or column in ID_COLUMNS:
                    continue
                score = _number(ctx, path, index + 1, column, value)
                if score is not None:
                    scores[column.strip()] = score
            raw = ",".join(f"{k}={v}" for k, v in row.items() if k is not None)
            review = import_review(ctx, {
                "task_id": task if task in ctx.task_ids else None, "stage": "overall",
                "target_model": ctx.model(AGENT_MODELS.get(short, short)),
                "judge_model": STUDY_JUDGE,
                "judge_original": "llm_judge.csv (mean of the two judges)",
                "overall": scores.get("Overall"), "raw_text": raw,
                "parsed": json.dumps({"scores": scores, "blind_label": row.get("model")}),
                "parse_status": "ok", "source": "corpus", "variant": "human_study",
                "import_key": ctx.key(path, f"#{index}"), "created_at": ctx.stamp})
            import_review_scores(ctx, [(review, dim, score, None)
                                       for dim, score in scores.items()])


def count_merge_table(ctx: ImportContext, path: Path) -> None:
    """The join of the two tables above: counted and checked for readability only."""
    rows = _rows(ctx, path)
    if rows is not None:
        ctx.summary.see("human_eval rows (merge_data.csv, not imported: a join)", len(rows))
