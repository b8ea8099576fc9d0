"""Judges against humans on hallucination: per run and type, the human label beside each judge's
verdict, and per type and judge how often they agree (counts and Cohen's kappa).

A judge's verdict on a run and type is "yes" when its hallucination review of that run has a
finding of that type, "no" when it reviewed the run without one, missing when it did not review
the run. Human "not sure" labels and missing verdicts are counted but left out of agreement.
Kappa is undefined when chance agreement is total (both sides gave one answer only, e.g. a judge
that flags every paper against humans who all said yes): then only the raw counts speak.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from mlrtui.judge.reply import FLAG_TYPES
from mlrtui.store.db import Store

TYPES = [t for t in FLAG_TYPES if t != "other"]


class RunVerdicts(BaseModel):
    run_id: int | None
    task_id: str | None
    system: str                        # who made the paper: run agent, or the label's system
    type: str
    human: str | None                  # yes | no | not_sure | None (no label)
    judges: dict[str, str | None]      # judge -> yes | no | None (did not review the run)


class TypeAgreement(BaseModel):
    type: str
    judge: str
    n: int                             # runs with a yes/no human label and a judge verdict
    both_yes: int
    human_yes_judge_no: int
    human_no_judge_yes: int
    both_no: int
    not_sure: int                      # human "not sure" with a judge verdict, left out
    agreement: float | None
    kappa: float | None
    kappa_note: str                    # "" or why kappa is undefined


class JudgeRate(BaseModel):
    judge: str
    reviewed: int                      # runs it checked for hallucination
    flagged: int                       # of those, runs with at least one finding


class HallucinationReport(BaseModel):
    judges: list[str]
    rows: list[RunVerdicts] = Field(default_factory=list)
    agreement: list[TypeAgreement] = Field(default_factory=list)
    rates: list[JudgeRate] = Field(default_factory=list)
    labels: int = 0
    unlinked_labels: int = 0


def kappa(both_yes: int, yes_no: int, no_yes: int, both_no: int) -> tuple[float | None, str]:
    """Cohen's kappa of a 2x2 table (rows human, columns judge), or None and the reason."""
    n = both_yes + yes_no + no_yes + both_no
    if n == 0:
        return None, "undefined: no runs with both a label and a verdict"
    po = (both_yes + both_no) / n
    h_yes, j_yes = (both_yes + yes_no) / n, (both_yes + no_yes) / n
    pe = h_yes * j_yes + (1 - h_yes) * (1 - j_yes)
    if pe >= 1.0:
        return None, "undefined: both sides gave a single answer, chance agreement is total"
    return (po - pe) / (1 - pe), ""


_REVIEWS = """SELECT rv.id, rv.run_id, rv.judge_model, r.task_id, r.agent
FROM reviews rv JOIN runs r ON r.id = rv.run_id WHERE rv.stage = 'hallucination'"""
_FLAGS = "SELECT review_id, type FROM flags WHERE review_id IN (SELECT id FROM reviews " \
         "WHERE stage = 'hallucination')"
_LABELS = """SELECT l.run_id, l.task_id, l.system, l.type, l.label, r.agent
FROM hallucination_labels l LEFT JOIN runs r ON r.id = l.run_id ORDER BY l.id"""


def report(store: Store) -> HallucinationReport:
    reviews = store.query(_REVIEWS)
    found: dict[int, set[str]] = {}
    for f in store.query(_FLAGS):
        found.setdefault(f["review_id"], set()).add(f["type"])
    judges = sorted({r["judge_model"] for r in reviews})
    verdict: dict[tuple[int, str], set[str]] = {}
    runs: dict[int, tuple[str | None, str]] = {}
    for r in reviews:
        verdict[(r["run_id"], r["judge_model"])] = found.get(r["id"], set())
        runs[r["run_id"]] = (r["task_id"], r["agent"] or "?")
    labels = store.query(_LABELS)
    human: dict[tuple[object, str], str] = {}
    names: dict[object, tuple[int | None, str | None, str]] = {}
    for lb in labels:
        key = lb["run_id"] if lb["run_id"] is not None else f"{lb['system']}/{lb['task_id']}"
        human[(key, lb["type"])] = lb["label"]
        names[key] = (lb["run_id"], lb["task_id"], lb["system"])
    for run, (task, agent) in runs.items():
        names.setdefault(run, (run, task, agent))
    rep = HallucinationReport(judges=judges, labels=len(labels),
                              unlinked_labels=sum(lb["run_id"] is None for lb in labels))
    for key, (run, task, system) in sorted(names.items(), key=lambda kv: (kv[1][2], kv[1][1] or "")):
        for kind in TYPES:
            rep.rows.append(RunVerdicts(
                run_id=run, task_id=task, system=system, type=kind, human=human.get((key, kind)),
                judges={j: (None if (run, j) not in verdict else
                            "yes" if kind in verdict[(run, j)] else "no") for j in judges}))
    rep.agreement = [_agree(rep.rows, kind, j) for kind in TYPES for j in judges]
    rep.rates = [JudgeRate(judge=j, reviewed=sum(1 for (_, jj) in verdict if jj == j),
                           flagged=sum(1 for (_, jj), v in verdict.items() if jj == j and v))
                 for j in judges]
    return rep


def _agree(rows: list[RunVerdicts], kind: str, judge: str) -> TypeAgreement:
    cells = {"yy": 0, "yn": 0, "ny": 0, "nn": 0}
    not_sure = 0
    for row in rows:
        j = row.judges.get(judge)
        if row.type != kind or j is None or row.human is None:
            continue
        if row.human == "not_sure":
            not_sure += 1
            continue
        cells[row.human[0] + j[0]] += 1
    n = sum(cells.values())
    k, note = kappa(cells["yy"], cells["yn"], cells["ny"], cells["nn"])
    return TypeAgreement(type=kind, judge=judge, n=n, both_yes=cells["yy"],
                         human_yes_judge_no=cells["yn"], human_no_judge_yes=cells["ny"],
                         both_no=cells["nn"], not_sure=not_sure,
                         agreement=(cells["yy"] + cells["nn"]) / n if n else None,
                         kappa=k, kappa_note=note)
