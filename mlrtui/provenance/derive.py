"""Derived claims: a number the write-up computed from traced numbers (gain, difference, ratio, mean).

The search is bounded: only traced claims of the same table or paragraph (or nearby lines) take
part, at most MAX_POOL of them, and the formula is given so a reader can check it.
"""

from __future__ import annotations

from itertools import permutations

from mlrtui.provenance.claims import Claim
from mlrtui.provenance.model import ClaimResult
from mlrtui.provenance.numbers import fmt, information, parse_number
from mlrtui.provenance.words import tokens

_ANON = frozenset(["ours", "proposed", "method", "baseline", "approach", "model", "agent"])

MAX_POOL = 24
MAX_DOC_POOL = 80          # a relative change stated away from its table: the document's numbers


def _value(c: Claim, r: ClaimResult) -> float:
    """The traced number at the precision code printed it (a write-up's rounding is not the
    computation's), else as the document prints it."""
    hit = r.evidence[0] if r.evidence else None
    if hit is not None and hit.value and "percent" not in hit.rule:
        num = parse_number(hit.value)
        if num is not None and abs(num.value - c.num.value) <= c.num.ulp:
            return num.value
    return c.num.value / 100 if c.num.percent else c.num.value


def _names(c: Claim, me: Claim, around: str) -> bool:
    """Does sentence i (with the lines just above it) name this table cell's row and column?"""
    row = tokens(c.row) - _ANON
    col = tokens(c.column)
    near = tokens(" ".join(me.context[:1]) + " " + me.text[max(0, me.num.start - 60):
                                                         me.num.end + 40])
    return bool(row) and row <= tokens(around) and bool(col & near)


def _pool(i: int, claims: list[Claim], results: list[ClaimResult],
          around: str = "") -> list[tuple[str, float, bool]]:
    """Traced numbers of the same table row or column, of the same or adjacent line, or table
    cells whose row and column the sentence names."""
    me = claims[i]
    out: list[tuple[str, float, bool]] = []
    seen: set[float] = set()
    for j, (c, r) in enumerate(zip(claims, results)):
        if j == i or r.status != "traced" or c.doc != me.doc:
            continue
        same_cell_line = c.group == me.group and (c.row == me.row or c.column == me.column)
        # an inline sentence may compute from a nearby table it names a column of
        cites_table = (not me.row and c.row and abs(c.line - me.line) <= 15
                       and tokens(c.column) & tokens(" ".join(me.context)))
        named = not me.row and c.row and around and _names(c, me, around)
        if same_cell_line or abs(c.line - me.line) <= 1 or cites_table or named:
            value = _value(c, r)
            if value in seen:
                continue
            seen.add(value)
            out.append((c.num.raw.strip(), value, bool(me.column) and c.column == me.column))
    return out[:MAX_POOL]


def _candidates(pool: list[tuple[str, float, bool]]):
    for (ra, a, _), (rb, b, _) in permutations(pool, 2):
        yield f"{ra} - {rb}", a - b
        if b:
            yield f"({ra} - {rb}) / {rb}", (a - b) / abs(b)
            yield f"{ra} / {rb}", a / b
    column = [(r, v) for r, v, same in pool if same]
    if len(column) >= 2:
        names = ", ".join(r for r, _ in column)
        yield f"mean({names})", sum(v for _, v in column) / len(column)


def _doc_pool(i: int, claims: list[Claim], results: list[ClaimResult]
              ) -> list[tuple[str, float, bool]]:
    """Every traced number of the claim's document (deduplicated, bounded)."""
    me = claims[i]
    out: list[tuple[str, float, bool]] = []
    seen: set[float] = set()
    for j, (c, r) in enumerate(zip(claims, results)):
        if j == i or r.status != "traced" or c.doc != me.doc:
            continue
        value = _value(c, r)
        shown = c.num.value / 100 if c.num.percent else c.num.value
        if information(c.num) == "low" and value == shown:
            continue            # a bare 0.5 or 10 makes formulas land anywhere
        if value not in seen:
            seen.add(value)
            out.append((c.num.raw.strip(), value, False))
    return out[:MAX_DOC_POOL]


def _relative(pool: list[tuple[str, float, bool]]):
    for (ra, a, _), (rb, b, _) in permutations(pool, 2):
        if b:
            yield f"({ra} - {rb}) / {rb}", (a - b) / abs(b)


def derive(i: int, claims: list[Claim], results: list[ClaimResult],
           around: str = "") -> str | None:
    """A formula over traced numbers that gives claim i at its printed precision, or None.
    `around` is the claim's line with the few lines above it (where rows are often named).
    A percentage not derived from its neighbours may be a relative change of any two traced
    numbers of the document; the same chance test guards that wider search."""
    found = _derive(i, claims, results, _candidates(_pool(i, claims, results, around)))
    if found is None and claims[i].num.percent:
        found = _derive(i, claims, results, _relative(_doc_pool(i, claims, results)))
    return found


def _derive(i: int, claims: list[Claim], results: list[ClaimResult], candidates
            ) -> str | None:
    claim = claims[i]
    num = claim.num
    forms = [(num.value, num.ulp, "")]
    if num.percent:
        forms.append((num.value / 100, num.ulp / 100, " × 100"))
    elif abs(num.value) <= 1 and not num.integer:
        forms.append((num.value * 100, num.ulp * 100, " / 100"))
    if information(num) == "low":
        return None
    cands = list(candidates)
    if not cands:
        return None
    for target, ulp, suffix in forms:
        crowd = sum(1 for _, v in cands if abs(abs(v) - abs(target)) <= 25 * ulp)
        # a formula that rounds to the target is a tighter match than one within a unit (inputs
        # printed rounded): the chance that some formula lands there is crowd / 50 or crowd / 25
        for tol, share in ((0.5, 50), (1.0, 25)):
            close = [(f, v) for f, v in cands
                     if v and abs(abs(v) - abs(target)) <= tol * ulp * (1 + 1e-6)]
            if not close or crowd / share >= 0.2:
                continue  # so many formulas land near the target that a hit proves nothing
            formula, value = close[0]
            scale = 100 if suffix == " × 100" else 1
            return f"{formula}{suffix if scale == 100 else ''} = {fmt(value * scale)}"
    return None
