"""What the Tasks and Costs filter bars share: a search box, one Select per facet, and one
`Changed` message carrying the whole filter whenever any of them changes.

A subclass names its widget-id prefix, its facets and their tooltips, builds its filter from
`facet_value` and `search_text`, and declares its own `Changed(FacetFilterBar.Changed)` so the
screen's handler is named after the subclass (`on_task_filter_bar_changed`, ...).

`DEFER_FACETS` (the Tasks screen, the console's first): the Selects are mounted just after the
first frame (`ui.after_first_frame`), into a `.facets` box the subclass's CSS sizes to their
widths (so nothing moves). Each Select brings a hidden option list, and composing, styling
and drawing three of them was ~40 ms of cpu before the table could show; until they are
there, every facet reads as "any".
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.message import Message
from textual.widgets import Input, Select

from mlrtui.ui import after_first_frame


class FacetFilterBar(Horizontal):
    PREFIX: ClassVar[str]                      # widget ids: #<prefix>-search, #<prefix>-<facet>
    FACETS: ClassVar[tuple[str, ...]]
    TOOLTIPS: ClassVar[dict[str, str]]
    PLACEHOLDER: ClassVar[str]
    DEFER_FACETS: ClassVar[bool] = False

    class Changed(Message):
        """The filter changed; `filter` is the whole current filter."""

        def __init__(self, flt: Any) -> None:
            super().__init__()
            self.filter = flt

    def __init__(self, facets: dict[str, list[Any]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.facets = facets

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self.PLACEHOLDER, id=f"{self.PREFIX}-search")
        if self.DEFER_FACETS:
            yield Horizontal(classes="facets")
        else:
            yield from self._selects()

    def on_mount(self) -> None:
        if self.DEFER_FACETS:
            after_first_frame(self, self._mount_facets)

    def _mount_facets(self) -> None:
        self.query_one(".facets", Horizontal).mount_all(self._selects())

    def _selects(self) -> list[Select]:
        return [Select(self._options(name), prompt=name, id=f"{self.PREFIX}-{name}",
                       tooltip=self.TOOLTIPS[name]) for name in self.FACETS]

    @property
    def facets_shown(self) -> bool:
        """False only in the moment before deferred Selects are mounted."""
        return bool(self.query(Select))

    def label(self, name: str, value: Any) -> str:
        """How a facet's value reads in its Select."""
        return str(value)

    def _options(self, name: str) -> list[tuple[str, Any]]:
        return [(self.label(name, v), v) for v in self.facets.get(name, [])]

    def facet_select(self, name: str) -> Select:
        return self.query_one(f"#{self.PREFIX}-{name}", Select)

    def _refill(self, name: str) -> None:
        """New options for one facet from `self.facets`; keeps a selection that still exists."""
        if not self.facets_shown:
            return          # mounted later, from `self.facets`
        select = self.facet_select(name)
        value = select.value
        select.set_options(self._options(name))
        if value in self.facets.get(name, []):
            select.value = value

    def facet_value(self, name: str) -> Any:
        """The chosen value of a facet, None for any (also before deferred Selects are there)."""
        try:
            value = self.facet_select(name).value
        except NoMatches:
            return None
        return None if value is Select.NULL else value

    @property
    def search_text(self) -> str | None:
        return self._search().value.strip() or None

    def _search(self) -> Input:
        return self.query_one(f"#{self.PREFIX}-search", Input)

    def focus_search(self) -> None:
        """Focus at once (not on the next tick): keys typed right after `/` are search text."""
        self.screen.set_focus(self._search())

    def clear_search(self) -> bool:
        """Empty the search box; False when it was already empty."""
        field = self._search()
        if not field.value:
            return False
        field.value = ""
        return True

    def reset(self) -> None:
        self.clear_search()
        for select in self.walk_children(Select):
            select.clear()

    @property
    def filter(self) -> Any:
        raise NotImplementedError

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self.filter))

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self.filter))
