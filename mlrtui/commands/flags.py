"""`mlrtui flags`: the hallucination flag queue, decisions with notes, judge precision."""

from __future__ import annotations

import argparse
import json

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mlrtui.commands import Context, Fatal
from mlrtui.core import flags as fl
from mlrtui.core.judgereply import FLAG_TYPES


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("flags", help="review hallucination flags and judge precision")
    s = p.add_subparsers(dest="flags_command", metavar="WHAT", required=True)
    ls = s.add_parser("list", help="flags with filters, open first")
    ls.add_argument("--type", choices=list(FLAG_TYPES))
    ls.add_argument("--status", choices=list(fl.STATUSES))
    ls.add_argument("--run", type=int)
    ls.add_argument("--task")
    ls.add_argument("--source", help="judge model that raised the flag")
    ls.add_argument("--limit", type=int, default=100)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=handle_list)
    sh = s.add_parser("show", help="a flag with its evidence in context")
    sh.add_argument("id", type=int)
    sh.set_defaults(handler=handle_show)
    for verb, status in (("confirm", "confirmed"), ("dismiss", "dismissed"), ("reopen", "open")):
        d = s.add_parser(verb, help=f"mark a flag {status}")
        d.add_argument("id", type=int)
        d.add_argument("--note", help="why (kept with the decision)")
        d.set_defaults(handler=handle_decide, status=status)
    pr = s.add_parser("precision", help="each judge's precision on decided flags")
    pr.add_argument("--json", action="store_true")
    pr.set_defaults(handler=handle_precision)


def handle_list(ctx: Context, args: argparse.Namespace) -> int:
    found = fl.list_flags(ctx.store, fl.FlagFilter(type=args.type, status=args.status,
                                                   run_id=args.run, source=args.source,
                                                   task_id=args.task), limit=args.limit)
    if args.json:
        for f in found:
            print(json.dumps(f.model_dump()))
        return 0
    table = Table(title=f"{len(found)} flag(s)")
    for col in ("id", "status", "type", "task / model", "run", "judge", "description"):
        table.add_column(col)
    for f in found:
        table.add_row(str(f.id), f.status, f.type, escape(f"{f.task_id} / {f.target_model}"),
                      str(f.run_id or "-"), f.source, escape(f.description[:120]))
    Console().print(table)
    return 0


def handle_show(ctx: Context, args: argparse.Namespace) -> int:
    try:
        flag = fl.get_flag(ctx.store, args.id)
        where = fl.evidence_context(ctx.store, args.id)
    except fl.FlagError as exc:
        raise Fatal(str(exc)) from None
    print(f"flag {flag.id} [{flag.status}] {flag.type} raised by {flag.source} on "
          f"{flag.task_id} / {flag.target_model} ({flag.stage} version {flag.version_id})")
    print(f"description: {flag.description}")
    print(f"evidence: {flag.evidence}")
    if flag.note:
        print(f"note: {flag.note}")
    if where.line is None:
        print("(evidence not found verbatim in the flagged version)")
        return 0
    lines = where.text.splitlines()
    lo, hi = max(0, where.line - 4), min(len(lines), where.line + 3)
    for n in range(lo, hi):
        mark = ">" if n + 1 == where.line else " "
        print(f"{mark}{n + 1:5d} | {lines[n]}")
    return 0


def handle_decide(ctx: Context, args: argparse.Namespace) -> int:
    try:
        flag = fl.decide(ctx.store, args.id, args.status, args.note)
    except fl.FlagError as exc:
        raise Fatal(str(exc)) from None
    print(f"flag {flag.id}: {flag.status}" + (f" ({flag.note})" if flag.note else ""))
    return 0


def handle_precision(ctx: Context, args: argparse.Namespace) -> int:
    rows = fl.precision(ctx.store)
    if args.json:
        print(json.dumps([r.model_dump() for r in rows], indent=1))
        return 0
    table = Table(title="judge precision on flags (confirmed / decided)")
    for col in ("judge", "flags", "confirmed", "dismissed", "open", "precision"):
        table.add_column(col, justify="left" if col == "judge" else "right")
    for r in rows:
        table.add_row(r.source, str(r.flags), str(r.confirmed), str(r.dismissed), str(r.open),
                      "-" if r.precision is None else f"{r.precision:.2f}")
    Console().print(table)
    return 0
