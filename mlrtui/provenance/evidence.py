"""An index of every number in the evidence texts, searchable by value in O(log n).

Numbers are indexed once per run; the label words of a number's line (and the line above, which
is often a table header in stdout) are computed only for the few candidates a claim looks at.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass

from mlrtui.provenance.model import Evidence, Hit
from mlrtui.provenance.numbers import Num, find_numbers, normalise
from mlrtui.provenance.words import tokens

MAX_LINE = 4000  # characters of one line that are indexed (JSON arrays can be MBs on one line)
_NOISE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?)?|"
                    r"\b\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?|\btoolu_\w+|\b(?=[0-9a-f]*[a-f])[0-9a-f]{12,}\b|"
                    r"/[\w./-]*\d[\w./-]*|\b\d+(?:\.\d+){2,}\b")


@dataclass(frozen=True)
class Entry:
    """One indexed number: which text, which line, the parsed number."""

    source: int
    line: int
    num: Num


class EvidenceIndex:
    """Numbers of a set of texts (evidence or other claim documents), sorted by value."""

    def __init__(self, texts: list[Evidence]) -> None:
        self.texts = texts
        self._lines: list[list[str]] = []
        entries: list[Entry] = []
        for s, ev in enumerate(texts):
            lines = ev.text.splitlines()
            self._lines.append(lines)
            for ln, raw in enumerate(lines, start=1):
                line = _NOISE.sub(lambda m: " " * len(m.group(0)), normalise(raw[:MAX_LINE]))
                for num in find_numbers(line):
                    entries.append(Entry(s, ln, num))
        entries.sort(key=lambda e: e.num.value)
        self._entries = entries
        self._values = [e.num.value for e in entries]
        self._keys: dict[int, dict[int, str]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def near(self, value: float, tol: float, cap: int = 400) -> list[Entry]:
        """Entries whose value lies within value +- tol (at most `cap` of them)."""
        lo = bisect.bisect_left(self._values, value - tol * (1 + 1e-6))
        hi = bisect.bisect_right(self._values, value + tol * (1 + 1e-6))
        return self._entries[lo:min(hi, lo + cap)]

    def by_word(self, cap: int = 200_000) -> dict[str, list[Entry]]:
        """Label word -> non-integer numbers whose line holds it (for the contradiction search)."""
        out: dict[str, list[Entry]] = {}
        cache: dict[tuple[int, int], set[str]] = {}
        for entry in self._entries[:cap]:
            if entry.num.integer:
                continue
            key = (entry.source, entry.line)
            if key not in cache:
                cache[key] = tokens(self.line_text(entry)[:300])
            for word in cache[key]:
                out.setdefault(word, []).append(entry)
        return out

    def line_text(self, entry: Entry) -> str:
        return self._lines[entry.source][entry.line - 1]

    def labels(self, entry: Entry) -> set[str]:
        """Label words of the entry: its line near the number, the line above, and its JSON key."""
        lines = self._lines[entry.source]
        text = lines[entry.line - 1]
        if len(text) > 300:
            text = text[max(0, entry.num.start - 150):entry.num.end + 60]
        words = tokens(text)
        if entry.line > 1:
            words |= tokens(lines[entry.line - 2][:300])
            if self.texts[entry.source].name.endswith((".csv", ".tsv")):
                words |= tokens(lines[0][:300])  # the header names the columns
        key = self.json_key(entry)
        if key:
            words |= tokens(key)
        return words

    def json_key(self, entry: Entry) -> str:
        """For JSON evidence, the nearest key before the number ('"test_acc": 0.93')."""
        line = self._lines[entry.source][entry.line - 1]
        before = line[max(0, entry.num.start - 200):entry.num.start]
        keys = re.findall(r'"([^"]{1,60})"\s*:', before)
        if keys:
            return " ".join(keys[-2:])
        lines = self._lines[entry.source]
        indent = len(line) - len(line.lstrip())
        for up in range(entry.line - 2, max(-1, entry.line - 302), -1):
            prev = lines[up]
            m = re.match(r'\s*"([^"]{1,60})"\s*:', prev)
            if m and len(prev) - len(prev.lstrip()) < indent:
                return m.group(1)
        return ""

    def text_of(self, name: str, line: int) -> str | None:
        """The text of one line of a named evidence text (None if not in this index)."""
        if not hasattr(self, "_by_name"):
            self._by_name = {ev.name: s for s, ev in enumerate(self.texts)}
        s = self._by_name.get(name)
        if s is None or not 0 < line <= len(self._lines[s]):
            return None
        return self._lines[s][line - 1]

    def hit_at(self, name: str, line: int, value: str, rule: str) -> Hit:
        """A hit on a named line (the row rules find lines, not entries)."""
        text = self.text_of(name, line) or ""
        at = text.find(value.rstrip("0").rstrip(".")) if value else -1
        if len(text) > 200:
            text = text[max(0, at - 100):at + 80] if at >= 0 else text[:200]
        origin = self.texts[self._by_name[name]].origin
        return Hit(name, line, text.strip(), origin, rule, value)

    def hit(self, entry: Entry, rule: str = "") -> Hit:
        ev = self.texts[entry.source]
        text = self.line_text(entry)
        if len(text) > 200:
            text = text[max(0, entry.num.start - 100):entry.num.end + 80]
        return Hit(ev.name, entry.line, text.strip(), ev.origin, rule, entry.num.raw)


def json_evidence(ev: Evidence) -> Evidence:
    """Pretty-print one-line JSON evidence so each number gets its own line and key."""
    if not ev.name.endswith(".json") or "\n" in ev.text.strip()[:2000]:
        return ev
    try:
        data = json.loads(ev.text)
    except ValueError:
        return ev
    if len(ev.text) > 2_000_000:
        return ev
    return Evidence(ev.name, json.dumps(data, indent=1), ev.origin, ev.execution_order)
