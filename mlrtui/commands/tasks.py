"""`mlrtui tasks`: list tasks with filters, for scripts (`--json`) and people (a table)."""

from __future__ import annotations

import argparse
from dataclasses import asdict

from rich.console import Console

from mlrtui.commands import Context, Fatal
from mlrtui.commands.options import add_json, command_parser, emit_lines
from mlrtui.commands.tables import Col, print_table
from mlrtui.kernel.tasks import CATEGORIES
from mlrtui.store.tasks import TaskFilter, list_tasks, set_category_override


def register(sub: argparse._SubParsersAction) -> None:
    p = command_parser(sub, "tasks", "list tasks, filtered by venue, year, category or words",
                       "mlrtui tasks --venue iclr --year 2025 --category 'Trustworthy AI'",
                       "mlrtui tasks --set-category iclr2025_bi_align auto",
                       details="The example tasks are loaded on first start; `mlrtui import` "
                               "adds the benchmark's.")
    p.add_argument("--venue", help="e.g. iclr, icml, neurips")
    p.add_argument("--year", type=int, help="e.g. 2025")
    p.add_argument("--category", help="one of: " + ", ".join(CATEGORIES))
    p.add_argument("--search", help="words that must appear in the id or title")
    add_json(p)
    p.add_argument("--explain", action="store_true", help="show which terms chose the category")
    p.add_argument("--set-category", nargs=2, metavar=("TASK", "CATEGORY"),
                   help="override a task's category ('auto' removes the override)")
    p.set_defaults(handler=handle)


def handle(ctx: Context, args: argparse.Namespace) -> int:
    if args.category and args.category not in CATEGORIES:
        raise Fatal(f"unknown category {args.category!r}; one of: {', '.join(CATEGORIES)}")
    if args.set_category:
        task_id, category = args.set_category
        try:
            set_category_override(ctx.store, task_id, None if category == "auto" else category)
        except (KeyError, ValueError) as exc:
            raise Fatal(f"--set-category: {exc}") from None
        print(f"{task_id}: category {'cleared' if category == 'auto' else category}")
        return 0
    rows = list_tasks(ctx.store, TaskFilter(venue=args.venue, year=args.year,
                                            category=args.category, search=args.search))
    if args.json:
        emit_lines({k: v for k, v in asdict(r).items() if k != "body"} for r in rows)
        return 0
    columns = [Col("id", min_width=18), Col("venue", no_wrap=True, optional=True),
               Col("year", numeric=True, optional=True),
               Col("category", min_width=12, prose=True), Col("title", min_width=18, prose=True),
               Col("runs", numeric=True), Col("best", numeric=True)]
    cells = []
    for r in rows:
        cat = r.category + (" *" if r.category_override else "")
        if args.explain:
            cat += "\n" + ", ".join(t for t, _ in r.category_terms[:4])
        best = f"{r.best_score:.2f}" if r.best_score is not None else "-"
        cells.append([r.id, r.venue, str(r.year), cat, r.title, str(r.runs), best])
    notes = ["* = category set by hand"] if any(r.category_override for r in rows) else []
    print_table(Console(), columns, cells, title=f"{len(rows)} tasks", notes=notes)
    return 0
