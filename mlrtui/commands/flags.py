"""`mlrtui flags`: the hallucination flag queue, decisions with notes, judge precision."""

from __future__ import annotations

import argparse

from rich.console import Console

from mlrtui.commands import Context, Fatal
from mlrtui.commands.options import (
    add_json,
    command_parser,
    emit_lines,
    emit_object,
    require_tasks,
)
from mlrtui.commands.tables import Col, print_table
from mlrtui.judge import flags as fl
from mlrtui.judge.reply import FLAG_TYPES
from mlrtui.kernel.sanitize import terminal_safe as safe

# Flag types as the list shows them (the full names are in the legend and in --json).
SHORT_TYPES = {"nonexistent_citation": "citation", "hallucinated_methodology": "method",
               "math_error": "math", "faked_results": "results"}


def register(sub: argparse._SubParsersAction) -> None:
    p = command_parser(sub, "flags", "review hallucination flags and each judge's precision",
                       "mlrtui flags list --status open",
                       "mlrtui flags confirm 7 --note 'no such paper'",
                       details="Flags are raised by hallucination judges (or imported); a person "
                               "confirms or dismisses\neach, and precision = confirmed / decided.")
    s = p.add_subparsers(dest="flags_command", metavar="WHAT", required=True)
    ls = command_parser(s, "list", "flags with filters, open first",
                        "mlrtui flags list --type nonexistent_citation --json")
    ls.add_argument("--type", choices=list(FLAG_TYPES), help="only this type of flag")
    ls.add_argument("--status", choices=list(fl.STATUSES), help="only flags in this state")
    ls.add_argument("--run", type=int, metavar="ID", help="only flags on this run")
    ls.add_argument("--task", metavar="TASK", help="only flags on this task id")
    ls.add_argument("--source", metavar="JUDGE", help="judge model that raised the flag")
    ls.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")
    add_json(ls)
    ls.set_defaults(handler=handle_list)
    sh = command_parser(s, "show", "a flag with its evidence in context", "mlrtui flags show 7")
    sh.add_argument("id", type=int, help="flag id (from `mlrtui flags list`)")
    add_json(sh, record=True)
    sh.set_defaults(handler=handle_show)
    for verb, status in (("confirm", "confirmed"), ("dismiss", "dismissed"), ("reopen", "open")):
        d = command_parser(s, verb, f"mark a flag {status}, with a note",
                           f"mlrtui flags {verb} 7 --note 'checked the reference list'")
        d.add_argument("id", type=int, help="flag id (from `mlrtui flags list`)")
        d.add_argument("--note", help="why (kept with the decision)")
        d.set_defaults(handler=handle_decide, status=status)
    pr = command_parser(s, "precision", "each judge's precision on decided flags",
                        "mlrtui flags precision --json")
    add_json(pr)
    pr.set_defaults(handler=handle_precision)


def handle_list(ctx: Context, args: argparse.Namespace) -> int:
    require_tasks(ctx, [args.task] if args.task else None)
    found = fl.list_flags(ctx.store, fl.FlagFilter(type=args.type, status=args.status,
                                                   run_id=args.run, source=args.source,
                                                   task_id=args.task), limit=args.limit)
    if args.json:
        emit_lines({"id": f.id, "run": f.run_id, "version": f.version_id, "type": f.type,
                    "source": f.source, "status": f.status, "linked": f.linked,
                    "task": f.task_id, "stage": f.stage, "review": f.review_id,
                    "description": f.description, "evidence": f.evidence, "note": f.note}
                   for f in found)
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
    if args.json:
        emit_object(flag.model_dump() | {"evidence_line": where.line})
        return 0
    print(safe(f"flag {flag.id} [{flag.status}] {flag.type} raised by {flag.source} on "
               f"{flag.task_id} / {flag.target_model} ({flag.stage} version {flag.version_id})"))
    print(safe(f"description: {flag.description}"))
    print(safe(f"evidence: {flag.evidence}"))
    if flag.note:
        print(safe(f"note: {flag.note}"))
    print(safe(f"where: {where.where}"))
    if where.line is None:
        return 0
    lines = where.text.splitlines()
    lo, hi = max(0, where.line - 4), min(len(lines), where.line + 3)
    for n in range(lo, hi):
        mark = ">" if n + 1 == where.line else " "
        print(f"{mark}{n + 1:5d} | {safe(lines[n])}")
    return 0


def handle_decide(ctx: Context, args: argparse.Namespace) -> int:
    try:
        flag = fl.decide(ctx.store, args.id, args.status, args.note)
    except fl.FlagError as exc:
        raise Fatal(str(exc)) from None
    print(safe(f"flag {flag.id}: {flag.status}" + (f" ({flag.note})" if flag.note else "")))
    return 0


def handle_precision(ctx: Context, args: argparse.Namespace) -> int:
    rows = fl.precision(ctx.store)
    if args.json:
        emit_lines(r.model_dump() for r in rows)
        return 0
    columns = [Col("judge", min_width=12), *[Col(c, numeric=True) for c in
                                              ("flags", "confirmed", "dismissed", "open",
                                               "precision")]]
    print_table(Console(), columns, [
        [r.source, str(r.flags), str(r.confirmed), str(r.dismissed), str(r.open),
         "-" if r.precision is None else f"{r.precision:.2f}"] for r in rows],
        title="judge precision on flags (confirmed / decided)")
    return 0
