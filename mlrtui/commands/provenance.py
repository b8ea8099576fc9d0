"""`mlrtui provenance`: trace every number a run reports to output of code that ran.

    mlrtui provenance 12 13            check runs 12 and 13
    mlrtui provenance --task 'iclr2025_*'
    mlrtui provenance --all --json     one JSON line per claim, for scripts
"""

from __future__ import annotations

import argparse
import json

from rich.console import Console

from mlrtui.commands import Context, Fatal
from mlrtui.commands.options import add_json, command_parser
from mlrtui.commands.tables import Col, print_table
from mlrtui.services import provenance as P


def register(sub: argparse._SubParsersAction) -> None:
    p = command_parser(
        sub, "provenance", "trace every reported number to output of code that ran",
        "mlrtui provenance --all", "mlrtui provenance 12 14 --json | head",
        "mlrtui provenance --task 'iclr2025_*'",
        details="Per run: claims, traced / derived / contradicted / untraced, the code audit and\n"
                "citation findings, and beside them the judges' and humans' hallucination "
                "verdicts.\nUntraced and contradicted numbers and audit findings become flags "
                "(source provenance).")
    p.add_argument("runs", nargs="*", type=int, metavar="RUN", help="run ids to check")
    p.add_argument("--task", action="append", metavar="GLOB",
                   help="only runs of tasks matching GLOB (repeatable)")
    p.add_argument("--all", action="store_true",
                   help="every end-to-end run and every run with an experiment or paper")
    add_json(p)
    p.set_defaults(handler=handle)


def handle(ctx: Context, args: argparse.Namespace) -> int:
    if not (args.runs or args.task or args.all):
        raise Fatal("name runs to check, or use --task GLOB or --all")
    try:
        run_ids = P.select_runs(ctx.store, args.runs, args.task, args.all)
    except P.ProvenanceError as exc:
        raise Fatal(str(exc)) from None
    if args.json:
        P.check_runs(ctx.store, run_ids, on_run=_print_claims)
        return 0
    checks = P.check_runs(ctx.store, run_ids)
    _print_table(checks)
    return 0


def claim_lines(rc: P.RunCheck) -> list[dict]:
    """The --json records of one checked run: one per claim."""
    out = []
    for c in rc.report.claims:
        out.append({"run": rc.run_id, "run_source": rc.run_source, "file": c.doc,
                    "line": c.line, "text": c.text, "value": c.value, "status": c.status,
                    "rule": c.rule, "weak": c.weak, "derivation": c.derivation,
                    "evidence": [{"file": h.name, "line": h.line, "snippet": h.snippet,
                                  "origin": h.origin} for h in c.evidence],
                    "contradicting": None if c.contradicting is None else {
                        "file": c.contradicting.name, "line": c.contradicting.line,
                        "snippet": c.contradicting.snippet},
                    "decoys": [{"file": h.name, "line": h.line, "snippet": h.snippet,
                                "origin": h.origin} for h in c.decoys]})
    return out


def _print_claims(rc: P.RunCheck) -> None:
    for line in claim_lines(rc):
        print(json.dumps(line, ensure_ascii=False), flush=True)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _beside(rc: P.RunCheck) -> str:
    """Judges' and people's verdicts, each with whether the check agrees."""
    parts = [f"judge {v.judge} ({v.stage}): {_yes(v.flagged)}, "
             f"{'agree' if v.flagged == rc.suspected else 'disagree'}" for v in rc.verdicts]
    parts += [f"human {h.who}: {_yes(h.flagged)}, "
              f"{'agree' if h.flagged == rc.suspected else 'disagree'}" for h in rc.humans]
    return "; ".join(parts)


def _print_table(checks: list[P.RunCheck]) -> None:
    columns = [Col("run", numeric=True), Col("task / agent", min_width=20),
               Col("claims", short="n", numeric=True),
               Col("traced", short="tr", numeric=True),
               Col("derived", short="der", numeric=True),
               Col("contradicted", short="con", numeric=True),
               Col("untraced", short="unt", numeric=True),
               Col("findings", short="find", numeric=True),
               Col("figure", short="fig", numeric=True), Col("check", no_wrap=True)]
    rows = []
    for rc in checks:
        f = rc.figures
        rows.append([str(rc.run_id), rc.label, str(f.claims), str(f.traced), str(f.derived),
                     str(f.contradicted), str(f.untraced), str(len(f.findings)),
                     "-" if f.figure is None else f"{f.figure:.0%}",
                     "suspect" if rc.suspected else "ok"])
    claims = sum(rc.figures.claims for rc in checks)
    backed = sum(rc.figures.traced + rc.figures.derived for rc in checks)
    flags = {k: sum(rc.flags[k] for rc in checks) for k in ("added", "kept", "removed")}
    notes = [f"{backed} of {claims} numbers traced or derived"
             + (f" ({backed / claims:.0%})" if claims else ""),
             ("figure = (traced + derived) / claims; check = suspect when a number is "
              "contradicted, a finding is high-severity, or under half the numbers are backed"),
             (f"flags (source provenance): {flags['added']} added, {flags['kept']} kept, "
              f"{flags['removed']} removed; review them with `mlrtui flags list --source "
              "provenance`")]
    print_table(Console(), columns, rows, title=f"result provenance of {len(checks)} run(s)",
                notes=notes)
    beside = [f"run {rc.run_id}: {_beside(rc)}" for rc in checks if rc.verdicts or rc.humans]
    print("judges' and humans' hallucination verdicts (flagged, and whether the check agrees):")
    print("\n".join(beside) if beside else "  none in the database for these runs")
