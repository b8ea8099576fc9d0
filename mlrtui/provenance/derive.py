"""Derived claims: a number the write-up computed from traced numbers (gain, difference, ratio, mean).

The search is bounded: only traced claims of the same table or paragraph (or nearby lines) take
part, at most MAX_POOL of them, and the formula is given so a reader can check it.
"""

from __future__ import annotations

from itertools import permutations
from typing import NamedTuple

from mlrtui.provenance.claims import Claim
from mlrtui.provenance.model import ClaimResult
from mlrtui.provenance.numbers import fmt, information, parse_number
from mlrtui.provenance.words import tokens

_ANON = frozenset(["ours", "proposed", "method", "baseline", "approach", "model", "agent"])

MAX_POOL = 24
MAX_DOC_POOL = 80          # a relative change stated away from its table: the document's numbers


class Operand(NamedTuple):
    raw: str          # as the document prints it
    value: float      # at the precision code printed it, when known
    same_col: bool    # same table column as the claim being derived
    j: int            # index of the claim it comes from


def _value(c: Claim, r: ClaimResult) -> float:
    """The traced number at the most precise value code printed for it (a write-up's rounding
    is not the computation's), else as the document prints it."""
    best, digits = (c.num.value / 100 if c.num.percent else c.num.value), -1
    for hit in r.evidence:
        if not hit.value or "percent" in hit.rule:
            continue
        num = parse_number(hit.value)
        if (num is not None and abs(num.value - c.num.value) <= c.num.ulp / 2 * (1 + 1e-6)
                and num.sig > digits):
            best, digits = num.value, num.sig
    return best


def _names(c: Claim, me: Claim, around: str) -> bool:
    """Does sentence i (with the lines just above it) name a word of this table cell's row and
    its column?"""
    row = tokens(c.row) - _ANON
    col = tokens(c.column)
    near = tokens(" ".join(me.context[:1]) + " " + me.text[max(0, me.num.start - 60):
                                                         me.num.end + 40])
    return bool(row & tokens(around)) and bool(col & near)


def _traced_beside(i: int, claims: list[Claim], results: list[ClaimResult]):
    """(index, claim, result) of every other traced claim of claim i's document."""
    doc = claims[i].doc
    for j, (c, r) in enumerate(zip(claims, results)):
        if j != i and r.status == "traced" and c.doc == doc:
            yield j, c, r


def _pool(i: int, claims: list[Claim], results: list[ClaimResult],
          around: str = "") -> list[Operand]:
    """Traced numbers of the same table row or column, of the same or adjacent line, or table
    cells whose row and column the sentence names."""
    me = claims[i]
    out: list[Operand] = []
    seen: set[float] = set()
    for j, c, r in _traced_beside(i, claims, results):
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
            out.append(Operand(c.num.raw.strip(), value,
                               bool(me.column) and c.column == me.column, j))
    return out[:MAX_POOL]


def _pairs(a: Operand, b: Operand, signed: bool = False):
    """(formula, value, operand claims, kind) of the two-number formulas; `signed` adds the
    relative change over a negative base as written (its sign flipped)."""
    ops = (a.j, b.j)
    yield f"{a.raw} - {b.raw}", a.value - b.value, ops, "difference"
    if b.value:
        rel = f"({a.raw} - {b.raw}) / {b.raw}"
        yield rel, (a.value - b.value) / abs(b.value), ops, "relative"
        if signed and b.value < 0:
            yield rel, (a.value - b.value) / b.value, ops, "relative"
        yield f"{a.raw} / {b.raw}", a.value / b.value, ops, "ratio"


def _candidates(pool: list[Operand]):
    for a, b in permutations(pool, 2):
        yield from _pairs(a, b)
    column = [o for o in pool if o.same_col]
    if len(column) >= 2:
        names = ", ".join(o.raw for o in column)
        yield f"mean({names})", sum(o.value for o in column) / len(column), (), "mean"


def _doc_pool(i: int, claims: list[Claim], results: list[ClaimResult]) -> list[Operand]:
    """Every traced number of the claim's document (deduplicated, bounded)."""
    out: list[Operand] = []
    seen: set[float] = set()
    for j, c, r in _traced_beside(i, claims, results):
        value = _value(c, r)
        shown = c.num.value / 100 if c.num.percent else c.num.value
        if information(c.num) == "low" and value == shown:
            continue            # a bare 0.5 or 10 makes formulas land anywhere
        if value not in seen:
            seen.add(value)
            out.append(Operand(c.num.raw.strip(), value, False, j))
    return out[:MAX_DOC_POOL]


