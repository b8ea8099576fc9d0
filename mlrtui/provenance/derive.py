"""Derived claims: a number the write-up computed from traced numbers (gain, difference, ratio, mean).

The search is bounded: only traced claims of the same table or paragraph (or nearby lines) take
part, at most MAX_POOL of them, and the formula is given so a reader can check it.
"""

from __future__ import annotations

from itertools import permutations

from mlrtui.provenance.claims import Claim
from mlrtui.provenance.model import ClaimResult
from mlrtui.provenance.numbers import fmt, information
from mlrtui.provenance.words import tokens

MAX_POOL = 24


def _pool(i: int, claims: list[Claim],
          results: list[ClaimResult]) -> list[tuple[str, float, bool]]:
    """Traced numbers of the same table row or column, or of the same or adjacent line."""
    me = claims[i]
    out: list[tuple[str, float, bool]] = []
    for j, (c, r) in enumerate(zip(claims, results)):
        if j == i or r.status != "traced" or c.doc != me.doc:
            continue
        same_cell_line = c.group == me.group and (c.row == me.row or c.column == me.column)
        # an inline sentence may compute from a nearby table it names a column of
        cites_table = (not me.row and c.row and abs(c.line - me.line) <= 15
                       and tokens(c.column) & tokens(" ".join(me.context)))
        if same_cell_line or abs(c.line - me.line) <= 1 or cites_table:
            value = c.num.value / 100 if c.num.percent else c.num.value
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


def derive(i: int, claims: list[Claim], results: list[ClaimResult]) -> str | None:
    """A formula over traced numbers that gives claim i at its printed precision, or None."""
    claim = claims[i]
    pool = _pool(i, claims, results)
    if len(pool) < 2:
        return None
    num = claim.num
    forms = [(num.value, num.ulp, "")]
    if num.percent:
        forms.append((num.value / 100, num.ulp / 100, " × 100"))
    elif abs(num.value) <= 1 and not num.integer:
        forms.append((num.value * 100, num.ulp * 100, " / 100"))
    if information(num) == "low":
        return None
    cands = list(_candidates(pool))
    for target, ulp, suffix in forms:
        # printed inputs are rounded themselves: allow one unit in the last place
        close = [(f, v) for f, v in cands if v and abs(abs(v) - abs(target)) <= ulp * (1 + 1e-6)]
        if not close:
            continue
        crowd = sum(1 for _, v in cands if abs(abs(v) - abs(target)) <= 25 * ulp)
        if crowd / 25 >= 0.2:
            continue  # so many formulas land near the target that a hit proves nothing
        formula, value = close[0]
        scale = 100 if suffix == " × 100" else 1
        return f"{formula}{suffix if scale == 100 else ''} = {fmt(value * scale)}"
    return None
