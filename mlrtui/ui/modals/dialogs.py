"""Two dialog shapes several modals share.

`CopyTextModal`: read-only text to read, select or copy whole, with Copy and Close buttons
(the error modal, a judge's raw reply). `FieldModal`: one input field; Enter or the primary
button submits it, any other button cancels (a budget cap, an import path).
"""

from __future__ import annotations

from typing import ClassVar, Generic

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, TextArea

from mlrtui.ui.modals.base import Modal, ResultT


class CopyTextModal(Modal[None]):
    COPIED: ClassVar[str] = "Copied to the clipboard"

    def __init__(self, text: str) -> None:
        super().__init__()
        self.copy_text = text

    def text_and_buttons(self, text_id: str) -> ComposeResult:
        """The text area and the button row; `compose` puts its own parts above them."""
        yield TextArea(self.copy_text, read_only=True, soft_wrap=True, id=text_id)
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
        self.app.copy_to_clipboard(self.copy_text)
        self.notify(self.COPIED)


class FieldModal(Modal[ResultT], Generic[ResultT]):
    SUBMIT: ClassVar[str]              # id of the button that submits the field

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == self.SUBMIT:
            self.submit()
        else:
            self.close(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.submit()

    def submit(self) -> None:
        """Check the field: close with its value, or mark it `-error` and say why."""
        raise NotImplementedError
