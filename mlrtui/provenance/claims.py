"""Numeric result claims of a write-up: table cells with their labels, inline numbers near metrics.

Everything that is not a reported result is left out: section numbers, years, citations and the
reference list, hyper-parameters and sizes stated as settings, equation constants, "Table 2",
versions, dates and identifiers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mlrtui.provenance.model import Doc
from mlrtui.provenance.numbers import Num, find_numbers, information, normalise
from mlrtui.provenance.words import CONFIG_WORDS, METRIC_WORDS

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_REFS = re.compile(r"^(?:#{1,6}\s*)?(?:\d+\.?\s*|[A-Z]\.\s*)?\**(references|bibliography|works cited"
                   r"|citations)\**\s*:?\s*$", re.IGNORECASE)
_CONFIG_SECTION = re.compile(r"setup|configuration|hyper-?param|implementation detail|"
                             r"dataset stat|settings|environment|reproducib", re.IGNORECASE)
_MASKS = [re.compile(p, re.IGNORECASE) for p in (
    r"`[^`]*`", r"\$\$.*?\$\$", r"\$[^$]+\$", r"\\\(.*?\\\)", r"https?://\S+", r"\bdoi:?\s*10\.\S+",
    r"\b10\.\d{4,9}/\S+", r"arxiv[:\s]*\d{4}\.\d{4,5}(v\d+)?", r"\b\d{4}\.\d{4,5}(v\d+)?\b",
    r"\[\s*\d+(?:\s*[,–-]\s*\d+)*\s*\]", r"\bet al\.?,?\s*\(?\d{4}[a-z]?\)?",
    r"\((?:[^()]*?,\s*)?(?:19|20)\d\d[a-z]?\)",
    (r"\b(?:table|tab\.|figure|fig\.?|section|sec\.|eq\.?|equation|appendix|algorithm|alg\.|step"
    r"|stage|phase|hypothesis|experiment|exp\.|chapter|line|lines|listing|theorem|lemma|"
    r"definition|proposition|corollary|rq|h)\s*\(?[A-Z]?\d+(?:\.\d+)*\)?"),
    r"\b\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?", r"\b\d{1,2}:\d{2}(?::\d{2})?\b",
    r"\bv\d+(?:\.\d+)*\b", (r"\b(?:python|pytorch|torch|cuda|numpy|version|transformers|"
    r"gpt|claude|llama|qwen|mistral|gemini|bert|roberta|t5|resnet|vit|o\d|sonnet|opus|phi|gemma)"
    r"[\s-]*\d+(?:\.\d+)*\w*"), r"\b\d+(?:\.\d+)+\.\d+\b", r"#\d+",
)]
_ENUM = re.compile(r"^\s*(?:[-*+]\s+)?(?:\(?\d+(?:\.\d+)*[.)]\s+|\d+(?:\.\d+)+\s+)")
_METRIC_ONLY = METRIC_WORDS - CONFIG_WORDS
_SENT = re.compile(r"(?<=[.!?;])\s+(?=[A-Z(])")


@dataclass
class Claim:
    """A number a document reports, with the labels that say what it measures."""

    doc: str
    line: int
    text: str
    num: Num
    context: list[str] = field(default_factory=list)
    group: str = ""  # table id or paragraph id: the scope for derivations
    row: str = ""
    column: str = ""
    error: str | None = None


def _mask(text: str) -> str:
    for rx in _MASKS:
        text = rx.sub(lambda m: " " * len(m.group(0)), text)
    return text


def _words_before(text: str, pos: int, n: int) -> list[str]:
    return re.findall(r"[a-z][a-z0-9\-]*", text[max(0, pos - 60):pos].lower())[-n:]


def _words_after(text: str, pos: int, n: int) -> list[str]:
    return re.findall(r"[a-z][a-z0-9\-]*", text[pos:pos + 40].lower())[:n]


def _is_year(num: Num) -> bool:
    return num.integer and not num.percent and 1900 <= num.value <= 2100 and len(num.raw) == 4


_SPLIT = frozenset(["train", "training", "validation", "val", "dev", "test", "testing",
                    "held-out", "holdout"])
_SETTING_BEFORE = frozenset(["target", "split", "divided", "noise", "weight", "threshold",
                             "budget"])


def _is_setting(text: str, num: Num) -> bool:
    """'10 epochs', 'learning rate of 0.001', 'batch size = 32', 'seed 42', '80% for training',
    'a target of 20%', 'noise standard deviation: 0.1', 'with 1.0 being the best': configuration."""
    after = _words_after(text, num.end, 3)
    before = _words_before(text, num.start, 4)
    if after and after[0] in CONFIG_WORDS:
        return True
    split = [w for w in after if w not in ("for", "each", "of", "the")]
    if num.percent and split[:1] and split[0] in _SPLIT and not (
            split[1:2] and split[1] in _METRIC_ONLY):
        return True                      # a data split: "80% train", not "99.6% test accuracy"
    labelled = re.search(r"[:(=]\s*$", text[max(0, num.start - 3):num.start])
    if any(w in _SETTING_BEFORE for w in (before[-4:] if labelled else before[-2:])):
        return True                      # "a target of 20%", "noise standard deviation: 0.1"
    if after[:1] == ["being"]:
        return True                      # "with 1.0 being the best": a scale's end
    near = before[-3:]
    if any(w in CONFIG_WORDS for w in near) and not any(w in _METRIC_ONLY for w in near):
        return True
    return bool(re.search(r"(?:=|:)\s*$", text[max(0, num.start - 3):num.start])) and any(
        w in CONFIG_WORDS for w in before)


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def extract_claims(doc: Doc) -> list[Claim]:
    """All result claims of one document, in line order."""
    lines = doc.text.splitlines()
    claims: list[Claim] = []
    heading, in_refs, in_code, in_math = "", False, False, False
    header: list[str] | None = None
    table_id = ""
    for i, raw in enumerate(lines, start=1):
        line = normalise(raw)
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            in_code = not in_code
            continue
        if stripped == "$$" or (stripped.startswith("$$") and stripped.count("$$") == 1):
            in_math = not in_math
            continue
        if in_code or in_math:
            continue
        h = _HEADING.match(stripped)
        if _REFS.match(stripped):
            in_refs = True
            continue
        if h:
            heading = h.group(2)
            in_refs = False
            header = None
            continue
        if in_refs or re.match(r"^\s*\[\d+\]\s", line):
            continue
        if stripped.startswith("|"):
            if header is None:
                header, table_id = _cells(line), f"t{i}"
                continue
            if re.fullmatch(r"[|:\-\s]+", stripped):
                continue
            claims += _table_row(doc, i, raw, line, header, heading, table_id)
            continue
        header = None
        if doc.kind == "pdf-text" and not stripped:
            continue
        claims += _inline(doc, i, raw, line, heading)
    return claims


def _table_row(doc: Doc, i: int, raw: str, line: str, header: list[str], heading: str,
               table_id: str) -> list[Claim]:
    cells = _cells(line)
    if not cells:
        return []
    row = cells[0]
    head_text = " ".join(header).lower()
    if _CONFIG_SECTION.search(heading) or re.search(r"hyper-?param|parameter|setting|config",
                                                    head_text):
        return []
    if set(re.findall(r"[a-z]+", row.lower())) & CONFIG_WORDS and not (
            set(re.findall(r"[a-z]+", row.lower())) & METRIC_WORDS):
        return []
    out = []
    for j, cell in enumerate(cells[1:], start=1):
        col = header[j] if j < len(header) else ""
        if set(re.findall(r"[a-z]+", col.lower())) & CONFIG_WORDS and not (
                set(re.findall(r"[a-z]+", col.lower())) & METRIC_WORDS):
            continue
        nums = [n for n in find_numbers(_mask(cell)) if not _is_year(n)]
        if not nums:
            continue
        main, error = nums[0], None
        if len(nums) >= 2 and re.search(r"±|\+/-|\+-", cell):
            error = nums[1].raw
        if main.integer and not main.percent and information(main) == "low":
            continue
        out.append(Claim(doc.name, i, raw.strip(), main, [row, col, header[0]], table_id, row,
                         col, error))
    return out


def _inline(doc: Doc, i: int, raw: str, line: str, heading: str) -> list[Claim]:
    body = _ENUM.sub(lambda m: " " * len(m.group(0)), line)
    masked = _mask(body)
    nums = [n for n in find_numbers(masked) if not _is_year(n)]
    if not nums:
        return []
    out = []
    offset = 0
    for sentence in _SENT.split(masked):
        start = masked.find(sentence, offset)
        offset = start + len(sentence)
        for n in nums:
            if not (start <= n.start < offset):
                continue
            if _is_setting(masked, n) or re.search(r"[<>≤≥]=?\s*$", masked[:n.start]):
                continue  # a setting, or a bound/target ("ECE < 2%") rather than a result
            if n.integer and not n.percent and information(n) == "low":
                continue
            window = {part for word in _words_before(masked, n.start, 8)
                      + _words_after(masked, n.end, 4)
                      for part in (word, *word.split("-"))}      # "f1-score": f1, score
            metric = sorted(window & METRIC_WORDS)
            if not metric and not n.percent:
                continue
            if doc.kind == "pdf-text" and not metric and information(n) == "low":
                continue
            out.append(Claim(doc.name, i, raw.strip(), n, [" ".join(metric), heading],
                             f"p{i}", error=None))
    return out
