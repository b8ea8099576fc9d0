"""A failure with details: the text is selectable and can be copied (harlequin's ErrorModal)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, TextArea


class ErrorScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="error.close", tooltip="Close this message"),
        Binding("c", "copy", "Copy", id="error.copy", tooltip="Copy the details to the clipboard"),
    ]

    def __init__(self, title: str, details: str) -> None:
        super().__init__(classes="modal")
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
            self.dismiss(None)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.details)
        self.notify("Copied to the clipboard")
