"""The Costs screen's task search and model / stage / status pickers, as one CallFilter."""

from __future__ import annotations

from typing import ClassVar

from textual.widgets import Select

from mlrtui.costs.summary import CallFilter
from mlrtui.ui.widgets.facetbar import FacetFilterBar


class LedgerFilterBar(FacetFilterBar):
    DEFAULT_CSS = """
    LedgerFilterBar { height: 3; }
    LedgerFilterBar Input { width: 1fr; min-width: 20; }
    LedgerFilterBar Select { width: 24; }
    LedgerFilterBar #ledger-status { width: 16; }
    """
    PREFIX = "ledger"
    FACETS = ("model", "stage", "status")
    TOOLTIPS: ClassVar[dict[str, str]] = {
        "model": "Only calls to this model", "stage": "Only calls for this stage",
        "status": "Only ok, cached or failed attempts"}
    PLACEHOLDER = "/ search task id"

    class Changed(FacetFilterBar.Changed):
        """The filter changed; `filter` is the whole current CallFilter."""

        filter: CallFilter

    def set_facets(self, facets: dict[str, list[str]]) -> None:
        """New models or stages in the ledger; keeps a selection that still exists, quietly."""
        if facets == self.facets:
            return
        self.facets = facets
        for name in self.FACETS:
            with self.facet_select(name).prevent(Select.Changed):
                self._refill(name)

    @property
    def filter(self) -> CallFilter:
        def value(name: str) -> str | None:
            v = self.facet_value(name)
            return None if v is None else str(v)

        return CallFilter(model=value("model"), stage=value("stage"), status=value("status"),
                          task=self.search_text)

    def set_status(self, status: str | None) -> None:
        select = self.facet_select("status")
        if status is None:
            select.clear()
        elif status in self.facets.get("status", []):
            select.value = status