def _relative(pool: list[Operand]):
    """Relative changes of any two numbers, and differences of two fractions (a gain in
    percentage points: 0.7852 - 0.6036 reported as 18.17%)."""
    for a, b in permutations(pool, 2):
        if b.value:
            yield (f"({a.raw} - {b.raw}) / {b.raw}", (a.value - b.value) / abs(b.value),
                   (a.j, b.j), "relative")
        if abs(a.value) <= 1 and abs(b.value) <= 1 and "%" not in a.raw + b.raw:
            yield f"{a.raw} - {b.raw}", a.value - b.value, (a.j, b.j), "difference"


class Derivation(NamedTuple):
    formula: str
    operands: tuple[int, ...]    # indices of the claims it computes from
    kind: str                    # difference | relative | ratio | mean


def derive(i: int, claims: list[Claim], results: list[ClaimResult],
           around: str = "") -> Derivation | None:
    """A formula over traced numbers that gives claim i at its printed precision, or None.
    `around` is the claim's line with the few lines above it (where rows are often named).
    A percentage not derived from its neighbours may be a relative change of any two traced
    numbers of the document, or a difference of two fractions; the same chance test guards
    that wider search."""
    if information(claims[i].num) == "low":
        return None
    found = _derive(claims, claims[i], _candidates(_pool(i, claims, results, around)))
    if found is None and claims[i].num.percent:
        found = _derive(claims, claims[i], _relative(_doc_pool(i, claims, results)))
    return found


def follow(i: int, claims: list[Claim], results: list[ClaimResult],
           sibling: Derivation) -> Derivation | None:
    """Claim i computed like a derived number of its own sentence: the same two table rows
    compared the same way (difference, relative change or ratio), in any column, with a
    printed minus sign honoured. So few formulas are tried that even a one-digit number ("-0.5%") is a
    fair match."""
    if len(sibling.operands) != 2:
        return None
    row_a, row_b = (claims[j].row for j in sibling.operands)
    if not row_a or not row_b or row_a == row_b:
        return None
    me = claims[i]
    cells: dict[str, dict[str, Operand]] = {row_a: {}, row_b: {}}
    for j, (c, r) in enumerate(zip(claims, results)):
        if r.status == "traced" and c.doc == me.doc and c.row in cells and c.column:
            cells[c.row].setdefault(c.column, Operand(c.num.raw.strip(), _value(c, r), True, j))
    cands = [cand for col, a in cells[row_a].items() if col in cells[row_b]
             for cand in _pairs(a, cells[row_b][col], signed=True) if cand[3] == sibling.kind]
    return _derive(claims, me, cands, crowd_test=False)


def _derive(claims: list[Claim], claim: Claim, candidates, crowd_test: bool = True
            ) -> Derivation | None:
    num = claim.num
    forms = [(num.value, num.ulp, "")]
    if num.percent:
        forms.append((num.value / 100, num.ulp / 100, " × 100"))
    elif abs(num.value) <= 1 and not num.integer:
        forms.append((num.value * 100, num.ulp * 100, " / 100"))
    cands = list(candidates)
    if not cands:
        return None
    if not crowd_test:       # few formulas, tried as printed: sign and units must agree
        forms = forms[1:] if num.percent else forms[:1]
    for target, ulp, suffix in forms:
        crowd = sum(1 for c in cands if abs(abs(c[1]) - abs(target)) <= 25 * ulp)
        # a formula that rounds to the target is a tighter match than one within a unit (inputs
        # printed rounded): the chance that some formula lands there is crowd / 50 or crowd / 25
        for tol, share in ((0.5, 50), (1.0, 25)):
            # following a sibling, a printed minus must match; "0.5% lower" may drop it
            signed = not crowd_test and num.value < 0
            close = [c for c in cands
                     if c[1] and _near(c[1], target, tol * ulp * (1 + 1e-6), signed)]
            # a sentence's percentage is most likely computed from the sentence's own numbers:
            # a formula over those alone may stand in a somewhat more crowded neighbourhood
            own = [c for c in close if c[2] and all(claims[j].line == claim.line for j in c[2])]
            limit = 0.35 if own else 0.2
            if not close or (crowd_test and crowd / share >= limit):
                continue  # so many formulas land near the target that a hit proves nothing
            close = own or close
            # a comparison within one table column first, with the printed sign, the closest
            close.sort(key=lambda c: (not _one_column(claims, c[2]), (c[1] < 0) != (target < 0),
                                      abs(abs(c[1]) - abs(target))))
            formula, value, ops, kind = close[0]
            scale = 100 if suffix == " × 100" else 1
            if scale == 100 and kind == "difference":
                formula = f"({formula})"
            return Derivation(f"{formula}{suffix if scale == 100 else ''} = {fmt(value * scale)}",
                              ops, kind)
    return None


def _near(value: float, target: float, tol: float, signed: bool) -> bool:
    return abs(value - target) <= tol if signed else abs(abs(value) - abs(target)) <= tol


def _one_column(claims: list[Claim], ops: tuple[int, ...]) -> bool:
    cols = {claims[j].column for j in ops}
    return len(ops) == 2 and len(cols) == 1 and "" not in cols
