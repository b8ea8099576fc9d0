"""A judge's hallucination check of a paper (review_hallucination_<judge>.json) into the store.

The file holds has_hallucination, hallucinations [{type, description, evidence}],
overall_assessment and confidence. It becomes one review (stage 'hallucination') of the paper
version, and each finding one open flag on that version, so a person can check the evidence in
the text and confirm or dismiss it. A verdict of no hallucination is kept too (a review without
flags): it is the judge saying "no" for every type, which the judges-vs-humans table needs.
"""

from __future__ import annotations

import json
from pathlib import Path

from mlrtui.importer.context import ImportContext
from mlrtui.importer.textio import load_json, read_text
from mlrtui.judge.flags import import_flags
from mlrtui.judge.judging import import_review
from mlrtui.judge.reply import flag_type

PREFIX = "review_hallucination_"


def judge_of(path: Path) -> str:
    """The judge's name as written in review_hallucination_<judge>.json."""
    return path.stem.removeprefix(PREFIX)


def add_hallucination_review(ctx: ImportContext, path: Path, *, task: str, target: str | None,
                             run_id: int | None, version_id: int | None) -> int | None:
    """One file: review + a flag per finding; None when the file holds nothing usable."""
    text = read_text(ctx, path, "hallucination review")
    data = load_json(ctx, path, text) if text is not None else None
    if data is None:
        return None
    if not isinstance(data, dict) or "hallucinations" not in data:
        ctx.problem(path, "not a hallucination review (no 'hallucinations' list); skipped")
        return None
    items = data.get("hallucinations")
    if not isinstance(items, list):
        ctx.problem(path, "'hallucinations' is not a list; review kept without findings")
        items = []
    findings = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            ctx.problem(path, f"finding {n} is not an object; skipped")
            continue
        findings.append((str(item.get("type") or ""), str(item.get("description") or ""),
                         str(item.get("evidence") or "")))
    has = data.get("has_hallucination")
    if isinstance(has, bool) and has != bool(findings):
        ctx.problem(path, f"has_hallucination is {has} but {len(findings)} finding(s) listed")
    if version_id is None:
        ctx.problem(path, "the judged paper is not in the corpus; flags kept unlinked")
    judge_original = judge_of(path)
    judge = ctx.model(judge_original)
    key = ctx.key(path)
    if ctx.known("reviews", key):
        return import_review(ctx, {"import_key": key})
    confidence = data.get("confidence")
    review = import_review(ctx, {
        "task_id": task, "run_id": run_id, "version_id": version_id, "stage": "hallucination",
        "target_model": target, "judge_model": judge, "judge_original": judge_original,
        "overall": None,
        "confidence": confidence if isinstance(confidence, int | float) else None,
        "raw_text": text, "parsed": json.dumps({
            "has_hallucination": has, "findings": [
                {"type": flag_type(t), "type_original": t, "description": d, "evidence": e}
                for t, d, e in findings],
            "overall_assessment": data.get("overall_assessment")}, ensure_ascii=False),
        "parse_status": "ok", "source": "corpus", "import_key": key, "created_at": ctx.stamp})
    import_flags(ctx, [(review, run_id, version_id, flag_type(t), d, e, judge, "open",
               ctx.key(path, f"#{n}"), ctx.stamp) for n, (t, d, e) in enumerate(findings)])
    ctx.summary.see("hallucination findings", len(findings))
    return review
