"""A failure with details: the text is selectable and can be copied (harlequin's ErrorModal)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, TextArea

from mlrtui.ui.modals.base import Modal


def describe(error: BaseException) -> str:
    """Our own errors carry a one-line message naming the file; others need their type too."""
    if type(error).__module__.startswith("mlrtui."):
        return str(error)
    return f"{type(error).__name__}: {error}"


class ErrorScreen(Modal[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="error.close", tooltip="Close this message"),
        Binding("c", "copy", "Copy", id="error.copy", tooltip="Copy the details to the clipboard"),
    ]

    def __init__(self, title: str, details: str) -> None:
        super().__init__()
        self.title_text = title
        self.details = details

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -error"):
            yield Label(self.title_text, classes="dialog-title")
            yield TextArea(self.details, read_only=True, soft_wrap=True, id="error-details")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Copy", id="copy")
                yield Button("Close", id="close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "copy":
            self.action_copy()
        else:
            self.close(None)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.details)
        self.notify("Copied to the clipboard")
