"""`mlrtui judge`: run rubric judges on the current version of a stage of matching runs."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING

from rich.console import Console

from mlrtui import paths
from mlrtui.commands import Context, Fatal, check_models
from mlrtui.commands.options import TASK_GLOB_HELP, command_parser, emit_lines
from mlrtui.commands.tables import Col, print_table
from mlrtui.judge.rubrics import (
    JUDGE_STAGES,
    RubricError,
    get_rubric,
    load_rubrics,
    rubric_for_stage,
)
from mlrtui.kernel.sanitize import terminal_safe as safe

if TYPE_CHECKING:
    from mlrtui.services.judging import JudgeReport


def register(sub: argparse._SubParsersAction) -> None:
    p = command_parser(
        sub, "judge", "judge a stage of runs with rubric LLM judges",
        "mlrtui judge --stage idea --judges gpt-4o-mini,claude-sonnet --task 'iclr2025_*'",
        "mlrtui judge --rubrics", "mlrtui judge --show 120",
        details="Judges the current version of the stage of every matching run; already judged "
                "pairs are\nskipped (--force judges again). Exit 1 when some review failed or "
                "was invalid, or a budget stopped the batch early.")
    p.add_argument("--stage", choices=list(JUDGE_STAGES),
                   help="what to judge (paper = the write-up; overall = paper with its code)")
    p.add_argument("--rubric", help="a rubric id instead of the stage's default")
    p.add_argument("--judges", help="comma-separated model names (default: config 'judges')")
    p.add_argument("--task", action="append", metavar="GLOB",
                   help=TASK_GLOB_HELP + " (repeatable)")
    p.add_argument("--run", action="append", type=int, metavar="ID", help="run id (repeatable)")
    p.add_argument("--model", action="append", metavar="M", help="only runs of this model")
    p.add_argument("--budget", type=float, metavar="USD", help="cap for this batch")
    p.add_argument("--concurrency", type=int, help="calls in flight (default: config)")
    p.add_argument("--max-tokens", type=int, help="cap on each reply's tokens")
    p.add_argument("--force", action="store_true", help="judge again what was already judged")
    p.add_argument("--batch-api", action="store_true",
                   help="send through the provider's batch API: half price, results within "
                        "24 h (openai / anthropic judges); resumable")
    p.add_argument("--rubrics", action="store_true", help="list the rubrics and exit")
    p.add_argument("--show", type=int, metavar="REVIEW", help="print one review and exit")
    p.add_argument("--json", action="store_true",
                   help="one JSON line per judged item (run, judge, status, reviews, overall)")
    p.set_defaults(handler=handle)


class LineProgress:
    """A ProgressSink that prints one line per judged item to stderr."""

    def __init__(self) -> None:
        self.total = self.done = 0

    def start(self, total: int, description: str = "") -> None:
        self.total = total
        print(f"{description}: {total} review(s) to do", file=sys.stderr)

    def advance(self, n: int = 1, detail: str = "") -> None:
        self.done += n
        print(f"[{self.done}/{self.total}] {detail}", file=sys.stderr)

    def problem(self, path: str, message: str) -> None:
        print(f"  ! {path}: {message}", file=sys.stderr)

    def finish(self) -> None:
        pass


def handle(ctx: Context, args: argparse.Namespace) -> int:
    if args.rubrics:
        return _list_rubrics()
    if args.show is not None:
        return _show(ctx, args.show)
    if not args.stage and not args.rubric:
        raise Fatal("judge: give --stage (or --rubric); see mlrtui judge --help")
    try:
        rubric = get_rubric(args.rubric) if args.rubric else rubric_for_stage(args.stage)
    except RubricError as exc:
        raise Fatal(str(exc)) from None
    settings = ctx.settings
    judges = [j.strip() for j in (args.judges.split(",") if args.judges else settings.judges)
              if j.strip()]
    check_models(settings, judges, "judge model")
    from mlrtui.services.judging import JudgeRequest, JudgeService, targets_for

    targets = targets_for(ctx.store, rubric, task_globs=args.task, run_ids=args.run,
                          models=args.model)
    if not targets:
        print(f"nothing to judge: no run has a current {rubric.target_stage} version "
              "matching the filters")
        return 0
    req = JudgeRequest(rubric=rubric, judges=judges, targets=targets, force=args.force,
                       budget_usd=args.budget, concurrency=args.concurrency,
                       max_tokens=args.max_tokens)
    if args.batch_api:
        from mlrtui.commands.batches import print_batch_report, say
        from mlrtui.services.batch_api import BatchApiService

        batch = asyncio.run(BatchApiService(ctx.store, settings, on_line=say).judge(req))
        print_batch_report(batch)
        return batch.exit_code
    report = asyncio.run(JudgeService(ctx.store, settings, progress=LineProgress()).run(req))
    _print_report(report, as_json=args.json)
    return report.exit_code


def _print_report(report: JudgeReport, *, as_json: bool) -> None:
    summary = report.summary
    if as_json:
        emit_lines({"batch": report.batch_id, "run": o.run_id, "task": o.task_id,
                    "judge": o.judge, "status": o.status, "reviews": o.review_ids,
                    "overall": o.overall, "flags": o.flags, "error": o.error}
                   for o in summary.outcomes)
        return
    counts = ", ".join(f"{s} {summary.count(s)}" for s in
                       ("ok", "repaired", "invalid", "failed", "skipped") if summary.count(s))
    cost = f"${report.cost_usd:.4f}" if report.cost_usd is not None else "unpriced"
    if report.unpriced and report.cost_usd is not None:
        cost += f" (+{report.unpriced} unpriced calls)"
    print(f"batch {summary.batch_id}: {len(summary.outcomes)} of "
          f"{summary.targets * len(summary.judges)} reviews ({counts or 'none'}), "
          f"{summary.flags} flag(s), cost {cost}")
    for o in summary.outcomes:
        if o.status == "skipped":
            continue
        ids = ",".join(str(i) for i in o.review_ids) or "-"
        score = f"overall {o.overall:g}" if o.overall is not None else "no score"
        note = " (retried)" if o.retried else ""
        error = f"; {o.error}" if o.status in ("invalid", "failed") and o.error else ""
        print(safe(f"  {o.task_id} run {o.run_id} {o.judge}: {o.status}{note}, {score}; "
                   f"review(s) {ids}{error}"))
    if summary.stopped:
        print(f"stopped early: {summary.stopped}")


def _list_rubrics() -> int:
    rubrics, problems = load_rubrics()
    bundled = str(paths.rubrics_dirs()[-1])
    ordered = sorted(rubrics.values(), key=lambda r: r.id)
    user = {r.id for r in ordered if not r.path.startswith(bundled)}
    columns = [Col("id", no_wrap=True), Col("judges", no_wrap=True),
               Col("reads", min_width=10, prose=True),
               Col("dimensions", min_width=14, prose=True), Col("hash", no_wrap=True)]
    rows = [[r.id + (" *" if r.id in user else ""), r.target_stage, ", ".join(r.inputs),
             ", ".join(r.dimension_names) or "findings", r.hash[:8]] for r in ordered]
    print_table(Console(), columns, rows,
                title=f"{len(rubrics)} rubrics (user folder: {paths.rubrics_dirs()[0]})",
                notes=["* = from the user folder"] if user else [])
    for line in problems:
        print(f"problem: {line}", file=sys.stderr)
    return 0


def _show(ctx: Context, review_id: int) -> int:
    from mlrtui.judge.reviews import get_review

    r = get_review(ctx.store, review_id)
    if r is None:
        raise Fatal(f"no review {review_id}")
    print(f"review {r.id}: {r.stage} of {r.task_id} / {r.target_model} "
          f"(run {r.run_id}, version {r.version_id}) by {r.judge_model}")
    print(f"rubric {r.rubric_id}@{(r.rubric_hash or '')[:10]}, status {r.parse_status}"
          + (f": {r.error}" if r.error else ""))
    for note in r.notes:
        print(safe(f"note: {note}"))
    for dim, score in r.scores.items():
        print(f"  {dim}: {score:g}")
    if r.parse_status == "invalid":
        print("--- raw reply ---")
        print(safe(r.raw_text))
    return 0
