"""The Tasks screen's search box and venue / year / category pickers, as one TaskFilter."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Label, Select

from mlrtui.store.tasks import TaskFilter


class TaskFilterBar(Horizontal):
    DEFAULT_CSS = """
    TaskFilterBar { height: 3; }
    TaskFilterBar Input { width: 1fr; min-width: 20; }
    TaskFilterBar Select { width: 18; }
    TaskFilterBar #filter-category { width: 26; }
    TaskFilterBar #filter-count { width: auto; padding: 1 1 0 1; color: $text-muted; }
    """

    class Changed(Message):
        """The filter changed; `filter` is the whole current filter."""

        def __init__(self, flt: TaskFilter) -> None:
            super().__init__()
            self.filter = flt

    def __init__(self, facets: dict[str, list[Any]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.facets = facets

    def compose(self) -> ComposeResult:
        yield Input(placeholder="/ search id or title", id="filter-search")
        yield Select(self._options("venue"), prompt="venue", id="filter-venue",
                     tooltip="Only tasks of this venue")
        yield Select(self._options("year"), prompt="year", id="filter-year",
                     tooltip="Only tasks of this year")
        yield Select(self._options("category"), prompt="category", id="filter-category",
                     tooltip="Only tasks of this topic category (override or classifier)")
        yield Label("", id="filter-count")

    def _options(self, name: str) -> list[tuple[str, Any]]:
        values = self.facets.get(name, [])
        return [(str(v).upper() if name == "venue" else str(v), v) for v in values]

    def set_facets(self, facets: dict[str, list[Any]]) -> None:
        """New venues or years after an import; keeps a selection that still exists."""
        self.facets = facets
        for name in ("venue", "year", "category"):
            select = self.query_one(f"#filter-{name}", Select)
            value = select.value
            select.set_options(self._options(name))
            if value in facets.get(name, []):
                select.value = value

    @property
    def filter(self) -> TaskFilter:
        def value(name: str) -> Any:
            v = self.query_one(f"#filter-{name}", Select).value
            return None if v is Select.NULL else v

        search = self.query_one("#filter-search", Input).value.strip()
        return TaskFilter(venue=value("venue"), year=value("year"), category=value("category"),
                          search=search or None)

    def set_count(self, shown: int, total: int) -> None:
        self.query_one("#filter-count", Label).update(f"{shown} of {total} tasks")

    def focus_search(self) -> None:
        """Focus at once (not on the next tick): keys typed right after `/` are search text."""
        self.screen.set_focus(self.query_one("#filter-search", Input))

    def clear_search(self) -> bool:
        """Empty the search box; False when it was already empty."""
        field = self.query_one("#filter-search", Input)
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
