"""A failure with details: the text is selectable and can be copied (harlequin's ErrorModal)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label

from mlrtui.ui.modals.dialogs import CopyTextModal


def describe(error: BaseException) -> str:
    """Our own errors carry a one-line message naming the file; others need their type too."""
    if type(error).__module__.startswith("mlrtui."):
        return str(error)
    return f"{type(error).__name__}: {error}"


class ErrorScreen(CopyTextModal):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="error.close", tooltip="Close this message"),
        Binding("c", "copy", "Copy", id="error.copy", tooltip="Copy the details to the clipboard"),
    ]

    def __init__(self, title: str, details: str) -> None:
        super().__init__(details)
        self.title_text = title
        self.details = details

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -error"):
            yield Label(self.title_text, classes="dialog-title")
            yield from self.text_and_buttons("error-details")
