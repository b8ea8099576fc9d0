"""Finding a judge's quoted evidence in the text it judged, exactly or approximately.

Judges quote loosely: "The paper states: "..."", fragments joined by "...", text copied from a PDF
whose extraction broke words across lines ("classi-\\nfication") or turned "fi" into a ligature.
So: each quoted fragment (longest first), then the whole evidence, is looked for exactly, then
ignoring case and spacing; failing that, a window of the text's words is slid along to find the
passage sharing the most words with the quote (stdlib only). A window counts only when at least
MIN_SHARE of the quote's words are in it; it is then marked approximate, with that share.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

MIN_SHARE = 0.5
MIN_WORDS = 4
_QUOTED = re.compile(r"[\"“”]([^\"“”]{8,})[\"“”]|(?<!\w)['‘]([^'‘\n]{8,}?)['’](?!\w)")
_WORD = re.compile(r"\w+(?:-\n\w+)*")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*")


@dataclass
class Located:
    start: int
    end: int
    exact: bool           # False: the closest passage, not the quote itself
    share: float          # share of the quote's words found in the passage (1.0 when exact)


def fragments(evidence: str) -> list[str]:
    """What to look for: quoted fragments (split at ellipses), longest first, then the whole."""
    quotes = [a or b for a, b in _QUOTED.findall(evidence)]
    parts = [p.strip(" .") for q in quotes for p in _ELLIPSIS.split(q)]
    parts = sorted({p for p in parts if len(p) >= 8}, key=len, reverse=True)
    whole = evidence.strip().strip("\"'“”").strip()
    return parts + ([whole] if whole and whole not in parts else [])


def _norm(word: str) -> str:
    return unicodedata.normalize("NFKC", word.replace("-\n", "")).lower()


def _words(text: str) -> list[tuple[str, int, int]]:
    return [(_norm(m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]


def _loose(text: str, needle: str) -> tuple[int, int] | None:
    """Case- and whitespace-insensitive match of the needle's words in order."""
    words = [re.escape(w) for w in needle.split()]
    if not words:
        return None
    m = re.search(r"\s+".join(words), text, re.IGNORECASE)
    return (m.start(), m.end()) if m else None


def _window(words: list[tuple[str, int, int]], needle: list[str]) -> tuple[int, int, float]:
    """(first word, last word, share) of the best window of len(needle) words: most words in
    common with the quote; among equals, the one whose words follow the quote's order."""
    want, size = Counter(needle), len(needle)
    have: Counter[str] = Counter()
    shared = best = 0
    starts: list[int] = []
    for i, (w, _, _) in enumerate(words):
        have[w] += 1
        if have[w] <= want[w]:
            shared += 1
        if i >= size:
            old = words[i - size][0]
            if have[old] <= want[old]:
                shared -= 1
            have[old] -= 1
        at = max(0, i - size + 1)
        if shared > best:
            best, starts = shared, [at]
        elif shared == best and best and at not in starts:
            starts.append(at)
    spans = [_trim(words, want, lo, min(len(words), lo + size) - 1) for lo in starts[:200]]
    lo, hi = max(spans, key=lambda s: (_in_order(words, needle, s[0]), -s[0])) if spans \
        else (0, 0)
    return lo, hi, best / size if size else 0.0


def _trim(words: list[tuple[str, int, int]], want: Counter[str], lo: int, hi: int
          ) -> tuple[int, int]:
    """Drop words at either end that the quote does not have."""
    while lo < hi and words[lo][0] not in want:
        lo += 1
    while hi > lo and words[hi][0] not in want:
        hi -= 1
    return lo, hi


def _in_order(words: list[tuple[str, int, int]], needle: list[str], lo: int) -> int:
    """How many of the quote's words sit where the quote puts them, counting from lo."""
    first = needle.index(words[lo][0]) if words[lo][0] in needle else 0
    return sum(1 for j, w in enumerate(needle[first:])
               if lo + j < len(words) and words[lo + j][0] == w)


def locate(text: str, evidence: str) -> Located | None:
    """Where the evidence sits in text; None when nothing close enough is there."""
    if not text or not evidence.strip():
        return None
    parts = fragments(evidence)
    for part in parts:
        at = text.find(part)
        if at >= 0:
            return Located(at, at + len(part), True, 1.0)
    for part in parts:
        span = _loose(text, part)
        if span is not None:
            return Located(span[0], span[1], True, 1.0)
    words = _words(text)
    best: Located | None = None
    for part in parts:
        needle = [w for w, _, _ in _words(part)]
        if len(needle) < MIN_WORDS or not words:
            continue
        lo, hi, share = _window(words, needle)
        if share >= MIN_SHARE and (best is None or share > best.share):
            best = Located(words[lo][1], words[hi][2], False, round(share, 3))
    return best
