"""Checking a judge's reply against its rubric, on top of the tolerant `reviewparse` decoder.

`parse_review` finds the JSON whatever its wrapping and reads scores loosely ("8/10", strings,
extra keys, justification inside the overall object). This module adds what the rubric demands:
every dimension present, scores inside the scale, Confidence inside 1-5, the experiment's
hallucination verdict, well-formed hallucination findings. Anything else makes the reply
'invalid' with a one-line reason; it is then stored raw and retried by the judging loop.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, ValidationError, create_model

from mlrtui.judge.parse import parse_review
from mlrtui.judge.rubrics import Rubric

FLAG_TYPES = ("nonexistent_citation", "hallucinated_methodology", "math_error", "faked_results",
              "other")
_TYPE_ALIASES = {
    "citation": "nonexistent_citation", "nonexistentcitation": "nonexistent_citation",
    "nonexistentcitations": "nonexistent_citation", "fakecitation": "nonexistent_citation",
    "methodology": "hallucinated_methodology", "hallucinatedmethodology":
        "hallucinated_methodology", "math": "math_error", "matherror": "math_error",
    "mathematicalerror": "math_error", "mathematicalerrors": "math_error",
    "fakedresults": "faked_results", "fakedexperimentalresults": "faked_results",
    "fakeresults": "faked_results", "fabricatedresults": "faked_results",
}


class Finding(BaseModel):
    type: str
    description: str = ""
    evidence: str = ""


class CheckedReply(BaseModel):
    status: Literal["ok", "repaired", "invalid"]
    scores: dict[str, float] = Field(default_factory=dict)
    justifications: dict[str, str] = Field(default_factory=dict)
    confidence: float | None = None
    verdict: Finding | None = None        # the experiment rubric's hallucination verdict, if any
    has_hallucination: bool | None = None
    findings: list[Finding] = Field(default_factory=list)
    data: Any = None
    error: str | None = None

    @property
    def overall(self) -> float | None:
        return self.scores.get("Overall")


def _flat(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def flag_type(value: Any) -> str:
    """'Nonexistent Citation', 'math-error', 'faked results' -> a flag type; unknown -> other."""
    flat = _flat(str(value or ""))
    for known in FLAG_TYPES:
        if flat == _flat(known):
            return known
    return _TYPE_ALIASES.get(flat, "other")


def _score_model(rubric: Rubric) -> type[BaseModel]:
    lo, hi = rubric.scale_min, rubric.scale_max
    fields: dict[str, Any] = {d: (Annotated[float, Field(ge=lo, le=hi)], ...)
                              for d in rubric.dimension_names}
    if rubric.confidence is not None:
        c = rubric.confidence
        fields["Confidence"] = (Annotated[float, Field(ge=c.min, le=c.max)], ...)
    return create_model(f"Reply_{_flat(rubric.id) or 'rubric'}", **fields)


def _one_line(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:4]:
        where = ".".join(str(p) for p in err["loc"]) or "reply"
        parts.append("missing " + where if err["type"] == "missing" else f"{where}: {err['msg']}")
    return "; ".join(parts)


def _strict_status(text: str) -> Literal["ok", "repaired"]:
    """Whether the JSON was readable without repair (for findings replies without scores)."""
    candidates = [text.strip()]
    candidates += re.findall(r"```[A-Za-z0-9_-]*\s*\n(.*?)```", text, re.DOTALL)
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start:end + 1])
    for cand in candidates:
        try:
            json.loads(cand)
            return "ok"
        except ValueError:
            continue
    return "repaired"


def _lower_keys(obj: Any) -> dict[str, Any]:
    return {_flat(str(k)): v for k, v in obj.items()} if isinstance(obj, dict) else {}


def _findings(data: Any) -> list[Finding] | None:
    items = data if isinstance(data, list) else _lower_keys(data).get("findings")
    if items is None:
        for value in _lower_keys(data).values():   # one wrapper level, e.g. {"review": {...}}
            if isinstance(value, dict) and "findings" in _lower_keys(value):
                items = _lower_keys(value)["findings"]
    if not isinstance(items, list):
        return None
    out = []
    for item in items:
        low = _lower_keys(item)
        if not low:
            continue
        desc = low.get("description", low.get("details", ""))
        ev = low.get("evidence", low.get("quote", ""))
        out.append(Finding(type=flag_type(low.get("type", low.get("category"))),
                           description=desc if isinstance(desc, str) else json.dumps(desc),
                           evidence=ev if isinstance(ev, str) else json.dumps(ev)))
    return out


def _verdict(data: Any, has: bool | None, details: str) -> Finding | None:
    if not has:
        return None
    inner = {}
    for key, value in _lower_keys(data).items():
        if key == "hallucination" and isinstance(value, dict):
            inner = _lower_keys(value)
    kind = flag_type(inner.get("type")) if inner.get("type") not in (None, "none") \
        else "faked_results"
    evidence = inner.get("evidence", "")
    return Finding(type=kind, description=details,
                   evidence=evidence if isinstance(evidence, str) else json.dumps(evidence))


def check_reply(rubric: Rubric, text: str) -> CheckedReply:
    """Parse and validate one reply; never raises."""
    parsed = parse_review(text or "")
    if rubric.kind == "findings":
        if parsed.data is None:
            return CheckedReply(status="invalid", error=parsed.error or "no JSON found")
        found = _findings(parsed.data)
        if found is None:
            return CheckedReply(status="invalid", data=parsed.data,
                                error="no findings list in the reply")
        status = parsed.status if parsed.status != "invalid" else _strict_status(text)
        return CheckedReply(status=status, findings=found, data=parsed.data)
    if parsed.status == "invalid":
        return CheckedReply(status="invalid", data=parsed.data, error=parsed.error)
    by_flat = {_flat(k): (k, v) for k, v in parsed.scores.items()}
    scores, justifications = {}, {}
    for name in rubric.dimension_names:
        if _flat(name) in by_flat:
            key, value = by_flat[_flat(name)]
            scores[name] = value
            if key in parsed.justifications:
                justifications[name] = parsed.justifications[key]
    values: dict[str, Any] = dict(scores)
    if rubric.confidence is not None and parsed.confidence is not None:
        values["Confidence"] = parsed.confidence
    reply = CheckedReply(status=parsed.status, scores=scores, justifications=justifications,
                         confidence=parsed.confidence, data=parsed.data)
    try:
        _score_model(rubric).model_validate(values)
    except ValidationError as exc:
        return reply.model_copy(update={"status": "invalid", "error": _one_line(exc)})
    if rubric.has_verdict:
        if parsed.hallucination is None:
            return reply.model_copy(update={"status": "invalid",
                                            "error": "missing Hallucination verdict"})
        reply.has_hallucination = parsed.hallucination
        reply.verdict = _verdict(parsed.data, parsed.hallucination,
                                 parsed.hallucination_details)
    return reply


async def check_reply_async(rubric: Rubric, text: str) -> CheckedReply:
    """check_reply off the event loop: a large reply takes a while to scan and repair."""
    return await asyncio.to_thread(check_reply, rubric, text)
