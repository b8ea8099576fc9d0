"""The yardstick for console start-up: a bare Textual app showing an N-row DataTable.

It does the least any console showing the task table must do (import Textual, build a
header, a table of N rows with the tasks screen's seven columns, a count line and a footer) and
nothing else: no settings, no database, no SQL. `bench/tui_startup.py` starts it in the same
tmux terminal as `mlrtui` and waits for the same " N of N tasks" text.

Usage: python bench/bare_table.py [N]     (default 205 rows; ctrl+q quits)
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header, Label

COLUMNS = ("id", "venue", "year", "category", "title", "runs", "best")


class BareTable(App[None]):
    """Header, a DataTable of `rows` synthetic rows, the count line, a footer."""

    CSS = "DataTable { height: 1fr; } #count { height: 1; }"

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(f" {self.rows} of {self.rows} tasks", id="count")
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        for i in range(self.rows):
            table.add_row(f"venue{2020 + i % 6}_task_{i:03d}", "VENUE", str(2020 + i % 6),
                          "category", f"A synthetic workshop title number {i}", str(i % 8),
                          f"{(i % 10) / 2:.2f}", key=str(i))
        table.focus()


if __name__ == "__main__":
    BareTable(int(sys.argv[1]) if len(sys.argv) > 1 else 205).run()
