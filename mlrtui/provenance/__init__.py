"""Result provenance: trace every number a run reports to output of code that ran.

Pure and deterministic (stdlib only, no store): `check(docs, evidence, code)` returns a Report whose
claims are traced, derived, contradicted or untraced, plus code-audit and citation findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from mlrtui.provenance.audit import audit_code, audit_results
from mlrtui.provenance.citations import check_citations
from mlrtui.provenance.claims import Claim, extract_claims
from mlrtui.provenance.derive import derive
from mlrtui.provenance.evidence import EvidenceIndex, json_evidence
from mlrtui.provenance.model import ClaimResult, CodeFile, Doc, Evidence, Finding, Hit, Report
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
    _second_pass(claims, results, execution, lines)
    audit = audit_code(code) + audit_results(docs, ev, artifacts, code)
    return Report(results, audit, check_citations(list(docs), run_date))


def _repeated(i: int, claims: list[Claim], results: list[ClaimResult]) -> ClaimResult | None:
    """A sentence repeating a traced number of the same document under the same label."""
    me = claims[i]
    mine = claim_tokens(me)
    for c, r in zip(claims, results):
        if (r.status == "traced" and c.doc == me.doc and c.num.raw.strip() == me.num.raw.strip()
                and mine & claim_tokens(c)):
            return r
    return None


def _second_pass(claims: list[Claim], results: list[ClaimResult],
                 execution: EvidenceIndex, lines: dict[str, list[str]]) -> None:
    """Derivations from traced numbers, then contradictions for what is still untraced."""
    words = None
    trace_rows(claims, results, execution)
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
        formula = derive(i, claims, results, around)
        if formula:
            res.status, res.rule, res.derivation = "derived", "derived", formula
            continue
        if claims[i].row and claims[i].column and len(execution):
            if words is None:
                words = execution.by_word()
            hit = contradiction(claims[i], execution, words)
            if hit:
                res.status, res.contradicting = "contradicted", hit
