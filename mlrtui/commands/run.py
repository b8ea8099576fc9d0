"""`mlrtui run`: stages for tasks x models, stepwise or end-to-end, with a progress bar.

Resumable: the same command again only runs stages that have no current version or a stale
one (use --force to redo them). Ctrl-C stops cleanly: in-flight calls are cancelled, finished
versions stay, and the summary still prints.
"""

from __future__ import annotations

import argparse
import asyncio
import fnmatch
import json
import signal
import sys

from mlrtui.commands import Context, Fatal, check_models
from mlrtui.commands.options import TASK_GLOB_HELP, command_parser
from mlrtui.kernel.progress import ProgressSink
from mlrtui.runs import versions as V
from mlrtui.runs.coding_agents import AGENTS
from mlrtui.runs.pipeline import Pipeline, Summary
from mlrtui.runs.stage_runner import StageRunner
from mlrtui.store.db import Store, now


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
    p.add_argument("--stages", default=",".join(V.STAGES),
                   help="comma-separated stages (default: all five)")
    p.add_argument("--mode", choices=["stepwise", "end-to-end"], default="stepwise",
                   help="stepwise: each stage from the current upstream versions; end-to-end: "
                        "one agent run (default: stepwise)")
    p.add_argument("--agent", choices=["builtin", *AGENTS], default="builtin",
                   help="who runs the experiment stage")
    p.add_argument("--concurrency", type=int, help="stages in flight at once")
    p.add_argument("--budget", type=float, metavar="USD", help="cap for this batch")
    p.add_argument("--force", action="store_true", help="re-run stages that are up to date")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
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


def select_tasks(store: Store, patterns: list[str]) -> list[str]:
    ids = [r["id"] for r in store.query("SELECT id FROM tasks ORDER BY id")]
    chosen = [i for i in ids if any(fnmatch.fnmatchcase(i, p) for p in patterns)]
    if not chosen:
        raise Fatal(f"no task matches {' '.join(patterns)} ({len(ids)} tasks in the database; "
                    "import some with `mlrtui import`)")
    return chosen


def handle(ctx: Context, args: argparse.Namespace) -> int:
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    for s in stages:
        if s not in V.STAGES:
            raise Fatal(f"unknown stage {s!r}; stages: {', '.join(V.STAGES)}")
    models = args.model or [ctx.settings.default_model]
    check_models(ctx.settings, models)
    store = ctx.store  # opening it loads the example tasks on first start
    task_ids = select_tasks(store, args.task)
    budget = args.budget if args.budget is not None else ctx.settings.batch_budget_usd
    with store.transaction():
        batch_id = store.insert("batches", {
            "kind": "run", "budget_usd": budget, "status": "running", "created_at": now(),
            "args": json.dumps({"tasks": args.task, "models": models, "stages": stages,
                                "mode": args.mode, "agent": args.agent, "force": args.force})})
    progress = BarProgress(enabled=not args.quiet and sys.stderr.isatty())
    summary = asyncio.run(_run(ctx, args, task_ids, models, stages, int(batch_id), progress))
    status = "cancelled" if summary.cancelled_by_user else "done"
    with store.transaction():
        store.db.execute("UPDATE batches SET status=?, finished_at=? WHERE id=?",
                         [status, now(), batch_id])
    _print_summary(store, summary, int(batch_id))
    if summary.cancelled_by_user:
        return 130
    return 1 if summary.failures else 0


async def _run(ctx: Context, args: argparse.Namespace, task_ids: list[str], models: list[str],
               stages: list[str], batch_id: int, progress: ProgressSink) -> Summary:
    from mlrtui.providers.client import LLMClient

    client = LLMClient(ctx.store, ctx.settings)
    runner = StageRunner(ctx.store, ctx.settings, client, batch_id=batch_id,
                         agent=None if args.agent == "builtin" else args.agent)
    pipeline = Pipeline(runner, concurrency=args.concurrency or ctx.settings.concurrency,
                        progress=progress, force=args.force)
    loop = asyncio.get_running_loop()

    def on_sigint() -> None:
        print("\nmlrtui: stopping (Ctrl-C again to abort at once)", file=sys.stderr)
        pipeline.cancel()
        loop.remove_signal_handler(signal.SIGINT)
        signal.signal(signal.SIGINT, signal.default_int_handler)

    loop.add_signal_handler(signal.SIGINT, on_sigint)
    try:
        runs = pipeline.runs_for(task_ids, models, args.mode,
                                 agent=None if args.agent == "builtin" else args.agent)
        return await pipeline.run(runs, stages, args.mode)
    finally:
        loop.remove_signal_handler(signal.SIGINT)
        await client.aclose()


def _print_summary(store: Store, summary: Summary, batch_id: int) -> None:
    spent = store.scalar("SELECT SUM(cost_usd) FROM llm_calls WHERE batch_id=?", [batch_id])
    unpriced = store.scalar("SELECT count(*) FROM llm_calls WHERE batch_id=? AND cost_usd IS "
                            "NULL AND status='ok'", [batch_id])
    print(f"batch {batch_id}: {summary.line()}")
    extra = f" (+{unpriced} unpriced calls)" if unpriced else ""
    print(f"ledger cost: ${spent or 0:.4f}{extra}")
    if summary.cancelled_by_user:
        print("stopped by Ctrl-C: run the same command again to continue")
    failures = summary.failures
    for o in failures[:20]:
        print(f"  failed {o.task_id} [{o.model}] {o.stage}: {o.error}")
    if len(failures) > 20:
        print(f"  ... and {len(failures) - 20} more failures")
