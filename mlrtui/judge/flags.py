"""Hallucination flags: a review queue across runs, human decisions, and judge precision.

Every finding of a hallucination review, and every positive hallucination verdict of an
experiment review, becomes a flag on the judged version. A person confirms or dismisses it
with a note; a judge's precision is confirmed / decided over the flags it raised.

A flag whose target version is missing (never imported, or deleted) is *unlinked*: nobody can
check its evidence, so it cannot be confirmed or dismissed and precision leaves it out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from mlrtui.judge.locate import locate
from mlrtui.store.db import Store, now

if TYPE_CHECKING:
    from mlrtui.judge.reply import CheckedReply
    from mlrtui.store.bulk import BulkWriter

Status = Literal["open", "confirmed", "dismissed"]
STATUSES = ("open", "confirmed", "dismissed")


class FlagError(Exception):
    """A flag operation that does not apply; one line."""


class Flag(BaseModel):
    id: int
    review_id: int | None
    run_id: int | None
    version_id: int | None
    task_id: str | None = None
    target_model: str | None = None
    stage: str | None = None            # stage of the flagged version
    type: str
    description: str
    evidence: str
    source: str
    status: Status
    note: str | None
    decided_at: str | None
    created_at: str
    linked: bool = True                 # False: the flagged version is missing


class FlagFilter(BaseModel):
    type: str | None = None
    status: Status | None = None
    run_id: int | None = None
    source: str | None = None
    task_id: str | None = None


class JudgePrecision(BaseModel):
    source: str
    flags: int
    confirmed: int
    dismissed: int
    open: int
    precision: float | None             # confirmed / (confirmed + dismissed); None if undecided


def flags_from_reply(store: Store, review_id: int, reply: CheckedReply, *, source: str,
                     run_id: int | None, version_id: int | None) -> int:
    """Store the reply's findings (and verdict) as open flags; returns how many."""
    findings = list(reply.findings)
    if reply.verdict is not None:
        findings.append(reply.verdict)
    stamp = now()
    with store.transaction():
        for f in findings:
            store.insert("flags", {"review_id": review_id, "run_id": run_id,
                                   "version_id": version_id, "type": f.type,
                                   "description": f.description, "evidence": f.evidence,
                                   "source": source, "status": "open", "created_at": stamp})
    return len(findings)


_SELECT = ("SELECT f.*, r.task_id, r.model AS target_model, v.stage, "
           "v.id IS NOT NULL AS linked FROM flags f "
           "LEFT JOIN runs r ON r.id = f.run_id LEFT JOIN versions v ON v.id = f.version_id")


def list_flags(store: Store, flt: FlagFilter | None = None, *, limit: int = 5000) -> list[Flag]:
    """Flags matching the filter, open ones first, newest first within a status."""
    flt = flt or FlagFilter()
    sql, params = _SELECT + " WHERE 1 = 1", []
    for column, value in (("f.type", flt.type), ("f.status", flt.status),
                          ("f.run_id", flt.run_id), ("f.source", flt.source),
                          ("r.task_id", flt.task_id)):
        if value is not None:
            sql += f" AND {column} = ?"
            params.append(value)
    sql += (" ORDER BY CASE f.status WHEN 'open' THEN 0 ELSE 1 END, f.id DESC LIMIT ?")
    params.append(limit)
    return [Flag(**row) for row in store.query(sql, params)]


def get_flag(store: Store, flag_id: int) -> Flag:
    rows = store.query(_SELECT + " WHERE f.id = ?", [flag_id])
    if not rows:
        raise FlagError(f"no flag {flag_id}")
    return Flag(**rows[0])


def decide(store: Store, flag_id: int, status: Status, note: str | None = None) -> Flag:
    """Confirm, dismiss or reopen a flag; the note is kept, the time recorded."""
    if status not in STATUSES:
        raise FlagError(f"unknown status {status!r} (use {', '.join(STATUSES)})")
    flag = get_flag(store, flag_id)
    if not flag.linked and status != "open":
        raise FlagError(f"flag {flag_id} is unlinked (the version it is about is missing); "
                        "it cannot be confirmed or dismissed")
    with store.transaction():
        store.db.execute("UPDATE flags SET status = ?, note = ?, decided_at = ? WHERE id = ?",
                         [status, (note or "").strip() or None,
                          None if status == "open" else now(), flag_id])
    return get_flag(store, flag_id)


