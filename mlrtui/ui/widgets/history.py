"""A stage's versions (newest first) with authors and times, and a coloured diff of two of them.

`space` marks a version; with two marked, their diff shows. Otherwise the highlighted version is
compared with the one before it (what that version changed). The screen gives the versions
(attributes down); opening or restoring a version goes up as messages.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, RichLog, Static

from mlrtui.runs import versions as V
from mlrtui.ui.names import model_label
from mlrtui.ui.widgets.keytable import KeyTable

STYLES = (("+++", "bold"), ("---", "bold"), ("@@", "bold cyan"), ("+", "green"), ("-", "red"))


def diff_text(diff: str) -> Text:
    """A unified diff with added lines green, removed red and hunk heads cyan."""
    out = Text()
    for line in diff.splitlines():
        style = next((s for prefix, s in STYLES if line.startswith(prefix)), "")
        out.append(line + "\n", style=style)
    return out


class HistoryTable(KeyTable):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "mark", "Mark for diff", id="history.mark",
                tooltip="Mark or unmark this version; two marked versions are diffed"),
    ]

    def action_mark(self) -> None:
        key = self.current_key
        if key is not None:
            self.post_message(VersionHistory.MarkToggled(int(key)))


class VersionHistory(Vertical):
    DEFAULT_CSS = """
    VersionHistory { height: 1fr; }
    VersionHistory #history-table { height: auto; max-height: 9; }
    VersionHistory #diff-title { height: 1; padding: 0 1; background: $boost; }
    VersionHistory #diff { height: 1fr; background: $surface; }
    """

    class MarkToggled(Message):
        def __init__(self, version_id: int) -> None:
            super().__init__()
            self.version_id = version_id

    class Open(Message):
        """Open a version in the viewer."""

        def __init__(self, version_id: int) -> None:
            super().__init__()
            self.version_id = version_id

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.versions: list[V.Version] = []
        self.marked: list[int] = []

    def compose(self) -> ComposeResult:
        yield HistoryTable(id="history-table")
        yield Static("", id="diff-title")
        yield RichLog(wrap=False, auto_scroll=False, id="diff")

    def on_mount(self) -> None:
        self.table.add_columns("", "version", "author", "created", "state", "note", "chars")

    @property
    def table(self) -> HistoryTable:
        return self.query_one(HistoryTable)

    @property
    def highlighted(self) -> V.Version | None:
        key = self.table.current_key
        return next((v for v in self.versions if str(v.id) == key), None)

    def show(self, versions: list[V.Version]) -> None:
        keep = self.table.current_key
        self.versions = versions
        self.marked = [m for m in self.marked if any(v.id == m for v in versions)]
        table = self.table
        table.clear()
        for v in versions:
            state = (("current" if v.current else "") + (" stale" if v.stale else "")
                     + (" truncated" if v.truncated else ""))
            table.add_row("●" if v.id in self.marked else "", f"v{v.id}",
                          model_label(self.app, v.author),
                          v.created_at[:16].replace("T", " "), state.strip() or "older",
                          (v.note or "")[:40], str(len(v.text)), key=str(v.id))
        if keep is not None:
            table.move_to_key(keep)
        self.show_diff()

    def on_version_history_mark_toggled(self, event: MarkToggled) -> None:
        event.stop()
        if event.version_id in self.marked:
            self.marked.remove(event.version_id)
        else:
            self.marked = [*self.marked, event.version_id][-2:]
        self.show(self.versions)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if len(self.marked) < 2:
            self.show_diff()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(self.Open(int(event.row_key.value)))

    def pair(self) -> tuple[V.Version, V.Version] | None:
        """The two versions to compare, older first."""
        by_id = {v.id: v for v in self.versions}
        if len(self.marked) == 2:
            a, b = sorted(self.marked)
            return by_id[a], by_id[b]
        v = self.highlighted
        older = [o for o in self.versions if v is not None and o.id < v.id]
        return (older[0], v) if v is not None and older else None

    def show_diff(self) -> None:
        log = self.query_one("#diff", RichLog)
        title = self.query_one("#diff-title", Static)
        log.clear()
        pair = self.pair()
        if pair is None:
            title.update("No earlier version to compare with · space marks two versions to diff")
            return
        a, b = pair
        how = "marked" if len(self.marked) == 2 else "highlighted vs. the one before"
        title.update(f"diff v{a.id} ({a.author}) → v{b.id} ({b.author}) · {how} · "
                     "space marks, enter opens")
        text = V.diff(a, b)
        log.write(diff_text(text) if text else Text("The two versions are identical."),
                  scroll_end=False)
