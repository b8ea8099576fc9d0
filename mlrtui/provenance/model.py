"""Inputs and outputs of the provenance check: plain dataclasses, no store, no I/O."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Literal

DocKind = Literal["markdown", "pdf-text"]
Origin = Literal["execution", "agent", "unknown"]
Status = Literal["traced", "derived", "contradicted", "untraced"]
# The judges' hallucination vocabulary, spelled as mlrtui.judge.reply.FLAG_TYPES spells it.
HallucinationType = Literal["faked_results", "hallucinated_methodology", "nonexistent_citation",
                            "math_error"]


@dataclass(frozen=True)
class RunText:
    """A named text of the run (name relative to the run's folder, or the execution it came
    from); the three kinds below add what they are read for."""

    name: str
    text: str


@dataclass(frozen=True)
class Doc(RunText):
    """A document that makes claims: a results write-up or a paper."""

    kind: DocKind = "markdown"


@dataclass(frozen=True)
class Evidence(RunText):
    """Text that may back a claim; only origin "execution" is output of code that ran."""

    origin: Origin = "unknown"
    execution_order: int | None = None


@dataclass(frozen=True)
class CodeFile(RunText):
    """A source file of the run, audited for hard-coded or simulated results."""

    origin: Origin = "agent"


@dataclass(frozen=True)
class Hit:
    """One place a claimed number was found: evidence name, 1-based line, the line, its origin."""

    name: str
    line: int
    snippet: str
    origin: str
    rule: str = ""
    value: str = ""


@dataclass
class ClaimResult:
    """The verdict on one number a document reports, with the lines that back or contradict it."""

    doc: str
    line: int
    text: str
    value: str
    number: float
    context: list[str]
    status: Status = "untraced"
    rule: str = ""
    weak: bool = False
    error: str | None = None
    evidence: list[Hit] = field(default_factory=list)
    decoys: list[Hit] = field(default_factory=list)
    derivation: str | None = None
    contradicting: Hit | None = None


@dataclass(frozen=True)
class Finding:
    """A problem in code, results or references, typed with the judges' hallucination types."""

    kind: str
    file: str
    line: int
    snippet: str
    severity: Literal["low", "medium", "high"]
    hallucination: HallucinationType
    detail: str = ""


@dataclass
class Report:
    """Everything the check found; `figure` is the share of claims backed by executed output."""

    claims: list[ClaimResult]
    audit: list[Finding]
    citations: list[Finding]

    @property
    def figure(self) -> float:
        if not self.claims:
            return 0.0
        ok = sum(1 for c in self.claims if c.status in ("traced", "derived"))
        return ok / len(self.claims)

    def counts(self) -> dict[str, int]:
        out = {"claims": len(self.claims), "traced": 0, "derived": 0, "contradicted": 0,
               "untraced": 0, "weak": sum(1 for c in self.claims if c.weak)}
        for c in self.claims:
            out[c.status] += 1
        return out

    def to_json_lines(self) -> str:
        """One JSON object per line: claims, then audit findings, then citation findings."""
        rows = [{"record": "claim", **asdict(c)} for c in self.claims]
        rows += [{"record": "audit", **asdict(f)} for f in self.audit]
        rows += [{"record": "citation", **asdict(f)} for f in self.citations]
        rows.append({"record": "summary", **self.counts(), "figure": round(self.figure, 4)})
        return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows)
