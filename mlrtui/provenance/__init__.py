"""Result provenance: trace every number a run reports to output of code that ran.

Pure and deterministic (stdlib only, no store): `check(docs, evidence, code)` returns a Report whose
claims are traced, derived, contradicted or untraced, plus code-audit and citation findings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from mlrtui.provenance.aggregates import Aggregates, mean_of
from mlrtui.provenance.audit import audit_code, audit_results
from mlrtui.provenance.citations import check_citations
from mlrtui.provenance.claims import Claim, extract_claims
from mlrtui.provenance.derive import Derivation, derive, follow
from mlrtui.provenance.evidence import EvidenceIndex, json_evidence
from mlrtui.provenance.model import ClaimResult, CodeFile, Doc, Evidence, Finding, Hit, Report
from mlrtui.provenance.numbers import fmt, information
from mlrtui.provenance.restate import restated, trace_rows
from mlrtui.provenance.verdict import claim_tokens, contradiction, judge

__all__ = ["ClaimResult", "CodeFile", "Doc", "Evidence", "Finding", "Hit", "Report", "check"]


def check(docs: Sequence[Doc], evidence: Sequence[Evidence], code: Sequence[CodeFile] = (),
          run_date: date | None = None, artifacts: Sequence[str] = ()) -> Report:
    """Check one run: claims of `docs` against `evidence`, audit `code`, check citations.

    `artifacts` optionally lists the run's file names (figures no code wrote are reported).
    """
    ev = [json_evidence(e) for e in evidence]
    execution = EvidenceIndex([e for e in ev if e.origin == "execution"])
    weak = EvidenceIndex([e for e in ev if e.origin == "unknown"])
    agent = EvidenceIndex([e for e in ev if e.origin == "agent"])
    claims: list[Claim] = []
    for doc in docs:
        claims += extract_claims(doc)
    # a number found only in another write-up is a decoy, never evidence
    others = {d.name: EvidenceIndex([Evidence(o.name, o.text, "agent") for o in docs
                                     if o.name != d.name]) for d in docs}
    results = [judge(c, execution, weak, [agent, others[c.doc]]) for c in claims]
    lines = {d.name: d.text.splitlines() for d in docs}
    means = Aggregates([e for e in evidence if e.origin == "execution"])
    _second_pass(claims, results, execution, lines, means)
    audit = audit_code(code) + audit_results(docs, ev, artifacts, code)
    return Report(results, audit, check_citations(list(docs), run_date))


def _repeated(i: int, claims: list[Claim], results: list[ClaimResult],
              status: str = "traced") -> ClaimResult | None:
    """A sentence repeating a traced (or derived) number of the same document under the same
    label."""
    me = claims[i]
    mine = claim_tokens(me)
    derived = status == "derived"
    if derived and (information(me.num) == "low"
                    or len(re.sub(r"\D", "", f"{abs(me.num.value):g}").strip("0")) <= 1):
        return None       # "0.10" restating a "0.10" elsewhere is no sign of one computation
    for c, r in zip(claims, results):
        if (r.status == status and c.doc == me.doc and c.num.raw.strip() == me.num.raw.strip()
                and not r.rule.startswith("same as")
                # a computed percentage ("3.6%") restated in the abstract needs no label
                and (mine & claim_tokens(c) or (derived and me.num.percent))):
            return r
    return None


def _second_pass(claims: list[Claim], results: list[ClaimResult],
                 execution: EvidenceIndex, lines: dict[str, list[str]],
                 means: Aggregates) -> None:
    """Restatements and derivations from traced numbers, numbers computed like a derived
    neighbour of their sentence, then contradictions for what is still untraced."""
    trace_rows(claims, results, execution)
    derived: dict[int, Derivation] = {}
    for i, res in enumerate(results):
        if res.status != "untraced":
            continue
        same = _repeated(i, claims, results) or restated(i, claims, results)
        if same is not None:
            res.status, res.rule = "traced", f"same as line {same.line}"
            res.evidence, res.weak, res.decoys = list(same.evidence), same.weak, []
            continue
        text = lines.get(claims[i].doc, [])
        around = "\n".join(text[max(0, claims[i].line - 4):claims[i].line])
        found = derive(i, claims, results, around)
        if found:
            derived[i] = found
            res.status, res.rule, res.derivation = "derived", "derived", found.formula
            continue
        mean = mean_of(claims[i].num, claim_tokens(claims[i]), means)
        if mean is not None:
            agg, rule = mean
            res.status, res.rule = "derived", f"mean of a column, {rule}"
            res.derivation = (f"mean of {agg.column} over {agg.rows} rows of {agg.name} "
                              f"= {fmt(agg.value)}")
            res.evidence = [Hit(agg.name, agg.line, agg.snippet, "execution", res.rule)]
    blocks = {name: _blocks(text) for name, text in lines.items()}

    def scope(c: Claim) -> tuple[str, int]:
        """A table row's line, or a sentence's paragraph or list (lines up to a blank one)."""
        block = blocks.get(c.doc, [])
        return (c.doc, c.line if c.row or c.line > len(block) else -block[c.line - 1])

    by_line: dict[tuple[str, int], list[Derivation]] = {}
    for i, found in derived.items():
        by_line.setdefault(scope(claims[i]), []).append(found)
    words = None
    for i, res in enumerate(results):
        if res.status != "untraced":
            continue
        same = _repeated(i, claims, results, "derived")
        if same is not None:
            res.status, res.rule = "derived", f"same as line {same.line}"
            res.derivation = same.derivation
            continue
        for sibling in by_line.get(scope(claims[i]), []):
            found = follow(i, claims, results, sibling)
            if found:
                res.status, res.rule = "derived", "derived like its sentence"
                res.derivation = found.formula
                break
        if res.status == "untraced" and claims[i].row and claims[i].column and len(execution):
            if words is None:
                words = execution.by_word()
            hit = contradiction(claims[i], execution, words)
            if hit:
                res.status, res.contradicting = "contradicted", hit


def _blocks(lines: list[str]) -> list[int]:
    """Per line, the number of the block of non-blank lines it belongs to."""
    out, block = [], 0
    for text in lines:
        if not text.strip():
            block += 1
        out.append(block)
    return out
