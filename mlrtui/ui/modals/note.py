"""Confirm or dismiss a flag with an optional note; dismisses with the note ('' for none) or
None when cancelled."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label

from mlrtui.ui.modals.dialogs import FieldModal


class NoteScreen(FieldModal[str]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Cancel", id="note.cancel", tooltip="Close without deciding"),
    ]
    SUBMIT = "decide"

    def __init__(self, title: str, action: str, note: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.action_label = action
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Label("Note (why; kept with the decision, may be empty):")
            yield Input(self.note, placeholder="e.g. the citation exists: checked the venue",
                        id="note-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.action_label, id="decide", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#note-text", Input).focus()

    def submit(self) -> None:
        self.close(self.query_one("#note-text", Input).value.strip())
