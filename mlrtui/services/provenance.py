"""Checking result provenance, for the command line (`mlrtui provenance`), the stage service and
the console alike: pick runs, check each, store the verdicts, turn problems into flags.

A run's check reads its inputs from the store (provenance.sources), runs the pure engine, stores
claims and figures (provenance.records) and replaces the run's "provenance" flags, keeping the
decisions people made on flags that still apply.
"""

from __future__ import annotations

import asyncio
import fnmatch
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from mlrtui.judge.flags import NewFlag, replace_flags
from mlrtui.kernel.vocab import CHECKED_STAGES
from mlrtui.provenance import Hit, Report, check
from mlrtui.provenance import records as R
from mlrtui.provenance.judges import HumanLabel, JudgeVerdict, human_labels, judge_verdicts
from mlrtui.provenance.sources import load_inputs
from mlrtui.store.db import Store

if TYPE_CHECKING:
    from mlrtui.runs.stage_runner import StageOutcome

RunFigures = R.RunFigures
SOURCE = "provenance"


class ProvenanceError(Exception):
    """Unknown run or a glob that matches nothing; one line."""


@dataclass
class RunCheck:
    run_id: int
    task_id: str
    label: str                      # what the run is: "<task> / <agent or model>"
    run_source: str | None
    figures: R.RunFigures
    report: Report
    flags: dict[str, int]
    verdicts: list[JudgeVerdict]
    humans: list[HumanLabel]

    @property
    def suspected(self) -> bool:
        """The check's own verdict: a contradicted number, a high-severity finding, or fewer
        than half of the numbers backed by execution."""
        f = self.figures
        high = any(x["severity"] == "high" for x in f.findings)
        return bool(f.contradicted or high or (f.claims and (f.figure or 0) < 0.5))


def select_runs(store: Store, run_ids: list[int] | None = None,
                task_globs: list[str] | None = None, all_runs: bool = False) -> list[int]:
    """Runs to check: given ids, runs of matching tasks that have an experiment or paper, or
    (all / nothing given) every end-to-end run and every run with an experiment version."""
    have = [r["id"] for r in store.query(
        "SELECT DISTINCT r.id FROM runs r JOIN stage_heads h ON h.run_id = r.id "
        "WHERE h.stage IN ('experiment', 'paper') OR r.mode = 'end-to-end' ORDER BY r.id")]
    if run_ids:
        known = {r["id"] for r in store.query(
            f"SELECT id FROM runs WHERE id IN ({','.join('?' * len(run_ids))})", run_ids)}
        missing = [i for i in run_ids if i not in known]
        if missing:
            raise ProvenanceError(f"no run {missing[0]} in the database")
        chosen = list(run_ids)
    else:
        chosen = list(have)
    if task_globs:
        tasks = {r["id"]: r["task_id"] for r in store.query("SELECT id, task_id FROM runs")}
        chosen = [i for i in chosen if any(fnmatch.fnmatchcase(tasks[i], g) for g in task_globs)]
        if not chosen:
            raise ProvenanceError(f"no checkable run of a task matching {' '.join(task_globs)}")
    return chosen


def _flags(run_id: int, report: Report, versions: dict[str, int]) -> list[NewFlag]:
    out = []
    for c in report.claims:
        if c.status not in ("untraced", "contradicted"):
            continue
        where = f"{c.doc}:{c.line}: {c.text.strip()[:200]}"
        if c.status == "contradicted" and c.contradicting:
            h = c.contradicting
            desc = (f"{c.value} in {c.doc}:{c.line} contradicts executed output "
                    f"{h.name}:{h.line} ({h.value})")
            ev, sev = f"{where}\n{h.name}:{h.line}: {h.snippet}", "high"
        else:
            decoy = c.decoys[0] if c.decoys else None
            desc = f"{c.value} in {c.doc}:{c.line} is in no output of code that ran" + (
                f"; only in typed text {decoy.name}:{decoy.line}" if decoy else "")
            ev, sev = where, "medium" if decoy else "low"
        out.append(NewFlag(key=f"{SOURCE}:{run_id}:{c.doc}:{c.line}:{c.value}",
                           version_id=versions.get(c.doc), type="faked_results",
                           description=desc, evidence=ev, severity=sev))
    for f in [*report.audit, *report.citations]:
        out.append(NewFlag(key=f"{SOURCE}:{run_id}:{f.file}:{f.line}:{f.kind}",
                           version_id=versions.get(f.file), type=f.hallucination,
                           description=f"{f.kind} in {f.file}:{f.line}"
                           + (f" ({f.detail})" if f.detail else ""),
                           evidence=f"{f.file}:{f.line}: {f.snippet}", severity=f.severity))
    return out


