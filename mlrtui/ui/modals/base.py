"""Modal screens that close at most once.

Keys typed quickly (a double Enter, a paste) queue several Selected / Pressed / Submitted
messages on a modal; the second would dismiss the screen below it. `close` ignores them once
the modal is no longer the active screen.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from textual.screen import ModalScreen

ResultT = TypeVar("ResultT")


class Modal(ModalScreen[ResultT], Generic[ResultT]):
    def __init__(self) -> None:
        super().__init__(classes="modal")

    def close(self, result: ResultT | None = None) -> None:
        if self.is_active:
            self.dismiss(result)

    def action_close(self) -> None:
        self.close(None)
