"""`mlrtui costs`: spending from the ledger by task, run, stage, model or day; `costs reprice`."""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console

from mlrtui.commands import Context
from mlrtui.commands.tables import Col, print_table
from mlrtui.costs.summary import GROUPS, CostLine, failed_attempts, reprice, summarize, totals
from mlrtui.kernel.sanitize import terminal_safe as safe


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
    columns = [Col(args.by, min_width=12), Col("calls", numeric=True),
               Col("cached", "cache", "calls served from the cache", numeric=True,
                   optional=True),
               Col("tokens in", "tok in", "input tokens", numeric=True),
               Col("tokens out", "tok out", "output tokens", numeric=True),
               Col("cost", numeric=True),
               Col("unpriced", "unpr", "calls with no known price (not in cost)", numeric=True,
                   optional=True),
               Col("failed", "fail", "failed attempts", numeric=True, optional=True)]
    rows = [[str(line.key if line.key is not None else "-"), str(line.calls), str(line.cached),
             f"{line.input_tokens:,}", f"{line.output_tokens:,}", _cost(line),
             str(line.unpriced), str(line.failed_attempts)] for line in [*lines, total]]
    console = Console()
    print_table(console, columns, rows, title=f"LLM costs by {args.by}",
                row_styles=[None] * len(lines) + ["bold"])
    if args.failures:
        for row in failed_attempts(ctx.store, run_id=args.run):
            console.print(f"{row['created_at']}  {row['model']}  attempt {row['attempt']}: "
                          f"{safe(row['error'] or '')}", markup=False)
    return 0


def _cost(line: CostLine) -> str:
    """USD of the priced calls; unpriced calls are counted in their own column, never as $0."""
    if line.calls and line.unpriced == line.calls:
        return "unpriced"
    return f"${line.cost_usd:.4f}"
