"""What every mlrtui screen shares: typed access to the App's store and settings, a help guide.

A screen sets `HELP` (markdown, shown by f1 above the key list) and, for a mode screen,
`MODE_TITLE` / `MODE_HELP` which the command palette uses for its "Go to" entry.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable
from typing import TYPE_CHECKING, ClassVar, cast

from textual.css.query import NoMatches
from textual.screen import Screen

if TYPE_CHECKING:
    from textual.widgets import TabbedContent

    from mlrtui.config import Settings
    from mlrtui.store import Store
    from mlrtui.ui.app import MlrtuiApp


class AppScreen(Screen):
    MODE_TITLE: ClassVar[str] = ""
    MODE_HELP: ClassVar[str] = ""

    @property
    def mlr(self) -> MlrtuiApp:
        return cast("MlrtuiApp", self.app)

    @property
    def store(self) -> Store:
        return self.mlr.store

    @property
    def settings(self) -> Settings:
        return self.mlr.settings

    def refresh_data(self) -> None | Awaitable[None]:
        """Called (sync or async) after an import or an edit changed the store: reload here."""

    def on_mount(self) -> None:
        self._seen_version = self.mlr.data_version
        self.watch(self.app, "data_version", self._data_changed, init=False)

    def _data_changed(self, version: int) -> None:
        if version == self._seen_version:
            return      # Textual initialising the App's reactive, not a change: no reload
        self._seen_version = version
        self.call_later(self.refresh_data)


class TabbedScreen(AppScreen):
    """A screen built around one TabbedContent: `tab(...)` actions switch panes, and whichever
    way a pane becomes active its content takes the focus and the footer's keys are refreshed.

    `TAB_ACTIONS` names the panes where an action applies; on any other pane its key is left out
    of the footer and the palette (check_action returns False). A subclass's own check_action
    starts with `if (ok := super().check_action(action, parameters)) is not True: return ok`.
    """

    TAB_ACTIONS: ClassVar[dict[str, tuple[str, ...]]] = {}

    @property
    def active_pane(self) -> str | None:
        from textual.widgets import TabbedContent  # imported when first needed (start-up)

        try:
            return self.query_one(TabbedContent).active or None
        except NoMatches:        # not composed yet, or a screen with nothing to show
            return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        panes = self.TAB_ACTIONS.get(action)
        if panes is None:
            return True
        active = self.active_pane
        return active is None or active in panes

    def action_tab(self, pane_id: str) -> None:
        from textual.widgets import TabbedContent  # here: not needed to show the first screen

        self.query_one(TabbedContent).active = pane_id
        self.focus_pane(pane_id)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.focus_pane(event.pane.id or "")
        self.refresh_bindings()

    def focus_pane(self, pane_id: str) -> None:
        """Give the visible pane's content the focus (keys act on it, not on the tab strip)."""


class LazyMode:
    """A `MODES` entry whose screen module is imported when the mode is first opened, so adding
    an area (and the SDKs its screen imports) does not slow down the start of the app.

    `LazyMode("mlrtui.ui.screens.models:ModelsScreen", "Models", "Configured models")`
    """

    def __init__(self, target: str, title: str, help_text: str = "") -> None:
        self.target = target
        self.MODE_TITLE = title
        self.MODE_HELP = help_text

    def __call__(self) -> Screen:
        module, _, name = self.target.partition(":")
        return getattr(importlib.import_module(module), name)()
