"""`mlrtui run`: stages for tasks x models, stepwise or end-to-end, with a progress bar.

Resumable: the same command again only runs stages that have no current version or a stale
one (use --force to redo them). Ctrl-C stops cleanly: in-flight calls are cancelled, finished
versions stay, and the summary still prints.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from mlrtui.commands import Context, check_models
from mlrtui.commands.options import TASK_GLOB_HELP, command_parser, emit_lines
from mlrtui.experiment.executors import KINDS
from mlrtui.kernel.sanitize import terminal_safe as safe
from mlrtui.kernel.vocab import STAGES
from mlrtui.runs.coding_agents import AGENTS
from mlrtui.services.stages import StageReport, StageRequest, StageService, check_stages


def register(sub: argparse._SubParsersAction) -> None:
    p = command_parser(
        sub, "run", "run agent stages on tasks, stepwise or end-to-end",
        "mlrtui run --task 'iclr2025_*' --model gpt-4o-mini --stages idea,proposal",
        "mlrtui run --task iclr2025_bi_align --mode end-to-end --agent codex --budget 2",
        details="Resumable: the same command again runs only stages with no current or a stale "
                "version\n(--force redoes them). Ctrl-C stops cleanly and still prints the "
                "summary (exit 130);\nexit 1 when some stage failed.")
    p.add_argument("--task", nargs="+", required=True, metavar="GLOB", help=TASK_GLOB_HELP)
    p.add_argument("--model", nargs="+", metavar="M", help="model names (default: the config's)")
    p.add_argument("--stages", default=",".join(STAGES),
                   help="comma-separated stages (default: all five)")
    p.add_argument("--mode", choices=["stepwise", "end-to-end"], default="stepwise",
                   help="stepwise: each stage from the current upstream versions; end-to-end: "
                        "one agent run (default: stepwise)")
    p.add_argument("--agent", choices=["builtin", *AGENTS], default="builtin",
                   help="who runs the experiment stage")
    p.add_argument("--executor", choices=list(KINDS),
                   help="where experiment code runs, kept on the run (default: the run's, "
                        "else the config's [executor] kind)")
    p.add_argument("--concurrency", type=int, help="stages in flight at once")
    p.add_argument("--budget", type=float, metavar="USD", help="cap for this batch")
    p.add_argument("--force", action="store_true", help="re-run stages that are up to date")
    p.add_argument("--batch-api", action="store_true",
                   help="stepwise stages through the provider's batch API: half price, each "
                        "stage's results within 24 h; resumable (not the experiment stage)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true",
                   help="one JSON line per stage outcome (run, stage, status, version, cost)")
    p.set_defaults(handler=handle)


class BarProgress:
    """A rich progress bar on stderr; problems are collected for the summary, not printed."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar = None
        self.task = None

    def start(self, total: int, description: str = "") -> None:
        if not self.enabled:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), TextColumn("{task.fields[detail]}"),
                            console=Console(stderr=True))
        self.bar.start()
        self.task = self.bar.add_task(description, total=total, detail="")

    def advance(self, n: int = 1, detail: str = "") -> None:
        if self.bar is not None:
            self.bar.update(self.task, advance=n, detail=detail[:60])

    def problem(self, path: str, message: str) -> None:
        pass  # failures are listed once in the summary

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.stop()


class ClusterLines:
    """A stage listener printing only cluster job changes to stderr: the job ids a user looks
    up in squeue, and how long a job waited in the queue."""

    def stage_started(self, run_id: int, stage: str) -> None:
        pass

    def stage_text(self, run_id: int, piece: str) -> None:
        pass

    def stage_event(self, run_id: int, line: str) -> None:
        pass

    def stage_job_state(self, run_id: int, job_id: str, state: str) -> None:
        print(f"run {run_id}: Slurm job {job_id} {state}", file=sys.stderr, flush=True)


def handle(ctx: Context, args: argparse.Namespace) -> int:
    stages = check_stages([s.strip() for s in args.stages.split(",") if s.strip()])
    models = args.model or [ctx.settings.default_model]
    check_models(ctx.settings, models)
    req = StageRequest(stages=stages, tasks=args.task, models=models, mode=args.mode,
                       agent=args.agent, executor=args.executor, force=args.force,
                       concurrency=args.concurrency,
                       budget_usd=args.budget)
    if args.batch_api:
        from mlrtui.commands.batches import print_batch_report, say
        from mlrtui.services.batch_api import BatchApiService

        batch = asyncio.run(BatchApiService(ctx.store, ctx.settings, on_line=say).stages(req))
        print_batch_report(batch)
        return batch.exit_code
    progress = BarProgress(enabled=not args.quiet and sys.stderr.isatty())
    service = StageService(ctx.store, ctx.settings, progress=progress, listener=ClusterLines(),
                           on_notice=lambda text: print(f"mlrtui: {text}", file=sys.stderr))
    report = asyncio.run(_run(service, req))
    _print_report(report, as_json=args.json)
    return report.exit_code


async def _run(service: StageService, req: StageRequest) -> StageReport:
    """The service, with Ctrl-C as a clean stop (a second Ctrl-C aborts at once)."""
    loop = asyncio.get_running_loop()

    def on_sigint() -> None:
        print("\nmlrtui: stopping (Ctrl-C again to abort at once)", file=sys.stderr)
        service.cancel()
        loop.remove_signal_handler(signal.SIGINT)
        signal.signal(signal.SIGINT, signal.default_int_handler)

    loop.add_signal_handler(signal.SIGINT, on_sigint)
    try:
        return await service.run(req)
    finally:
        loop.remove_signal_handler(signal.SIGINT)


def _print_report(report: StageReport, *, as_json: bool) -> None:
    summary = report.summary
    if as_json:
        emit_lines({"batch": report.batch_id, "run": o.run_id, "task": o.task_id,
                    "model": o.model, "stage": o.stage, "status": o.status,
                    "version": o.version_id, "cost_usd": round(o.cost_usd, 6),
                    "error": o.error} for o in summary.outcomes)
        return
    print(f"batch {report.batch_id}: {summary.line()}")
    extra = f" (+{report.unpriced} unpriced calls)" if report.unpriced else ""
    print(f"ledger cost: ${report.cost_usd or 0:.4f}{extra}")
    made = [o for o in summary.outcomes if o.status == "done"]
    for o in made[:50]:
        print(f"  run {o.run_id} {o.task_id} [{o.model}] {o.stage}: version {o.version_id}")
    if len(made) > 50:
        print(f"  ... and {len(made) - 50} more versions")
    if summary.cancelled_by_user:
        print("stopped by Ctrl-C: run the same command again to continue")
    failures = summary.failures
    for o in failures[:20]:
        print(safe(f"  failed {o.task_id} [{o.model}] {o.stage}: {o.error}"))
    if len(failures) > 20:
        print(f"  ... and {len(failures) - 20} more failures")
