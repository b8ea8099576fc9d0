"""`mlrtui costs`: spending from the ledger by task, run, stage, model or day; `costs reprice`."""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console
from rich.table import Table

from mlrtui.commands import Context
from mlrtui.core.costs import GROUPS, failed_attempts, reprice, summarize, totals


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("costs", help="LLM spending by task, run, stage, model or day")
    p.add_argument("--by", choices=list(GROUPS), default="model")
    p.add_argument("--run", type=int, help="only this run")
    p.add_argument("--batch", type=int, help="only this batch")
    p.add_argument("--task", help="only this task")
    p.add_argument("--failures", action="store_true", help="also list recent failed attempts")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    inner = p.add_subparsers(dest="costs_cmd", metavar="ACTION")
    inner.add_parser("reprice", help="recompute the cost of old calls with current prices")
    p.set_defaults(handler=handle)


def handle(ctx: Context, args: argparse.Namespace) -> int:
    if getattr(args, "costs_cmd", None) == "reprice":
        report = reprice(ctx.store, ctx.settings)
        print(f"repriced {report.rows} calls: {report.changed} changed, "
              f"{report.unpriced} unpriced")
        return 0
    scope = {"run_id": args.run, "batch_id": args.batch, "task_id": args.task}
    lines = summarize(ctx.store, args.by, **scope)
    total = totals(ctx.store, **scope)
    if args.json:
        out = {"by": args.by, "lines": [line.as_dict() for line in lines],
               "total": total.as_dict()}
        if args.failures:
            out["failures"] = failed_attempts(ctx.store, run_id=args.run)
        sys.stdout.write(json.dumps(out) + "\n")
        return 0
    table = Table(title=f"LLM costs by {args.by}")
    for col in (args.by, "calls", "cached", "tokens in", "tokens out", "cost", "failed attempts"):
        table.add_column(col, justify="left" if col == args.by else "right", no_wrap=True)
    for line in [*lines, total]:
        table.add_row(str(line.key if line.key is not None else "-"), str(line.calls),
                      str(line.cached), f"{line.input_tokens:,}", f"{line.output_tokens:,}",
                      line.cost_label, str(line.failed_attempts),
                      style="bold" if line is total else None)
    console = Console()
    console.print(table)
    if args.failures:
        for row in failed_attempts(ctx.store, run_id=args.run):
            console.print(f"{row['created_at']}  {row['model']}  attempt {row['attempt']}: "
                          f"{row['error']}", markup=False)
    return 0
