"""Corpus import dialogs: ask for a path, show the import job's progress, then the summary.

The progress dialog watches the App's job registry: the job (the import service's progress
sink, in a thread) posts `Job.Changed`, throttled, so a 15,000-file import does not flood the
message queue.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Label, ProgressBar, TextArea

from mlrtui.ui.jobs import Job
from mlrtui.ui.modals.base import Modal
from mlrtui.ui.modals.dialogs import FieldModal

if TYPE_CHECKING:
    from mlrtui.importer import ImportSummary
    from mlrtui.ui.jobs.importing import ImportJob


class ImportPathScreen(FieldModal[Path | None]):
    """Asks for an MLR-Bench checkout; dismisses with an existing folder or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Cancel", id="import.cancel_path",
                tooltip="Close without importing")]
    SUBMIT = "start"

    def __init__(self, default: str = "") -> None:
        super().__init__()
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Import MLR-Bench corpus", classes="dialog-title")
            yield Label("Path of a checkout of the MLR-Bench release (tasks/, agent_results/, …)")
            yield Input(self.default, placeholder="path/to/mlrbench", id="import-path")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Import", id="start", variant="primary")
                yield Button("Cancel", id="cancel")

    def submit(self) -> None:
        field = self.query_one("#import-path", Input)
        path = Path(field.value.strip()).expanduser()
        if not field.value.strip() or not path.is_dir():
            field.add_class("-error")
            self.notify(f"{path}: not a folder", severity="error")
            return
        self.close(path.resolve())


class ImportProgressScreen(Modal[None]):
    """Progress of a running import job; it closes itself when the job ends."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "stop", "Stop", id="import.stop",
                        tooltip="Stop after the current file; what is imported stays")]

    def __init__(self, job: ImportJob) -> None:
        super().__init__()
        self.job = job
        self.closes_with = job         # the registry closes this dialog when the job ends
        self.path = job.path

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Importing {self.path}", classes="dialog-title")
            yield Label("Scanning…", id="import-stage")
            yield ProgressBar(total=None, show_eta=False, id="import-bar")
            yield Label("", id="import-detail")
            yield Label("0 problems", id="import-problems")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Stop", id="stop", variant="error")

    def on_mount(self) -> None:
        self.app.jobs.watch(self)
        self._show()

    def on_unmount(self) -> None:
        self.app.jobs.unwatch(self)

    def on_job_changed(self, event: Job.Changed) -> None:
        if event.job is not self.job:
            return
        if event.what != "end":
            self._show()

    def _show(self) -> None:
        job = self.job
        bar = self.query_one("#import-bar", ProgressBar)
        bar.update(total=job.total or None, progress=job.done)
        if job.stop.is_set():
            self.query_one("#import-stage", Label).update("Stopping after the current file…")
        elif job.total:
            self.query_one("#import-stage", Label).update(job.description or "Importing")
        self.query_one("#import-detail", Label).update(job.last)
        n = len(job.problems)
        self.query_one("#import-problems", Label).update(f"{n} problem{'s' if n != 1 else ''}")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_stop()

    def action_stop(self) -> None:
        self.job.cancel()


class ImportSummaryScreen(Modal[None]):
    """Counts per kind (found and added) and every problem, one line each, copyable."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "close", "Close", id="import.close",
                tooltip="Close the summary")]

    def __init__(self, summary: ImportSummary) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        s = self.summary
        head = ("Import stopped (run it again to complete it)" if s.stopped
                else "Import finished")
        n = len(s.problems)
        with Vertical(classes="dialog -wide -summary"):
            yield Label(f"{head} in {s.elapsed_s:.1f} s · {s.added:,} rows added · "
                        f"{n} problem{'s' if n != 1 else ''}", classes="dialog-title")
            with Horizontal(id="summary-tables"):
                yield self._table("found in the corpus", s.seen, "summary-found")
                added = {k: n for k, n in s.counts.items() if n}   # kinds with nothing: no row
                yield self._table("rows added", added or {"(nothing new)": 0},
                                  "summary-added")
            yield Label("Problems, one line each (select to copy):" if n else "No problems.")
            yield TextArea("\n".join(s.problem_lines()),
                           read_only=True, id="summary-problems")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", id="close", variant="primary")

    @staticmethod
    def _table(title: str, counts: dict[str, int], table_id: str) -> DataTable:
        table: DataTable = DataTable(id=table_id, cursor_type="none", zebra_stripes=True)
        table.add_column(title, key="kind")
        table.add_column(Text("count", justify="right"), key="count")
        for kind, n in counts.items():
            table.add_row(kind.replace("_", " "), Text(f"{n:,}", justify="right"))
        return table

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.close(None)
