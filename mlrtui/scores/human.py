"""Human scores: blind scoring of any stage on the judges' rubric, stored beside expert scores.

Blind means the scorer sees the task and the output, never the judges' scores nor which model
wrote it; the queue order is shuffled per reviewer. Scores go to `human_scores` with
source 'user', blind=1 and the rubric id, one row per dimension, so the agreement statistics
treat them exactly like the imported expert scores (source 'corpus').
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from mlrtui.judge.rubrics import ConfidenceSpec, Dimension, Rubric, RubricError, get_rubric
from mlrtui.store.db import Store, now

if TYPE_CHECKING:
    from mlrtui.store.bulk import BulkWriter

# The rubric a human uses by default for each stage: the paper is scored like the end-to-end
# review (the human-evaluation dimensions).
HUMAN_RUBRIC = {"idea": "idea", "proposal": "proposal", "experiment": "experiment",
                "paper": "overall"}


class HumanScoreError(Exception):
    """Scores that cannot be saved; the message is one line."""


class BlindItem(BaseModel):
    """What the blind scoring form shows: no judge scores, no model name."""
    version_id: int
    run_id: int
    task_id: str
    task_title: str
    task_body: str
    stage: str
    text: str
    rubric_id: str
    dimensions: list[Dimension]
    confidence: ConfidenceSpec | None = None


class HumanScoreRow(BaseModel):
    id: int
    reviewer: str
    item: str
    task_id: str | None
    run_id: int | None
    version_id: int | None
    target_model: str | None
    stage: str
    dimension: str
    score: float
    rubric_id: str | None
    blind: bool
    source: str
    created_at: str


def rubric_for(stage: str, rubric_id: str | None = None) -> Rubric:
    if rubric_id is None:
        if stage not in HUMAN_RUBRIC:
            raise HumanScoreError(f"no rubric for human scoring of the {stage} stage")
        rubric_id = HUMAN_RUBRIC[stage]
    try:
        return get_rubric(rubric_id)
    except RubricError as exc:
        raise HumanScoreError(str(exc)) from None


def _version(store: Store, version_id: int) -> dict[str, Any]:
    rows = store.query(
        "SELECT v.id, v.run_id, v.stage, v.text, r.task_id, r.model, t.title, t.body "
        "FROM versions v JOIN runs r ON r.id = v.run_id JOIN tasks t ON t.id = r.task_id "
        "WHERE v.id = ?", [version_id])
    if not rows:
        raise HumanScoreError(f"no version {version_id}")
    return rows[0]


def blind_item(store: Store, version_id: int, rubric_id: str | None = None) -> BlindItem:
    row = _version(store, version_id)
    rubric = rubric_for(row["stage"], rubric_id)
    if rubric.kind != "scores":
        raise HumanScoreError(f"rubric {rubric.id} has no scores to give")
    return BlindItem(version_id=row["id"], run_id=row["run_id"], task_id=row["task_id"],
                     task_title=row["title"], task_body=row["body"], stage=row["stage"],
                     text=row["text"], rubric_id=rubric.id, dimensions=rubric.dimensions,
                     confidence=rubric.confidence)


def blind_queue(store: Store, reviewer: str, stage: str = "paper", *,
                limit: int = 500) -> list[int]:
    """Current versions of a stage this reviewer has not scored yet, in a per-reviewer shuffle."""
    rows = store.query(
        "SELECT h.version_id FROM stage_heads h WHERE h.stage = ? AND NOT EXISTS ("
        " SELECT 1 FROM human_scores s WHERE s.version_id = h.version_id AND s.reviewer = ?)",
        [stage, reviewer])
    ids = [r["version_id"] for r in rows]
    ids.sort(key=lambda v: hashlib.sha256(f"{reviewer}:{v}".encode()).hexdigest())
    return ids[:limit]


def save_scores(store: Store, reviewer: str, version_id: int, scores: dict[str, float], *,
                rubric_id: str | None = None, blind: bool = True) -> list[int]:
    """Validate against the rubric and store one row per dimension (all or nothing)."""
    reviewer = reviewer.strip()
    if not reviewer:
        raise HumanScoreError("a reviewer name is needed")
    row = _version(store, version_id)
    rubric = rubric_for(row["stage"], rubric_id)
    wanted = {d.lower(): d for d in rubric.dimension_names}
    if rubric.confidence is not None:
        wanted["confidence"] = "Confidence"
    clean: dict[str, float] = {}
    for key, value in scores.items():
        name = wanted.get(key.strip().lower())
        if name is None:
            raise HumanScoreError(f"{key!r} is not a dimension of rubric {rubric.id} "
                                  f"({', '.join(wanted.values())})")
        lo, hi = ((rubric.confidence.min, rubric.confidence.max)
                  if name == "Confidence" and rubric.confidence else
                  (rubric.scale_min, rubric.scale_max))
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise HumanScoreError(f"{name}: {value!r} is not a number") from None
        if not lo <= number <= hi:
            raise HumanScoreError(f"{name}: {number:g} is outside {lo}-{hi}")
        clean[name] = number
    missing = [d for d in rubric.dimension_names if d not in clean]
    if missing:
        raise HumanScoreError(f"missing score(s) for {', '.join(missing)}")
    item = f"{row['task_id']}/{row['model']}/v{version_id}"
    stamp = now()
    with store.transaction():
        # One save is one judgement: its rows share a row_index, so duplicates stay countable.
        judgement = (store.scalar("SELECT MAX(row_index) FROM human_scores "
                                  "WHERE source = 'user'") or 0) + 1
        return [store.insert("human_scores", {
            "reviewer": reviewer, "item": item, "task_id": row["task_id"],
            "run_id": row["run_id"], "version_id": version_id, "target_model": row["model"],
            "stage": row["stage"], "dimension": dim, "score": value, "rubric_id": rubric.id,
            "blind": int(blind), "source": "user", "row_index": judgement,
            "created_at": stamp})
            for dim, value in clean.items()]


def list_scores(store: Store, *, source: str | None = None, reviewer: str | None = None,
                version_id: int | None = None) -> list[HumanScoreRow]:
    sql, params = "SELECT * FROM human_scores WHERE 1 = 1", []
    for column, value in (("source", source), ("reviewer", reviewer),
                          ("version_id", version_id)):
        if value is not None:
            sql += f" AND {column} = ?"
            params.append(value)
    rows = store.query(sql + " ORDER BY id", params)
    return [HumanScoreRow(**{k: r[k] for k in HumanScoreRow.model_fields}) for r in rows]


HUMAN_COLUMNS = ("reviewer", "item", "task_id", "target_model", "stage", "dimension", "score",
                 "blind", "source", "row_index", "import_key", "created_at")


def import_human_scores(w: BulkWriter, rows: list[Sequence[Any]]) -> None:
    """Scores of a published human study, as tuples in HUMAN_COLUMNS order (one per
    judgement and dimension; row_index keeps a reviewer's repeated rows apart)."""
    w.many("human_scores", HUMAN_COLUMNS, rows)
