"""Second-look rules that use what the first pass traced: table rows and restated values.

A table row is usually printed by code on one line (a CSV row, a log line). A cell too imprecise
to trace alone (0.004, 0.0002) is traced when the very line that backs its row-siblings, or a line
that holds two or more cells of the row, has its value; the joint match is not chance. A sentence
that restates a traced table cell of the same document, naming its row or column, is traced too.
Nothing here reads the documents themselves or typed files as evidence.
"""

from __future__ import annotations

from mlrtui.provenance.claims import Claim
from mlrtui.provenance.evidence import EvidenceIndex
from mlrtui.provenance.model import ClaimResult
from mlrtui.provenance.numbers import find_numbers, information, match_rule, normalise
from mlrtui.provenance.verdict import GENERIC
from mlrtui.provenance.words import tokens

_CELL_RULES = ("exact", "rounded", "scientific", "scientific+rounded")


def _row_cells(claims: list[Claim]) -> dict[tuple[str, str, int], list[int]]:
    rows: dict[tuple[str, str, int], list[int]] = {}
    for i, c in enumerate(claims):
        if c.row:
            rows.setdefault((c.doc, c.group, c.line), []).append(i)
    return rows


def _line_match(claim: Claim, text: str) -> tuple[str, str] | None:
    """The rule by which a number on this evidence line backs the cell (no percent games),
    with that number as the line prints it."""
    for num in find_numbers(normalise(text[:4000])):
        rule = match_rule(claim.num, num)
        if rule in _CELL_RULES:
            return rule, num.raw.strip()
    return None


def trace_rows(claims: list[Claim], results: list[ClaimResult], execution: EvidenceIndex) -> None:
    """Untraced table cells backed by the executed line that backs their row (see module doc),
    or by the line next to the one that backs the row just above or below (a table printed by
    code row by row), when every open cell of the row is on that line."""
    backing: dict[tuple[str, str, int], set[tuple[str, int]]] = {}
    for key, members in _row_cells(claims).items():
        lines = {(h.name, h.line) for i in members if results[i].status == "traced"
                 and not results[i].weak for h in results[i].evidence[:1]
                 if h.origin == "execution"}
        open_ = [i for i in members if results[i].status == "untraced"]
        if open_:
            found = _shared_lines(claims, open_, execution)
            for i in open_:
                if _trace_on(claims[i], results[i], execution, lines | found.get(i, set())):
                    lines.add((results[i].evidence[0].name, results[i].evidence[0].line))
        backing[key] = lines
    for key, members in _row_cells(claims).items():
        open_ = [i for i in members if results[i].status == "untraced"]
        if len(members) < 2 or len(open_) != len(members):
            continue
        doc, group, line = key
        near = {(name, at + step) for k in ((doc, group, line - 1), (doc, group, line + 1))
                for name, at in backing.get(k, ()) for step in (-1, 1)}
        for name, at in sorted(near):
            text = execution.text_of(name, at)
            if text is not None and all(_line_match(claims[i], text) for i in open_):
                for i in open_:
                    _trace_on(claims[i], results[i], execution, {(name, at)},
                              "next to its neighbour row's line")
                backing[key] = {(name, at)}
                break


def _trace_on(claim: Claim, res: ClaimResult, execution: EvidenceIndex,
              lines: set[tuple[str, int]], how: str = "row on one line") -> bool:
    for name, line in sorted(lines):
        text = execution.text_of(name, line)
        match = _line_match(claim, text) if text is not None else None
        if match:
            res.status, res.rule = "traced", f"{match[0]}, {how}"
            res.evidence = [execution.hit_at(name, line, match[1], res.rule)]
            res.decoys = []
            return True
    return False


def _shared_lines(claims: list[Claim], open_: list[int],
                  execution: EvidenceIndex) -> dict[int, set[tuple[str, int]]]:
    """Lines holding matches of two or more untraced cells of one row, one of them informative."""
    if len(open_) < 2:
        return {}
    where: dict[tuple[str, int], set[int]] = {}
    for i in open_:
        num = claims[i].num
        for entry in execution.near(num.value, num.ulp, cap=200):
            if match_rule(num, entry.num) in _CELL_RULES:
                key = (execution.texts[entry.source].name, entry.line)
                where.setdefault(key, set()).add(i)
    out: dict[int, set[tuple[str, int]]] = {}
    for key, cells in where.items():
        if len(cells) >= 2 and any(information(claims[i].num) != "low" for i in cells):
            for i in cells:
                out.setdefault(i, set()).add(key)
    return out


def restated(i: int, claims: list[Claim], results: list[ClaimResult]) -> ClaimResult | None:
    """A traced table cell of the same document that sentence i restates, naming its row or
    column (both for a low-information number)."""
    me = claims[i]
    if me.row:
        return None
    words = tokens(me.text)
    low = information(me.num) == "low"
    for c, r in zip(claims, results):
        if r.status != "traced" or c.doc != me.doc or not c.row or c.num.percent != me.num.percent:
            continue
        if match_rule(me.num, c.num) not in ("exact", "rounded"):
            continue
        row = tokens(c.row) - GENERIC
        col = tokens(c.column) - GENERIC
        named_row = bool(row) and row <= words
        named_col = bool(col & words)
        if (named_row and named_col) or (not low and (named_row or named_col)):
            return r
    return None