def confirm(store: Store, flag_id: int, note: str | None = None) -> Flag:
    return decide(store, flag_id, "confirmed", note)


def dismiss(store: Store, flag_id: int, note: str | None = None) -> Flag:
    return decide(store, flag_id, "dismissed", note)


def precision(store: Store) -> list[JudgePrecision]:
    """Per source judge: confirmed / decided over the linked flags it raised."""
    out = []
    for r in store.query(
            "SELECT f.source, COUNT(*) AS n, SUM(f.status = 'confirmed') AS c, "
            "SUM(f.status = 'dismissed') AS d, SUM(f.status = 'open') AS o FROM flags f "
            "JOIN versions v ON v.id = f.version_id GROUP BY f.source ORDER BY f.source"):
        decided = r["c"] + r["d"]
        out.append(JudgePrecision(source=r["source"], flags=r["n"], confirmed=r["c"],
                                  dismissed=r["d"], open=r["o"],
                                  precision=r["c"] / decided if decided else None))
    return out


class EvidenceContext(BaseModel):
    """The flagged version's text with the evidence located, for 'open in context'."""
    text: str
    start: int | None                   # character span of the evidence, None if not found
    end: int | None
    line: int | None                    # 1-based line of the evidence
    approximate: bool = False           # the closest passage, not the quote verbatim
    share: float | None = None          # share of the quote's words in that passage
    linked: bool = True

    @property
    def where(self) -> str:
        """One line saying what was found, for the screen and the CLI."""
        if not self.linked:
            return "unlinked: the flagged version is missing"
        if self.line is None:
            return "the evidence was not found verbatim in this text, nor a close passage"
        if self.approximate:
            return (f"closest passage at line {self.line} (approximate: "
                    f"{self.share:.0%} of the quote's words)")
        return f"evidence at line {self.line}"


def evidence_context(store: Store, flag_id: int) -> EvidenceContext:
    flag = get_flag(store, flag_id)
    text = ""
    if flag.version_id is not None:
        text = store.scalar("SELECT text FROM versions WHERE id = ?", [flag.version_id]) or ""
    found = locate(text, flag.evidence)
    if found is None:
        return EvidenceContext(text=text, start=None, end=None, line=None, linked=flag.linked)
    return EvidenceContext(text=text, start=found.start, end=found.end,
                           line=text.count("\n", 0, found.start) + 1,
                           approximate=not found.exact, share=found.share, linked=flag.linked)


class NewFlag(BaseModel):
    """A flag a checker raises; `key` names what it is about, so a re-check finds it again."""
    key: str
    version_id: int | None
    type: str
    description: str
    evidence: str
    severity: str | None = None


def replace_flags(store: Store, run_id: int, source: str, new: list[NewFlag]) -> dict[str, int]:
    """Make the run's flags from `source` exactly `new`, matched by key: a flag that still
    applies keeps its id, status and note (text refreshed); an open one that no longer applies
    goes; a decided one stays, as the record of a person's decision."""
    old = {r["import_key"]: r for r in store.query(
        "SELECT id, import_key, status FROM flags WHERE run_id = ? AND source = ?",
        [run_id, source])}
    counts = {"added": 0, "kept": 0, "removed": 0}
    stamp = now()
    with store.transaction() as db:
        for f in {f.key: f for f in new}.values():
            row = {"version_id": f.version_id, "type": f.type, "description": f.description,
                   "evidence": f.evidence, "severity": f.severity}
            if f.key in old:
                db.execute("UPDATE flags SET " + ", ".join(f"{c} = ?" for c in row)
                           + " WHERE id = ?", [*row.values(), old.pop(f.key)["id"]])
                counts["kept"] += 1
            else:
                store.insert("flags", {**row, "run_id": run_id, "source": source,
                                       "status": "open", "import_key": f.key,
                                       "created_at": stamp})
                counts["added"] += 1
        gone = [r["id"] for r in old.values() if r["status"] == "open"]
        db.conn.executemany("DELETE FROM flags WHERE id = ?", [(i,) for i in gone])
        counts["removed"] = len(gone)
    return counts


FLAG_COLUMNS = ("review_id", "run_id", "version_id", "type", "description", "evidence", "source",
                "status", "import_key", "created_at")


def import_flags(w: BulkWriter, rows: list[Sequence[Any]]) -> None:
    """Flags read from imported reviews, as tuples in FLAG_COLUMNS order, each with its own
    import_key (a re-import adds none)."""
    w.many("flags", FLAG_COLUMNS, rows)
