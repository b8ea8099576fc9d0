"""The Costs screen's task search and model / stage / status pickers, as one CallFilter."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Select

from mlrtui.core.costs import CallFilter

FACETS = ("model", "stage", "status")


class LedgerFilterBar(Horizontal):
    DEFAULT_CSS = """
    LedgerFilterBar { height: 3; }
    LedgerFilterBar Input { width: 1fr; min-width: 20; }
    LedgerFilterBar Select { width: 24; }
    LedgerFilterBar #ledger-status { width: 16; }
    """

    class Changed(Message):
        """The filter changed; `filter` is the whole current filter."""

        def __init__(self, flt: CallFilter) -> None:
            super().__init__()
            self.filter = flt

    def __init__(self, facets: dict[str, list[str]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.facets = facets

    def compose(self) -> ComposeResult:
        yield Input(placeholder="/ search task id", id="ledger-search")
        tips = {"model": "Only calls to this model", "stage": "Only calls for this stage",
                "status": "Only ok, cached or failed attempts"}
        for name in FACETS:
            yield Select(self._options(name), prompt=name, id=f"ledger-{name}",
                         tooltip=tips[name])

    def _options(self, name: str) -> list[tuple[str, str]]:
        return [(v, v) for v in self.facets.get(name, [])]

    def set_facets(self, facets: dict[str, list[str]]) -> None:
        """New models or stages in the ledger; keeps a selection that still exists."""
        if facets == self.facets:
            return
        self.facets = facets
        for name in FACETS:
            select = self.query_one(f"#ledger-{name}", Select)
            value = select.value
            with select.prevent(Select.Changed):
                select.set_options(self._options(name))
                if value in facets.get(name, []):
                    select.value = value

    @property
    def filter(self) -> CallFilter:
        def value(name: str) -> str | None:
            v = self.query_one(f"#ledger-{name}", Select).value
            return None if v is Select.NULL else str(v)

        search = self.query_one("#ledger-search", Input).value.strip()
        return CallFilter(model=value("model"), stage=value("stage"), status=value("status"),
                          task=search or None)

    def set_status(self, status: str | None) -> None:
        select = self.query_one("#ledger-status", Select)
        if status is None:
            select.clear()
        elif status in self.facets.get("status", []):
            select.value = status

    def focus_search(self) -> None:
        """Focus at once (not on the next tick): keys typed right after `/` are search text."""
        self.screen.set_focus(self.query_one("#ledger-search", Input))

    def clear_search(self) -> bool:
        """Empty the search box; False when it was already empty."""
        field = self.query_one("#ledger-search", Input)
        if not field.value:
            return False
        field.value = ""
        return True

    def reset(self) -> None:
        self.clear_search()
        for select in self.query(Select):
            select.clear()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self.filter))

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self.filter))
