"""`mlrtui batches`: provider batches (`--batch-api`) sent so far; `--resume` waits for the
open ones and writes their results (also done by the next `judge --batch-api` / `run
--batch-api`). Also the printer the judge and run commands use for a batch-API report."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING

from rich.console import Console

from mlrtui.commands import Context
from mlrtui.commands.options import command_parser
from mlrtui.commands.tables import Col, print_table

if TYPE_CHECKING:
    from mlrtui.services.batch_api import BatchApiReport


def register(sub: argparse._SubParsersAction) -> None:
    p = command_parser(
        sub, "batches", "provider batch-API jobs sent with --batch-api: list them, resume them",
        "mlrtui batches", "mlrtui batches --resume",
        details="A batch is priced at the providers' batch rates (half the live price) and may "
                "take up to\n24 h. --resume waits for the open ones and writes each result "
                "exactly once.")
    p.add_argument("--resume", action="store_true",
                   help="wait for the open batches and write their results")
    p.add_argument("--limit", type=int, default=30, help="rows to list (default 30)")
    p.set_defaults(handler=handle)


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def handle(ctx: Context, args: argparse.Namespace) -> int:
    from mlrtui.services.batch_api import BatchApiService

    if args.resume:
        report = asyncio.run(BatchApiService(ctx.store, ctx.settings, on_line=say).resume())
        if not report.resumed and not report.problems:
            print("no open provider batches")
            return 0
        print_batch_report(report)
        return report.exit_code
    return _list(ctx, args.limit)


def _list(ctx: Context, limit: int) -> int:
    from mlrtui.providers.batchrows import all_batches

    found = all_batches(ctx.store, limit)
    if not found:
        print("no provider batches yet (use --batch-api with judge or run)")
        return 0
    cols = [Col("id", numeric=True), Col("kind", no_wrap=True), Col("model", no_wrap=True),
            Col("provider batch", no_wrap=True), Col("status", no_wrap=True),
            Col("counts", prose=True, min_width=12),
            Col("est. live", numeric=True, optional=True),
            Col("est. batch", numeric=True, optional=True),
            Col("submitted", no_wrap=True, optional=True),
            Col("expires", no_wrap=True, optional=True)]
    money = (lambda v: f"${v:.4f}" if v is not None else "-")
    when = (lambda t: t[:16].replace("T", " ") if t else "-")
    table = [[str(b.id), b.kind, b.model_name, b.provider_batch_id or "-", b.status,
              ", ".join(f"{k} {v}" for k, v in b.counts.items()) or "-",
              money(b.estimate_live_usd), money(b.estimate_batch_usd), when(b.submitted_at),
              when(b.expires_at)] for b in found]
    print_table(Console(), cols, table, title=f"{len(found)} provider batch(es), newest first")
    return 0


def print_batch_report(report: BatchApiReport) -> None:
    """The summary of a batch-API judge or run: what was written, failed, cost and saved."""
    for s in report.savings:
        print(f"estimate {s.line()}")
    if report.resumed:
        print(f"resumed provider batch(es): {', '.join(map(str, report.resumed))}")
    failed = ", ".join(f"{report.total(s)} {s}" for s in ("errored", "expired", "canceled")
                       if report.total(s))
    cost = f"${report.cost_usd:.4f}" if report.cost_usd is not None else "none"
    head = f"batch {report.batch_id}: " if report.batch_id is not None else ""
    made = [f"{report.total('written', k)} {what} written" for k, what in
            (("judge", "reviews"), ("stage", "versions"))
            if report.total("written", k) or report.kind == k]
    print(f"{head}{', '.join(made) or 'nothing written'}"
          + (f", {report.total('unusable')} unusable" if report.total("unusable") else "")
          + (f", {failed} (not written)" if failed else "")
          + f"; cost at batch prices {cost}")
    for c in report.collected:
        for line in c.problems[:20]:
            print(f"  provider batch {c.pb}: {line}")
        if len(c.problems) > 20:
            print(f"  ... and {len(c.problems) - 20} more")
    for line in report.problems:
        print(f"  ! {line}")
    if failed:
        print("  errored or expired requests were not written: run the same command again "
              "(with or without --batch-api) to retry them")
