"""`mlrtui export`: runs as self-contained folders (`--run`, `--task`), leaderboards as CSV.

Exit 0 when every bundle was written (problems inside a bundle, such as a refused file path,
are listed and kept in its README); 1 when a run could not be exported; 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mlrtui.commands import Context, Fatal
from mlrtui.commands.options import TASK_GLOB_HELP, command_parser, require_tasks
from mlrtui.kernel.vocab import REVIEW_STAGES
from mlrtui.runs import versions as V


def register(sub: argparse._SubParsersAction) -> None:
    p = command_parser(sub, "export", "export runs as self-contained folders, or a leaderboard "
                       "as CSV", "mlrtui export --run 12 --out ./out",
                       "mlrtui export --task 'iclr2025_*' --model o4-mini --format json",
                       "mlrtui export --leaderboard idea --out idea.csv",
                       details="A run's folder holds each stage's current text with a header, "
                               "its files,\nexecutions, reviews with scores, flags and its "
                               "ledger as CSV. API keys are redacted.")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--run", type=int, action="append", metavar="ID", help="run id (repeatable)")
    what.add_argument("--task", nargs="+", metavar="GLOB",
                      help="every run of matching tasks; " + TASK_GLOB_HELP)
    what.add_argument("--leaderboard", choices=list(REVIEW_STAGES), metavar="STAGE",
                      help="a stage's leaderboard as CSV: " + ", ".join(REVIEW_STAGES))
    p.add_argument("--out", type=Path, metavar="PATH",
                   help="output folder (runs; default ./mlrtui-export) or CSV file "
                        "(leaderboard; default ./leaderboard-STAGE.csv)")
    p.add_argument("--format", choices=["md", "json"], default="md",
                   help="stage texts as markdown files with a header, or one stages.json")
    p.add_argument("--stage", action="append", metavar="S",
                   help="only these stages (repeatable or comma-separated)")
    p.add_argument("--model", action="append", metavar="M", help="with --task: only this model")
    lb = p.add_argument_group("leaderboard options")
    lb.add_argument("--source", choices=["corpus", "local", "all"], default="all",
                    help="imported reviews, reviews made here, or both (default)")
    lb.add_argument("--variant", default="", help="e.g. no_code (default: the plain reviews)")
    lb.add_argument("--judges", help="comma-separated judge models to include")
    lb.add_argument("--exact", action="store_true", help="unrounded means")
    p.set_defaults(handler=handle)


def handle(ctx: Context, args: argparse.Namespace) -> int:
    from mlrtui.export.bundle import ExportError, export_leaderboard, export_runs, find_runs
    from mlrtui.kernel.secrets import known_secrets

    secrets = known_secrets(ctx.settings)
    store = ctx.store
    if args.leaderboard:
        path = args.out or Path(f"leaderboard-{args.leaderboard}.csv")
        judges = [j.strip() for j in args.judges.split(",") if j.strip()] if args.judges else None
        try:
            n = export_leaderboard(store, REVIEW_STAGES[args.leaderboard], path,
                                   secrets=secrets, source=None if args.source == "all"
                                   else args.source, variant=args.variant, judges=judges,
                                   exact=args.exact)
        except ExportError as exc:
            raise Fatal(str(exc)) from None
        print(f"{args.leaderboard} leaderboard: {n} model(s) -> {path}")
        return 0
    stages = [s.strip() for value in args.stage or [] for s in value.split(",") if s.strip()]
    for s in stages:
        if s not in V.STAGES:
            raise Fatal(f"unknown stage {s!r}; stages: {', '.join(V.STAGES)}")
    if args.run:
        run_ids = list(dict.fromkeys(args.run))
    else:
        require_tasks(ctx, args.task)
        run_ids = find_runs(store, args.task, args.model)
        if not run_ids:
            raise Fatal(f"no run of a task matching {' '.join(args.task)}"
                        + (f" with model {', '.join(args.model)}" if args.model else ""))
    out = args.out or Path("mlrtui-export")
    try:
        reports = export_runs(store, run_ids, out, secrets=secrets, fmt=args.format,
                              stages=stages or None)
    except ExportError as exc:
        raise Fatal(str(exc)) from None
    failed = 0
    for r in reports:
        if r.failed:
            failed += 1
        else:
            print(f"run {r.run_id} -> {r.path} ({r.files} files)")
        for line in r.problems:
            print(f"  ! run {r.run_id}: {line}", file=sys.stderr)
    problems = sum(len(r.problems) for r in reports)
    print(f"exported {len(reports) - failed} of {len(reports)} run(s) to {out}"
          + (f"; {problems} problem(s) listed above" if problems else ""))
    return 1 if failed else 0
