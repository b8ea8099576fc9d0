"""What judges and people said about a run's hallucinations, to set beside the provenance check.

A judge's verdict comes from its reviews linked to the run (or one of its versions) at the
stages that assess hallucination: a hallucination flag raised from the review means "flagged",
a review whose parsed reply says `hallucination: false` means "not flagged", and a review that
does not assess it (null) says nothing. Human labels come from the `hallucination_labels` table
(the release's human hallucination check).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from mlrtui.store.db import Store

STAGES = ("hallucination", "experiment", "overall", "writeup")


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
    """The human hallucination labels of this run (`hallucination_labels`, from the release's
    hallucination check): per labeller, whether results were judged faked — the type this
    check is about — else whether any type was labelled yes. "Not sure" is no label."""
    rows = store.query(
        "SELECT labeller, type, label FROM hallucination_labels WHERE run_id = ? "
        "AND label != 'not_sure'", [run_id])
    by_who: dict[str, dict[str, bool]] = {}
    for r in rows:
        by_who.setdefault(r["labeller"] or "human", {})[r["type"]] = r["label"] == "yes"
    out = []
    for who, types in by_who.items():
        flagged = types["faked_results"] if "faked_results" in types else any(types.values())
        out.append(HumanLabel(who, flagged))
    return out
