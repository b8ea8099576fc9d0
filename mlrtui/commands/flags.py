"""`mlrtui flags`: the hallucination flag queue, decisions with notes, judge precision."""

from __future__ import annotations

import argparse
import json

from rich.console import Console

from mlrtui.commands import Context, Fatal
from mlrtui.commands.tables import Col, print_table
from mlrtui.judge import flags as fl
from mlrtui.judge.reply import FLAG_TYPES

# Flag types as the list shows them (the full names are in the legend and in --json).
SHORT_TYPES = {"nonexistent_citation": "citation", "hallucinated_methodology": "method",
               "math_error": "math", "faked_results": "results"}


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
            print(json.dumps({"id": f.id, "run": f.run_id, "version": f.version_id,
                              "type": f.type, "source": f.source, "status": f.status,
                              "linked": f.linked, "task": f.task_id, "stage": f.stage,
                              "review": f.review_id, "description": f.description,
                              "evidence": f.evidence, "note": f.note}, ensure_ascii=False))
        return 0
    columns = [Col("id", numeric=True), Col("status", no_wrap=True),
               Col("type", no_wrap=True), Col("task / model, run, judge", min_width=14),
               Col("description", min_width=20, prose=True)]
    rows = [[str(f.id), f.status if f.linked else f"{f.status}\nunlinked", SHORT_TYPES.get(f.type, f.type),
             f"{f.task_id or '-'} / {f.target_model or '-'}\nrun {f.run_id or '-'}, {f.source}",
             f.description[:160]] for f in found]
    used = [t for t in SHORT_TYPES if any(f.type == t for f in found)]
    notes = ["type: " + "; ".join(f"{SHORT_TYPES[t]} = {t}" for t in used)] if used else []
    print_table(Console(), columns, rows, title=f"{len(found)} flag(s)", notes=notes)
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
    print(f"where: {where.where}")
    if where.line is None:
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
    columns = [Col("judge", min_width=12), *[Col(c, numeric=True) for c in
                                              ("flags", "confirmed", "dismissed", "open",
                                               "precision")]]
    print_table(Console(), columns, [
        [r.source, str(r.flags), str(r.confirmed), str(r.dismissed), str(r.open),
         "-" if r.precision is None else f"{r.precision:.2f}"] for r in rows],
        title="judge precision on flags (confirmed / decided)")
    return 0
