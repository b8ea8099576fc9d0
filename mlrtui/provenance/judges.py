"""What judges and people said about a run's hallucinations, to set beside the provenance check.

A judge's verdict comes from its reviews linked to the run (or one of its versions) at the
stages that assess hallucination: a hallucination flag raised from the review means "flagged",
a review whose parsed reply says `hallucination: false` means "not flagged", and a review that
does not assess it (null) says nothing. Human labels come from a `human_hallucination` table when
the database has one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from mlrtui.store.db import Store

STAGES = ("hallucination", "experiment", "overall", "writeup")
_LABEL_COLUMNS = ("has_hallucination", "hallucination", "label", "flagged", "verdict")


@dataclass
class JudgeVerdict:
    judge: str
    stage: str
    flagged: bool
    reviews: int


@dataclass
class HumanLabel:
    who: str
    flagged: bool


def judge_verdicts(store: Store, run_id: int) -> list[JudgeVerdict]:
    """Per (judge, stage): flagged if any of its reviews of this run raised a hallucination."""
    rows = store.query(
        "SELECT r.id, r.judge_model, r.stage, r.parsed, "
        "(SELECT COUNT(*) FROM flags f WHERE f.review_id = r.id) AS flags FROM reviews r "
        f"WHERE r.stage IN ({','.join('?' * len(STAGES))}) AND (r.run_id = ? OR r.version_id IN "
        "(SELECT id FROM versions WHERE run_id = ?)) ORDER BY r.judge_model, r.stage",
        [*STAGES, run_id, run_id])
    out: dict[tuple[str, str], JudgeVerdict] = {}
    for r in rows:
        said = _said(r["parsed"])
        if not r["flags"] and said is None:
            continue
        v = out.setdefault((r["judge_model"], r["stage"]),
                           JudgeVerdict(r["judge_model"], r["stage"], False, 0))
        v.flagged = v.flagged or bool(r["flags"]) or bool(said)
        v.reviews += 1
    return list(out.values())


def _said(parsed: str | None) -> bool | None:
    try:
        value = json.loads(parsed or "null")
    except ValueError:
        return None
    h = value.get("hallucination") if isinstance(value, dict) else None
    if isinstance(h, dict):
        h = h.get("has_hallucination", h.get("score"))
    return h if isinstance(h, bool) else None


def human_labels(store: Store, run_id: int) -> list[HumanLabel]:
    """Rows of `human_hallucination` about this run, if that table exists (else none)."""
    if not store.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                        "AND name = 'human_hallucination'"):
        return []
    cols = [r["name"] for r in store.query(
        "SELECT name FROM pragma_table_info('human_hallucination')")]
    label = next((c for c in _LABEL_COLUMNS if c in cols), None)
    if "run_id" not in cols or label is None:
        return []
    who = next((c for c in ("reviewer", "annotator", "source") if c in cols), None)
    rows = store.query(f"SELECT [{label}] AS flagged" + (f", [{who}] AS who" if who else "")
                       + " FROM human_hallucination WHERE run_id = ?", [run_id])
    return [HumanLabel(str(r.get("who") or "human"), _truthy(r["flagged"])) for r in rows]


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "y", "hallucination")
    return bool(value)
