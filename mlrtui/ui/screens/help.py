"""f1: the current screen's guide and its keys (read from its live bindings, so it never lies)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Label, Markdown

from mlrtui.ui.modals.base import Modal

GENERAL = """\
`ctrl+p` opens the command palette (every screen and action), `escape` goes back and
`ctrl+q` quits. Remap any key by its id in the `[keymap]` table of config.toml,
e.g. `"tasks.search" = "s"`.
"""


def key_rows(screen: Screen) -> list[tuple[str, str, str]]:
    """(key, what it does, binding id) for the screen's active bindings that carry an id."""
    rows, seen = [], set()
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.id or binding.id in seen:
            continue
        seen.add(binding.id)
        text = binding.tooltip or binding.description
        if not active.enabled:
            text += " (not available here)"
        rows.append((screen.app.get_key_display(binding), text, binding.id))
    return rows


class HelpScreen(Modal[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "close", "Close", id="help.close", tooltip="Close the help")]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.guide = screen.HELP or ""
        self.keys = key_rows(screen)
        self.screen_name = getattr(screen, "MODE_TITLE", "") or screen.sub_title or "mlrtui"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -wide"):
            yield Label(f"Help · {self.screen_name}", classes="dialog-title")
            with VerticalScroll(id="help-body"):
                yield Markdown(self.guide, id="help-guide")
                table: DataTable = DataTable(id="help-keys", cursor_type="none",
                                             zebra_stripes=True)
                table.add_columns("key", "does", "id")
                table.add_rows(self.keys)
                yield table
                yield Markdown(GENERAL, id="help-general")
