"""Turning a judge's reply into per-dimension scores, whatever shape the JSON came in.

Used by the corpus importer (the stored MLR-Judge outputs) and by live judges. Judges wrap
JSON in code fences, add prose around it, write scores as "8/10", nest them in objects with
extra keys, use odd key cases, emit JSON lines, or break the JSON; all of that is tolerated.
Status is 'ok' when strict JSON was found, 'repaired' when json_repair had to fix it, and
'invalid' when no score could be read.
"""

from __future__ import annotations

import ast
import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import json_repair

Status = Literal["ok", "repaired", "invalid"]

# Normalised key (letters and digits only, lower case) -> canonical dimension name.
_ALIASES = {
    "overall": "Overall",
    "overallassessment": "Overall",
    "overallscore": "Overall",
    "overallrating": "Overall",
    "overallevaluation": "Overall",
    "overallquality": "Overall",
    "confidence": "Confidence",
    "score": "Overall",            # a single-score reply {"score": 7, "justification": ...}
}
_SCORE_KEYS = ("score", "value", "rating", "grade", "points")
_JUSTIFICATION_KEYS = ("justification", "reason", "reasoning", "rationale", "explanation",
                       "comment", "comments")
_WRAPPER_KEYS = {"scores", "review", "evaluation", "ratings", "assessment", "dimensions",
                 "result", "results"}
# "8", "8.5", "8/10", "8 out of 10", "Score: 8", "7 (good)"; the number must lead the text.
_SCORE_TEXT = re.compile(
    r"^\s*(?:(?:score|rating)\s*[:=]?\s*)?([-+]?\d+(?:\.\d+)?)"
    r"(?:\s*(?:/|out of)\s*(\d+(?:\.\d+)?))?", re.IGNORECASE)
_FENCE = re.compile(r"```[A-Za-z0-9_-]*[ \t]*\r?\n(.*?)```", re.DOTALL)

# Replies longer than this are not given to json_repair (it is slow on large garbage).
REPAIR_LIMIT = 64 * 1024


