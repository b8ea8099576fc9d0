"""Pick one value from a short list (a category, an upstream version)."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from mlrtui.ui.modals.base import Modal


class ChoiceScreen(Modal[Any]):
    """Dismisses with the chosen value, or None on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Cancel", id="choice.cancel",
                tooltip="Close without choosing"),
        Binding("j", "move(1)", "Down", show=False, id="choice.down", tooltip="Next option"),
        Binding("k", "move(-1)", "Up", show=False, id="choice.up", tooltip="Previous option"),
        # Enter typed before the list has focus (the dialog just opened) still chooses
        Binding("enter", "choose", "Choose", show=False, id="choice.choose",
                tooltip="Choose the highlighted option"),
    ]

    def __init__(self, title: str, options: list[tuple[str, Any]], current: Any = None) -> None:
        super().__init__()
        self.title_text = title
        self.values = [value for _, value in options]
        self.labels = [label for label, _ in options]
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            options = OptionList(*(Option(label, id=str(i))
                                   for i, label in enumerate(self.labels)), id="choices")
            # highlighted before it is shown: a key pressed at once picks the current value
            if self.current in self.values:
                options.highlighted = self.values.index(self.current)
            yield options

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def action_choose(self) -> None:
        options = self.query(OptionList)
        if options:
            options.first().action_select()
        else:                                   # not composed yet: once it is
            self.call_after_refresh(self.action_choose)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.close(self.values[event.option_index])

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()
