"""One judge file into the store: review row, per-dimension scores, hallucination flag."""

from __future__ import annotations

import json
from pathlib import Path

from mlrtui.importer.context import ImportContext
from mlrtui.importer.textio import read_text
from mlrtui.judge.flags import import_flags
from mlrtui.judge.judging import import_review, import_review_scores
from mlrtui.judge.parse import ParsedReview, parse_review

_EXPECTED_KEYS = {"score", "justification"}
_OVERALL_KEYS = {"score", "justification", "strengths", "weaknesses"}
_FLAG_TYPES = [
    ("faked_results", ("simulat", "fabricat", "synthetic result", "placeholder", "fake",
                       "hard-coded", "hardcoded", "not actually run", "mock")),
    ("nonexistent_citation", ("citation", "reference", "cited")),
    ("math_error", ("equation", "derivation", "mathematical")),
    ("hallucinated_methodology", ("method", "implementation")),
]


def flag_type(details: str) -> str:
    """A transparent keyword guess of the hallucination type; 'other' when nothing matches."""
    low = details.lower()
    for kind, words in _FLAG_TYPES:
        if any(w in low for w in words):
            return kind
    return "other"


def _extra_keys(parsed: ParsedReview) -> list[str]:
    if not isinstance(parsed.data, dict):
        return []
    extra = []
    for dim, value in parsed.data.items():
        if not isinstance(value, dict):
            continue
        low = dim.lower()
        if low == "hallucination":
            continue
        allowed = _OVERALL_KEYS if low.startswith("overall") else _EXPECTED_KEYS
        if value.keys() <= allowed:      # the usual case, already lower-case
            continue
        extra += [f"{dim}.{k}" for k in value if str(k).lower() not in allowed]
    return extra


def add_review(ctx: ImportContext, path: Path, *, task: str, stage: str, target: str | None,
               judge_original: str, run_id: int | None = None, version_id: int | None = None,
               variant: str | None = None) -> int | None:
    """Parse one judge file and store review, scores and (if any) its hallucination flag.

    A review stored by an earlier import is still read and parsed (its problems belong in
    this import's list too) but costs no write: its scores and flag went in with it."""
    key = ctx.key(path)
    text = read_text(ctx, path, "review")
    if text is None:
        return None
    parsed = parse_review(text)
    if parsed.status == "invalid":
        ctx.problem(path, f"review not readable ({parsed.error}); kept raw as 'invalid'")
    elif parsed.status == "repaired":
        ctx.problem(path, "broken JSON; repaired with json_repair")
    if isinstance(parsed.data, list):
        ctx.problem(path, f"JSON lines ({len(parsed.data)} records) in a review file")
    extra = _extra_keys(parsed)
    if extra:
        ctx.problem(path, f"extra keys inside score objects ignored: {', '.join(extra)}")
    judge = ctx.model(judge_original)
    if ctx.known("reviews", key):
        return import_review(ctx, {"import_key": key})
    review_id = import_review(ctx, {
        "task_id": task, "run_id": run_id, "version_id": version_id, "stage": stage,
        "target_model": target, "judge_model": judge, "judge_original": judge_original,
        "overall": parsed.scores.get("Overall"), "confidence": parsed.confidence,
        "raw_text": text, "parsed": json.dumps(parsed.summary(), ensure_ascii=False),
        "parse_status": parsed.status, "error": parsed.error, "source": "corpus",
        "variant": variant, "import_key": key, "created_at": ctx.stamp})
    import_review_scores(ctx, [(review_id, dim, score, parsed.justifications.get(dim))
                               for dim, score in parsed.scores.items()])
    if parsed.hallucination:
        details = parsed.hallucination_details
        import_flags(ctx, [(review_id, run_id, version_id, flag_type(details), details, "", judge,
                   "open", ctx.key(path, "#hallucination"), ctx.stamp)])
    return review_id
