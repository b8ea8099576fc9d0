"""A DataTable with the house keys: j/k to move, enter (shown in the footer) to open a row."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist


class KeyTable(DataTable):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open", id="table.open",
                tooltip="Open the highlighted row"),
        Binding("j", "cursor_down", "Down", show=False, id="table.down", tooltip="Next row"),
        Binding("k", "cursor_up", "Up", show=False, id="table.up", tooltip="Previous row"),
        Binding("g", "scroll_top", "Top", show=False, id="table.top", tooltip="First row"),
        Binding("G", "scroll_bottom", "Bottom", show=False, id="table.bottom",
                tooltip="Last row"),
    ]

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)

    @property
    def current_key(self) -> str | None:
        """The key of the highlighted row (rows are keyed by DB id), or None when empty."""
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def move_to_key(self, key: str) -> bool:
        """Put the cursor on the row with this key if it is present."""
        try:
            self.move_cursor(row=self.get_row_index(key))
        except RowDoesNotExist:
            return False
        return True