def _relocate(report: Report, texts: dict[str, str]) -> None:
    """Hits in one-line JSON files (pretty-printed for the check) back to the file's own lines."""
    def fix(h: Hit) -> Hit:
        text = texts.get(h.name)
        if text is None:
            return h
        lines = text.splitlines()
        if 0 < h.line <= len(lines) and h.snippet in lines[h.line - 1]:
            return h
        for n, line in enumerate(lines, start=1):
            at = line.find(h.value) if h.value else -1
            if at >= 0:
                return replace(h, line=n, snippet=line[max(0, at - 100):at + 80].strip())
        return h

    for c in report.claims:
        c.evidence, c.decoys = [fix(h) for h in c.evidence], [fix(h) for h in c.decoys]


def check_run(store: Store, run_id: int) -> RunCheck:
    """Check one run, store its verdicts and replace its provenance flags."""
    started = time.perf_counter()
    inp = load_inputs(store, run_id)
    report = check(inp.docs, inp.evidence, inp.code, inp.run_date, inp.artifacts)
    _relocate(report, inp.texts)
    source = (f"transcript {inp.transcript}" if inp.transcript else
              "executions" if any(e.name.startswith("exec:") for e in inp.evidence) else "files")
    figs = R.save(store, run_id, report, inp.versions, evidence_source=source,
                  problems=inp.problems, elapsed_s=time.perf_counter() - started)
    flags = replace_flags(store, run_id, SOURCE, _flags(run_id, report, inp.versions))
    run = store.query("SELECT * FROM runs WHERE id = ?", [run_id])[0]
    label = f"{run['task_id']} / {run.get('agent') or run['model']}"
    # For an imported run: its folder relative to the corpus root (as `mlrtui runs` shows it).
    return RunCheck(run_id, run["task_id"], label, run.get("source_path"),
                    figs, report, flags, judge_verdicts(store, run_id),
                    human_labels(store, run_id))


def check_runs(store: Store, run_ids: list[int],
               on_run: Callable[[RunCheck], None] | None = None) -> list[RunCheck]:
    out = []
    for rid in run_ids:
        out.append(check_run(store, rid))
        if on_run is not None:
            on_run(out[-1])
    return out


def check_after_stage(store: Store, run_id: int, stage: str) -> R.RunFigures | None:
    """After a successful experiment or paper stage: check the run (None for other stages)."""
    if stage not in CHECKED_STAGES:
        return None
    return check_run(store, run_id).figures


async def check_outcomes(store: Store, outcomes: Sequence[StageOutcome]) -> dict[int, RunFigures]:
    """Check each run whose experiment or paper stage just succeeded, once, off the event loop."""
    runs = sorted({o.run_id for o in outcomes
                   if o.status == "done" and o.stage in CHECKED_STAGES and o.run_id is not None})
    out: dict[int, RunFigures] = {}
    for rid in runs:
        figs = await asyncio.to_thread(check_after_stage, store, rid, "experiment")
        if figs is not None:
            out[rid] = figs
    return out


@dataclass
class DocView:
    """One checked document as the console shows it: its text and its stored claims."""

    name: str
    text: str
    claims: list[dict]


def documents(store: Store, run_id: int) -> list[DocView]:
    """The run's checked documents (paper first), each with its text and claims."""
    rows = R.claims(store, run_id)
    out = []
    for name in sorted({r["doc"] for r in rows}, key=lambda n: (not n.endswith("paper.md"), n)):
        mine = [r for r in rows if r["doc"] == name]
        vid = mine[0]["version_id"]
        text = store.scalar("SELECT text FROM versions WHERE id = ?", [vid]) if vid else None
        if text is None:
            raw = store.scalar("SELECT content FROM files WHERE run_id = ? AND path = ? "
                               "ORDER BY id DESC LIMIT 1", [run_id, name])
            text = bytes(raw).decode("utf-8", "replace") if raw is not None else ""
        out.append(DocView(name, text, mine))
    return out


def last_check(store: Store, run_id: int) -> R.RunFigures | None:
    return R.figures(store, run_id)
