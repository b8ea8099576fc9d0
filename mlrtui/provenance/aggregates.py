"""Means of the columns of tables that code printed: a write-up's "average over seeds" is
derived from them, though it is printed nowhere.

Two shapes are read from executed output: delimited tables (CSV/TSV, a header line then two or
more rows with the same number of fields) and JSON (a list of records, or a list of numbers
under a key). Only output of code that ran is read; the caller passes execution evidence.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from dataclasses import dataclass

from mlrtui.provenance.model import Evidence
from mlrtui.provenance.numbers import Num, information, targets
from mlrtui.provenance.words import tokens

MAX_TEXT = 2_000_000      # characters of one evidence text that are read for tables
MAX_DEPTH = 6
_DELIMS = (",", "\t")


@dataclass(frozen=True)
class Aggregate:
    name: str        # evidence file
    line: int        # where the table (or the JSON key) starts, 1-based
    column: str
    rows: int
    value: float
    snippet: str     # the table's header line, or the JSON key path


class Aggregates:
    """Column means of a run's executed output, searchable by value."""

    def __init__(self, evidence: list[Evidence]) -> None:
        found: list[Aggregate] = []
        for ev in evidence:
            text = ev.text[:MAX_TEXT]
            if text.lstrip()[:1] in ("[", "{"):
                found += _json_means(ev.name, text)
            found += _delimited_means(ev.name, text)
        found.sort(key=lambda a: a.value)
        self.items = found
        self._values = [a.value for a in found]

    def near(self, value: float, tol: float) -> list[Aggregate]:
        lo = bisect.bisect_left(self._values, value - tol * (1 + 1e-6))
        hi = bisect.bisect_right(self._values, value + tol * (1 + 1e-6))
        return self.items[lo:hi]


def _number(field: str) -> float | None:
    field = field.strip().strip('"')
    if not field or not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", field):
        return None
    value = float(field)
    return value if math.isfinite(value) else None


def _delimited_means(name: str, text: str) -> list[Aggregate]:
    out: list[Aggregate] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        header = lines[i]
        delim = next((d for d in _DELIMS if header.count(d) >= 1), None)
        if delim is None or all(_number(f) is not None for f in header.split(delim)):
            i += 1
            continue
        width = header.count(delim) + 1
        rows = []
        j = i + 1
        while j < len(lines) and lines[j].count(delim) + 1 == width:
            rows.append(lines[j].split(delim))
            j += 1
        if len(rows) >= 2:
            names = header.split(delim)
            for k in range(width):
                values = [_number(r[k]) for r in rows]
                if all(v is not None for v in values):
                    out.append(Aggregate(name, i + 1, names[k].strip(), len(rows),
                                         sum(values) / len(values),  # type: ignore[arg-type]
                                         header.strip()[:200]))
        i = max(j, i + 1)
    return out


def _json_means(name: str, text: str) -> list[Aggregate]:
    try:
        data = json.loads(text)
    except ValueError:
        return []
    out: list[Aggregate] = []
    _walk(data, "", name, out, 0)
    lines = text.splitlines()
    placed = []
    for agg in out:      # point at the first line naming the key, as the file is on disk
        key = agg.column.rsplit(".", 1)[-1].rstrip("[]")
        at = next((n for n, line in enumerate(lines, start=1) if f'"{key}"' in line), 1)
        line = lines[at - 1].strip() if lines else ""
        pos = max(0, line.find(f'"{key}"') - 40)
        snippet = line[pos:pos + 200]
        placed.append(Aggregate(agg.name, at, agg.column, agg.rows, agg.value, snippet))
    return placed


def _walk(node: object, path: str, name: str, out: list[Aggregate], depth: int) -> None:
    if depth > MAX_DEPTH:
        return
    if isinstance(node, dict):
        for key, value in node.items():
            _walk(value, f"{path}.{key}" if path else str(key), name, out, depth + 1)
    elif isinstance(node, list) and len(node) >= 2:
        nums = [v for v in node if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if len(nums) == len(node) and all(math.isfinite(v) for v in nums):
            out.append(Aggregate(name, 1, path or "(list)", len(nums), sum(nums) / len(nums),
                                 path or "(list)"))
            return
        if all(isinstance(v, dict) for v in node):
            keys = set.intersection(*(set(v) for v in node))  # type: ignore[arg-type]
            for key in sorted(keys, key=str):
                vals = [v[key] for v in node]  # type: ignore[index]
                if all(isinstance(v, (int, float)) and not isinstance(v, bool)
                       and math.isfinite(v) for v in vals):
                    where = f"{path}[].{key}" if path else f"[].{key}"
                    out.append(Aggregate(name, 1, where, len(vals), sum(vals) / len(vals),
                                         where))
        for item in node[:50]:
            _walk(item, f"{path}[]", name, out, depth + 1)


def mean_of(num: Num, labels: set[str], aggregates: Aggregates) -> tuple[Aggregate, str] | None:
    """A column mean the number rounds from (or its percent/fraction twin) whose column name
    shares a label word with the claim, unless so many means lie near it that a hit proves
    nothing; with the rule that matched."""
    if information(num) == "low" or not labels:
        return None
    for value, ulp, rule in targets(num):
        crowd = len(aggregates.near(value, 25 * ulp))
        # rounds to the number, or within one unit of it (a mean of already rounded values)
        for tol, share in ((0.5, 50), (1.0, 25)):
            close = [a for a in aggregates.near(value, tol * ulp) if labels & tokens(a.column)]
            if close and crowd / share < 0.2:
                best = min(close, key=lambda a: abs(a.value - value))
                return best, (rule or "rounded") + ("" if tol == 0.5 else ", within a unit")
    return None