@dataclass
class ParsedReview:
    status: Status
    scores: dict[str, float] = field(default_factory=dict)
    justifications: dict[str, str] = field(default_factory=dict)
    data: Any = None
    error: str | None = None
    # Extras some rubrics ask for; None when the reply has none.
    confidence: float | None = None
    hallucination: bool | None = None
    hallucination_details: str = ""
    strengths: list[str] = field(default_factory=list)
    weaknesses: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The compact validated reply stored beside the raw text (justifications go per row)."""
        return {"scores": self.scores, "confidence": self.confidence,
                "hallucination": self.hallucination, "strengths": self.strengths,
                "weaknesses": self.weaknesses}


@functools.lru_cache(maxsize=4096)
def canonical_dimension(key: str) -> str:
    """'overall_assessment', 'OverallAssessment', 'overall' -> 'Overall'; 'novelty' -> 'Novelty'."""
    flat = re.sub(r"[^a-z0-9]", "", key.lower())
    if flat in _ALIASES:
        return _ALIASES[flat]
    words = re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", key.strip())
    if not words:
        return key.strip()
    return " ".join(w.capitalize() if i == 0 else w.lower() for i, w in enumerate(words))


def parse_score(value: Any) -> float | None:
    """8, 8.5, "8", "8/10", "4/5" (scaled to 10), "Score: 7" -> float; anything else None."""
    if type(value) in (int, float):   # the common case first (bool is excluded by type())
        return float(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        found = _SCORE_TEXT.match(value)
        if not found or len(value.strip()) > 40:  # prose such as "3 steps, each ..." is no score
            return None
        num = float(found.group(1))
        den = float(found.group(2)) if found.group(2) else 10.0
        return num if den in (0.0, 10.0) else round(num * 10.0 / den, 4)
    if isinstance(value, dict):
        for key, inner in value.items():
            if str(key).lower() in _SCORE_KEYS:
                return parse_score(inner)
    return None


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        low = value.strip().lower()
        if low in ("true", "yes", "1"):
            return True
        if low in ("false", "no", "0"):
            return False
    if isinstance(value, int | float):
        return bool(value)
    return None


def _candidates(text: str) -> Iterator[str]:
    """Where the JSON may be, most likely first; lazy, as the whole text usually parses."""
    yield text
    for m in _FENCE.finditer(text):
        yield m.group(1)
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        yield text[start:end + 1]


def _decode(text: str) -> tuple[Any, Status] | None:
    """Find the JSON in a reply: whole text, a fenced block, the outermost braces, JSON lines."""
    for cand in _candidates(text):
        try:
            return json.loads(cand), "ok"
        except ValueError:
            continue
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if len(lines) > 1:
        objs = []
        for ln in lines:
            try:
                objs.append(json.loads(ln))
            except ValueError:
                break
        else:
            return objs, "ok"
    if len(text) > REPAIR_LIMIT:     # repair time grows with size: past this it is garbage
        return None
    try:
        repaired = json_repair.loads(text)
    except (ValueError, RecursionError):
        return None
    if isinstance(repaired, dict | list) and repaired:
        return repaired, "repaired"
    return None


def _merge(data: Any) -> dict[str, Any]:
    """One flat {dimension: value} mapping from a dict, a wrapper, a list of dicts or entries."""
    if isinstance(data, list):
        merged: dict[str, Any] = {}
        for item in data:
            if not isinstance(item, dict):
                continue
            name = next((item[k] for k in item if str(k).lower() in ("dimension", "criterion",
                                                                        "name", "aspect")), None)
            if isinstance(name, str):
                merged[name] = item
            else:
                merged.update(_merge(item))
        return merged
    if not isinstance(data, dict):
        return {}
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if str(key).lower() in _WRAPPER_KEYS and isinstance(value, dict | list):
            flat.update(_merge(value))
        else:
            flat[str(key)] = value
    return flat


@functools.lru_cache(maxsize=4096)
def _dimension(key: str) -> str:
    """canonical_dimension, with every spelling of has_hallucination read as 'Hallucination'."""
    if key.lower().replace("_", "") == "hashallucination":
        return "Hallucination"
    return canonical_dimension(key)


@functools.lru_cache(maxsize=4096)
def _lower(key: str) -> str:
    return key.lower()


def _fill(review: ParsedReview, data: Any) -> None:
    for key, value in _merge(data).items():
        dim = _dimension(key)
        if dim == "Hallucination":
            inner = value if isinstance(value, dict) else {"has_hallucination": value}
            lowered = {str(k).lower(): v for k, v in inner.items()}
            review.hallucination = _as_bool(lowered.get("has_hallucination"))
            details = lowered.get("details", lowered.get("justification", ""))
            review.hallucination_details = details if isinstance(details, str) else json.dumps(
                details, ensure_ascii=False)
            continue
        if isinstance(value, dict):
            _fill_object(review, dim, value)
            continue
        score = parse_score(value)
        if score is None:
            continue
        if dim == "Confidence":
            review.confidence = score
        else:
            review.scores[dim] = score


def _fill_object(review: ParsedReview, dim: str, value: dict[str, Any]) -> None:
    """{"score": 8, "justification": ..., "strengths": [...]}: one pass over the keys."""
    score, scored, justification, lists = None, False, None, []
    for k, v in value.items():
        low = _lower(k) if type(k) is str else str(k).lower()
        if low in _SCORE_KEYS:
            if not scored:   # the first score key decides, as in parse_score
                score, scored = parse_score(v), True
        elif low in _JUSTIFICATION_KEYS:
            if justification is None and isinstance(v, str):
                justification = v
        elif low in ("strengths", "weaknesses"):
            lists.append((low, v))
    if score is None:
        return
    if dim == "Confidence":
        review.confidence = score
        return
    review.scores[dim] = score
    if justification is not None:
        review.justifications.setdefault(dim, justification)
    if dim == "Overall":
        for low, v in lists:
            getattr(review, low).extend(_as_list(v))


def _as_list(value: Any) -> list[str]:
    """Strengths/weaknesses: a list, one string, or a string holding a Python/JSON list."""
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("[") and text.endswith("]"):
            try:
                parsed = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                parsed = None
            if isinstance(parsed, list):
                return [str(v) for v in parsed]
        return [text] if text else []
    return []


def parse_review(text: str) -> ParsedReview:
    """Parse a judge reply; never raises. See the module docstring for the statuses."""
    if text is None or not text.strip():
        return ParsedReview(status="invalid", error="empty reply")
    decoded = _decode(text.lstrip("\ufeff").strip())
    if decoded is None:
        too_long = len(text) > REPAIR_LIMIT
        return ParsedReview(status="invalid", error="no JSON found" + (
            f" (a {len(text) // 1024} KB reply is not repaired)" if too_long else ""))
    data, status = decoded
    review = ParsedReview(status=status, data=data)
    _fill(review, data)
    if not review.scores:
        review.status = "invalid"
        review.error = "no scores found in the JSON"
    return review
