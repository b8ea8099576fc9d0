"""`mlrtui import PATH`: load an MLR-Bench checkout, with a progress bar and a summary table.

Exit 0 even when some files had problems (each is listed, one line); exit 2 when PATH is not
an MLR-Bench checkout or the database cannot be opened.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from mlrtui.commands import Context
from mlrtui.commands.tables import Col, print_table
from mlrtui.importer import KINDS, ImportSummary
from mlrtui.services.importing import ImportService, check_corpus


class RichProgress:
    """ProgressSink drawing a rich bar on stderr; problems are listed after the bar."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn(),
                                 TextColumn("{task.fields[detail]}"), console=console,
                                 transient=False)
        self.task_id = None

    def start(self, total: int, description: str = "") -> None:
        self.progress.start()
        self.task_id = self.progress.add_task(description or "Importing", total=total,
                                              detail="")

    def advance(self, n: int = 1, detail: str = "") -> None:
        if self.task_id is not None:
            self.progress.update(self.task_id, advance=n, detail=detail[-48:])

    def problem(self, path: str, message: str) -> None:
        """Shown in the summary at the end, not under the bar."""

    def finish(self) -> None:
        if self.task_id is not None:
            self.progress.update(self.task_id, detail="done")
        self.progress.stop()


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import an MLR-Bench checkout (tasks, outputs, reviews)")
    p.add_argument("path", type=Path, help="the MLR-Bench checkout (folder with tasks/)")
    p.add_argument("--db", type=Path, default=argparse.SUPPRESS,
                   help="SQLite database file (same as the global --db)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON, no bar")
    p.set_defaults(handler=handle)


def handle(ctx: Context, args: argparse.Namespace) -> int:
    check_corpus(args.path)
    store = ctx.store
    sink = None if args.json else RichProgress(Console(stderr=True))
    summary = ImportService(store, progress=sink).run(args.path)
    if args.json:
        sys.stdout.write(json.dumps({
            "import_id": summary.import_id, "elapsed_s": summary.elapsed_s,
            "added": summary.counts, "found": summary.seen,
            "problems": [{"path": p, "problem": m} for p, m in summary.problems]}) + "\n")
        return 0
    print_summary(Console(), summary, store.path)
    return 0


def print_summary(console: Console, summary: ImportSummary, db: Path) -> None:
    rows = [[kind, str(n), "" if summary.counts.get(kind) is None
             else str(summary.counts[kind])] for kind, n in summary.seen.items()]
    rows += [[f"{kind} rows", "", str(summary.counts.get(kind, 0))]
             for kind in KINDS if kind != "tasks"]
    print_table(console, [Col("kind", min_width=20, prose=True), Col("found", numeric=True),
                          Col("added", numeric=True)], rows,
                sections=[len(summary.seen) - 1],
                title=f"Import #{summary.import_id} into {db} ({summary.elapsed_s:.1f} s)")
    total = summary.added
    console.print(f"{total} rows added" + ("" if total else " (everything was already there)"))
    if summary.problems:
        console.print(f"[bold]{len(summary.problems)} problems[/bold] (handled; nothing aborted):")
        for line in summary.problem_lines():
            console.print(line, markup=False, highlight=False, soft_wrap=True)
    else:
        console.print("no problems")
