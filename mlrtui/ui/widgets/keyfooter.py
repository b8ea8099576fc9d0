"""Textual's Footer, with its keys built once the first frame is out, and then rebuilt once
however many times the bindings changed before a refresh.

Why: the Footer rebuilds all its keys (one widget each) on every change of the bindings, and
at start-up the focus, the screen's resume and the terminal's focus-in each changed them: the
Tasks screen's eight keys were built three times before its first frame (~40 ms of cpu).
Textual's own Footer in a bare app shows its keys only after its first frame as well.
`refresh(recompose=True)` asks Textual for one rebuild at the next refresh.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

from mlrtui.ui import after_first_frame

if TYPE_CHECKING:
    from textual.screen import Screen


class KeyFooter(Footer):
    _started = False        # the first frame is out: rebuild on changes from now on
    _waiting = False        # a first build is scheduled

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True          # as Footer.bindings_changed (Textual 8.2)
        if not screen.app.app_focus or not (self.is_attached and screen is self.screen):
            return
        if self._started:
            self.refresh(recompose=True)
        elif not self._waiting:
            self._waiting = True
            after_first_frame(self, self._first_build)

    def _first_build(self) -> None:
        self._started = True
        self.refresh(recompose=True)
