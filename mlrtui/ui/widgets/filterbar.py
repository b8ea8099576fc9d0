"""The Tasks screen's search box and venue / year / category pickers, as one TaskFilter."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.widgets import Label

from mlrtui.store.tasks import TaskFilter
from mlrtui.ui.widgets.facetbar import FacetFilterBar


class TaskFilterBar(FacetFilterBar):
    DEFAULT_CSS = """
    TaskFilterBar { height: 3; }
    TaskFilterBar Input { width: 1fr; min-width: 16; }
    TaskFilterBar Select { width: 13; }
    TaskFilterBar #filter-category { width: 22; }
    TaskFilterBar .facets { width: 48; }  /* the three Selects, mounted after the first paint */
    TaskFilterBar #filter-count { width: auto; padding: 1 1 0 1; color: $text-muted; }
    """
    PREFIX = "filter"
    FACETS = ("venue", "year", "category")
    TOOLTIPS: ClassVar[dict[str, str]] = {
        "venue": "Only tasks of this venue", "year": "Only tasks of this year",
        "category": "Only tasks of this topic category (override or classifier)"}
    PLACEHOLDER = "/ search id or title"
    DEFER_FACETS = True

    class Changed(FacetFilterBar.Changed):
        """The filter changed; `filter` is the whole current TaskFilter."""

        filter: TaskFilter

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield Label("", id="filter-count")

    def label(self, name: str, value: Any) -> str:
        return str(value).upper() if name == "venue" else str(value)

    def set_facets(self, facets: dict[str, list[Any]]) -> None:
        """New venues or years after an import; keeps a selection that still exists."""
        self.facets = facets
        for name in self.FACETS:
            self._refill(name)

    @property
    def filter(self) -> TaskFilter:
        return TaskFilter(venue=self.facet_value("venue"), year=self.facet_value("year"),
                          category=self.facet_value("category"), search=self.search_text)

    def set_count(self, shown: int, total: int) -> None:
        self.query_one("#filter-count", Label).update(f"{shown} of {total} tasks")
