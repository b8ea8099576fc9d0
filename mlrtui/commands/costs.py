"""`mlrtui costs`: spending from the ledger by task, run, stage, model or day; `costs reprice`."""

from __future__ import annotations

import argparse

from rich.console import Console

from mlrtui.commands import Context
from mlrtui.commands.options import (
    add_json,
    command_parser,
    emit_lines,
    emit_object,
    require_tasks,
)
from mlrtui.commands.tables import Col, print_table
from mlrtui.costs.summary import GROUPS, CostLine, failed_attempts, summarize, totals
from mlrtui.kernel.sanitize import terminal_safe as safe
from mlrtui.providers.ledger import reprice


def register(sub: argparse._SubParsersAction) -> None:
    p = command_parser(
        sub, "costs", "LLM spending from the ledger by task, run, stage, model, day or purpose",
        "mlrtui costs --by task", "mlrtui costs --run 12 --failures", "mlrtui costs reprice",
        details="Each logical call counts once however many attempts it took; calls with no "
                "known\nprice are counted as unpriced, never as $0. --json prints one line per "
                "group (\"kind\": \"group\"),\nthen the total (\"kind\": \"total\"), then with "
                "--failures each failed attempt\n(\"kind\": \"failure\").")
    p.add_argument("--by", choices=list(GROUPS), default="model",
                   help="what to group by (default: model)")
    p.add_argument("--run", type=int, metavar="ID", help="only this run")
    p.add_argument("--batch", type=int, metavar="ID", help="only this batch")
    p.add_argument("--task", metavar="TASK", help="only this task id")
    p.add_argument("--failures", action="store_true", help="also list recent failed attempts")
    add_json(p)
    inner = p.add_subparsers(dest="costs_cmd", metavar="ACTION")
    rp = command_parser(inner, "reprice", "recompute the cost of old calls with current prices",
                        "mlrtui costs reprice",
                        details="Uses genai-prices and the config's [models.NAME.price] "
                                "overrides.")
    add_json(rp, record=True)
    p.set_defaults(handler=handle)


def handle(ctx: Context, args: argparse.Namespace) -> int:
    if getattr(args, "costs_cmd", None) == "reprice":
        report = reprice(ctx.store, ctx.settings)
        if args.json:
            emit_object({"rows": report.rows, "changed": report.changed,
                         "unpriced": report.unpriced})
            return 0
        print(f"repriced {report.rows} calls: {report.changed} changed, "
              f"{report.unpriced} unpriced")
        return 0
    require_tasks(ctx, [args.task] if args.task else None)
    scope = {"run_id": args.run, "batch_id": args.batch, "task_id": args.task}
    lines = summarize(ctx.store, args.by, **scope)
    total = totals(ctx.store, **scope)
    if args.json:
        emit_lines([*({"kind": "group", "by": args.by, **line.as_dict()} for line in lines),
                    {"kind": "total", "by": args.by, **total.as_dict(), "key": None}])
        if args.failures:
            emit_lines({"kind": "failure", **row}
                       for row in failed_attempts(ctx.store, run_id=args.run))
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
