"""What an experiment left behind: the workspace files as a tree, every execution (command, exit
code, duration, status, reason, stdout/stderr) and which figures results.md can show.

The screen passes the rows from the core services (`workspace.list_files`,
`executor.list_executions`) and a loader for file contents; nothing here queries the store.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.widgets import DataTable, Static, TextArea, Tree

from mlrtui.ui.widgets.keytable import KeyTable

PREVIEW_BYTES = 64 * 1024

ContentLoader = Callable[[int], bytes | None]


def size_text(size: int | None) -> str:
    if size is None:
        return "?"
    for unit in ("B", "kB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return ""


def execution_text(row: dict) -> str:
    """One execution as the output pane shows it."""
    duration = row.get("duration_s")
    head = (f"$ {row['command']}\nstatus {row['status']} · exit code {row['exit_code']} · "
            f"{'?' if duration is None else f'{duration:.2f}s'} · executor {row['executor']}")
    if row.get("reason"):
        head += f"\nreason: {row['reason']}"
    return (f"{head}\n\n--- stdout\n{_cut(row.get('stdout'))}\n"
            f"--- stderr\n{_cut(row.get('stderr'))}")


def _cut(text: str | None) -> str:
    """At most PREVIEW_BYTES of an output stream: a TextArea of megabytes freezes the console."""
    if not text:
        return "(empty)"
    if len(text) <= PREVIEW_BYTES:
        return text
    return (text[:PREVIEW_BYTES] + f"\n[... cut: showing {size_text(PREVIEW_BYTES)} of "
            f"{size_text(len(text))} ...]")


def file_text(row: dict, data: bytes | None) -> str:
    head = f"{row['path']} · {row['kind']} · {size_text(row.get('size'))}\n\n"
    if data is None:
        return head + "(content not stored and the file is gone)"
    if row["kind"] == "figure" or b"\0" in data[:1024]:
        return head + f"(binary, {len(data)} bytes)"
    text = data[:PREVIEW_BYTES].decode("utf-8", "replace")
    cut = "\n[... cut ...]" if len(data) > PREVIEW_BYTES else ""
    return head + text + cut


def figures_line(figures: list[str], results: str | None) -> str:
    if results is None:
        return "No results.md yet: run the experiment stage."
    if not figures:
        return "results.md (Output tab) · no figures among the workspace files."
    marks = [f"{'✓' if PurePosixPath(f).name in results else '·'} {f}" for f in figures]
    return ("results.md (Output tab) · figures (✓ referenced in results.md): "
            + "  ".join(marks))


class ExperimentPanel(Vertical):
    DEFAULT_CSS = """
    ExperimentPanel { height: 1fr; }
    ExperimentPanel #exp-top { height: 1fr; }
    ExperimentPanel #exp-files { width: 36; height: 1fr; margin-right: 1; }
    ExperimentPanel #file-tree { height: 1fr; background: $surface; }
    ExperimentPanel #exp-right { width: 1fr; height: 1fr; }
    ExperimentPanel #exec-table { height: auto; max-height: 7; }
    ExperimentPanel .exp-title { height: 1; padding: 0 1; background: $boost; }
    ExperimentPanel #exp-output { height: 1fr; }
    ExperimentPanel #exp-figures { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.files: list[dict] = []
        self.executions: list[dict] = []
        self.loader: ContentLoader = lambda _id: None

    def compose(self) -> ComposeResult:
        with Horizontal(id="exp-top"):
            with Vertical(id="exp-files"):
                yield Static("Workspace files", id="files-title", classes="exp-title")
                yield Tree("workspace", id="file-tree")
            with Vertical(id="exp-right"):
                yield Static("Executions", id="exec-title", classes="exp-title")
                yield KeyTable(id="exec-table")
                yield Static("", id="output-title", classes="exp-title")
                yield TextArea("", read_only=True, soft_wrap=True, id="exp-output")
        yield Static("", id="exp-figures")

    def on_mount(self) -> None:
        self.query_one("#exec-table", KeyTable).add_columns(
            "#", "status", "exit", "duration", "command", "reason")

    def show(self, files: list[dict], executions: list[dict], figures: list[str],
             results: str | None, loader: ContentLoader) -> None:
        self.files, self.executions, self.loader = files, executions, loader
        self._fill_tree(files)
        table = self.query_one("#exec-table", KeyTable)
        table.clear()
        for i, row in enumerate(executions, 1):
            duration = row.get("duration_s")
            table.add_row(str(i), row["status"], "–" if row["exit_code"] is None
                          else str(row["exit_code"]),
                          "–" if duration is None else f"{duration:.2f}s",
                          row["command"][:40], (row.get("reason") or "")[:40],
                          key=str(row["id"]))
        self.query_one("#exec-title", Static).update(
            f"Executions ({len(executions)}) · enter or highlight shows the output")
        self.query_one("#exp-figures", Static).update(escape(figures_line(figures, results)))
        if executions:
            self._show_execution(executions[-1])
            table.move_cursor(row=len(executions) - 1)
        else:
            self._show("Output", "No executions recorded for this run yet.")

    def _fill_tree(self, files: list[dict]) -> None:
        tree = self.query_one("#file-tree", Tree)
        tree.clear()
        tree.root.expand()
        folders = {"": tree.root}
        for row in files:
            parts = PurePosixPath(row["path"]).parts
            for depth in range(1, len(parts)):
                key = "/".join(parts[:depth])
                if key not in folders:
                    parent = folders["/".join(parts[: depth - 1])]
                    folders[key] = parent.add(parts[depth - 1] + "/", expand=True)
            parent = folders["/".join(parts[:-1])]
            parent.add_leaf(f"{parts[-1]}  {size_text(row.get('size'))}", data=row)
        self.query_one("#files-title", Static).update(f"Workspace files ({len(files)})")

    def _show(self, title: str, text: str) -> None:
        self.query_one("#output-title", Static).update(escape(title))
        self.query_one("#exp-output", TextArea).load_text(text)

    def _show_execution(self, row: dict) -> None:
        number = next((i for i, r in enumerate(self.executions, 1) if r["id"] == row["id"]), 0)
        self._show(f"Execution {number}: {row['status']}", execution_text(row))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        row = next((r for r in self.executions if str(r["id"]) == event.row_key.value), None)
        if row is not None:
            self._show_execution(row)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        event.stop()
        row = event.node.data
        if isinstance(row, dict):
            self._show(f"File {row['path']}", file_text(row, self.loader(row["id"])))
