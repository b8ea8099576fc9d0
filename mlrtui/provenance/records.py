"""The one writer of `provenance_runs` and `provenance_claims`, and the readers of both.

A check replaces a run's rows in one transaction, so a reader sees the old verdicts or the new
ones, never a mix. Claims keep the version they were read from, so the stepper can mark a paper
version that reports numbers no execution printed.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from mlrtui.provenance.model import Report
from mlrtui.store.db import Store, now

STATUSES = ("traced", "derived", "contradicted", "untraced")


@dataclass
class RunFigures:
    """A checked run's counts and its provenance figure ((traced + derived) / claims)."""

    run_id: int
    checked_at: str
    claims: int
    traced: int
    derived: int
    contradicted: int
    untraced: int
    weak: int
    figure: float | None
    findings: list[dict[str, Any]]
    evidence_source: str | None
    problems: list[str]
    elapsed_s: float | None


def save(store: Store, run_id: int, report: Report, versions: dict[str, int], *,
         evidence_source: str, problems: list[str], elapsed_s: float) -> RunFigures:
    """Replace the run's stored verdicts with this report's."""
    c = report.counts()
    findings = [{"record": "audit", **asdict(f)} for f in report.audit]
    findings += [{"record": "citation", **asdict(f)} for f in report.citations]
    row = {"run_id": run_id, "checked_at": now(), "claims": c["claims"], "traced": c["traced"],
           "derived": c["derived"], "contradicted": c["contradicted"],
           "untraced": c["untraced"], "weak": c["weak"],
           "figure": round(report.figure, 4) if report.claims else None,
           "findings": json.dumps(findings, ensure_ascii=False),
           "evidence_source": evidence_source, "problems": json.dumps(problems),
           "elapsed_s": round(elapsed_s, 3)}
    claims = [(run_id, versions.get(r.doc), r.doc, r.line, r.text, r.value, r.number, r.status,
               r.rule, int(r.weak), r.derivation,
               json.dumps([asdict(h) for h in r.evidence], ensure_ascii=False),
               json.dumps([asdict(h) for h in r.decoys], ensure_ascii=False),
               json.dumps(asdict(r.contradicting), ensure_ascii=False)
               if r.contradicting else None) for r in report.claims]
    with store.transaction() as db:
        db.execute("DELETE FROM provenance_claims WHERE run_id = ?", [run_id])
        db.execute("DELETE FROM provenance_runs WHERE run_id = ?", [run_id])
        store.insert("provenance_runs", row)
        db.conn.executemany(
            "INSERT INTO provenance_claims (run_id, version_id, doc, line, text, value, number, "
            "status, rule, weak, derivation, evidence, decoys, contradicting) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", claims)
    return figures(store, run_id)  # type: ignore[return-value]


def figures(store: Store, run_id: int) -> RunFigures | None:
    """The run's last check, or None if it was never checked."""
    rows = store.query("SELECT * FROM provenance_runs WHERE run_id = ?", [run_id])
    if not rows:
        return None
    r = rows[0]
    r["findings"], r["problems"] = json.loads(r["findings"]), json.loads(r["problems"])
    return RunFigures(**r)


def claims(store: Store, run_id: int, doc: str | None = None) -> list[dict[str, Any]]:
    """Stored claims of a run (of one document), in document and line order; JSON decoded."""
    sql, params = "SELECT * FROM provenance_claims WHERE run_id = ?", [run_id]
    if doc is not None:
        sql, params = sql + " AND doc = ?", [run_id, doc]
    rows = store.query(sql + " ORDER BY doc, line, id", params)
    for r in rows:
        r["weak"] = bool(r["weak"])
        r["evidence"], r["decoys"] = json.loads(r["evidence"]), json.loads(r["decoys"])
        r["contradicting"] = json.loads(r["contradicting"]) if r["contradicting"] else None
    return rows


def version_mark(store: Store, version_id: int) -> str | None:
    """A short mark for a version reporting numbers not backed by execution (None: clean or
    never checked), e.g. '3 untraced, 1 contradicted numbers'."""
    rows = store.query("SELECT status, COUNT(*) AS n FROM provenance_claims WHERE version_id = ? "
                       "AND status IN ('untraced', 'contradicted') GROUP BY status ORDER BY status"
                       " DESC", [version_id])
    if not rows:
        return None
    return ", ".join(f"{r['n']} {r['status']}" for r in rows) + " numbers"
