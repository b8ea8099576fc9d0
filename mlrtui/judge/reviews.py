"""Reading stored reviews: what the Judge panel lists for a run, invalid replies included."""

from __future__ import annotations

import json

from pydantic import BaseModel

from mlrtui.store.db import Store


class Review(BaseModel):
    id: int
    task_id: str | None
    run_id: int | None
    version_id: int | None
    stage: str
    target_model: str | None
    judge_model: str
    rubric_id: str | None
    rubric_hash: str | None
    overall: float | None
    confidence: float | None
    parse_status: str                 # ok | repaired | invalid
    error: str | None
    source: str
    variant: str | None
    batch_id: int | None
    notes: list[str] = []             # what the judge was not shown
    scores: dict[str, float] = {}
    justifications: dict[str, str] = {}
    raw_text: str = ""
    created_at: str


def list_reviews(store: Store, *, run_id: int | None = None, version_id: int | None = None,
                 stage: str | None = None, batch_id: int | None = None,
                 limit: int = 1000) -> list[Review]:
    """Reviews matching the filters, newest first, each with its scores."""
    sql, params = "SELECT * FROM reviews WHERE 1 = 1", []
    for column, value in (("run_id", run_id), ("version_id", version_id), ("stage", stage),
                          ("batch_id", batch_id)):
        if value is not None:
            sql += f" AND {column} = ?"
            params.append(value)
    rows = store.query(sql + " ORDER BY id DESC LIMIT ?", [*params, limit])
    scores: dict[int, list[dict]] = {}
    if rows:
        marks = ", ".join("?" for _ in rows)
        for s in store.query(f"SELECT review_id, dimension, score, justification FROM "
                             f"review_scores WHERE review_id IN ({marks})", [r["id"] for r in rows]):
            scores.setdefault(s["review_id"], []).append(s)
    return [_review(r, scores.get(r["id"], [])) for r in rows]


def get_review(store: Store, review_id: int) -> Review | None:
    rows = store.query("SELECT * FROM reviews WHERE id = ?", [review_id])
    if not rows:
        return None
    scores = store.query("SELECT review_id, dimension, score, justification FROM review_scores "
                         "WHERE review_id = ?", [review_id])
    return _review(rows[0], scores)


def _review(row: dict, scores: list[dict]) -> Review:
    try:
        notes = json.loads(row.get("notes") or "[]")
    except ValueError:
        notes = []
    return Review(**{k: row[k] for k in Review.model_fields if k in row and k != "notes"},
                  notes=notes if isinstance(notes, list) else [],
                  scores={s["dimension"]: s["score"] for s in scores if s["score"] is not None},
                  justifications={s["dimension"]: s["justification"] for s in scores
                                  if s["justification"]})
