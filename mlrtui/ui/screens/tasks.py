"""The Tasks mode: every task in a table, narrowed as you type, filtered by venue/year/category.

The table never loads task bodies; the highlighted task's category explanation is shown below.
It fits the terminal: the runs and best-score columns are always whole, titles are cut at a word
boundary with an ellipsis, and below NARROW columns venue and year (both in the id) are left out.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.markup import escape
from textual.widgets import DataTable, Header, Input, Static

from mlrtui.kernel.tasks import CATEGORIES
from mlrtui.store.task_index import TaskIndex
from mlrtui.store.tasks import TaskFilter, TaskRow, facets, set_category_override
from mlrtui.ui.screens.base import AppScreen
from mlrtui.ui.widgets.filterbar import TaskFilterBar
from mlrtui.ui.widgets.keyfooter import KeyFooter
from mlrtui.ui.widgets.keytable import KeyTable

AUTOMATIC = "\0automatic"   # the choice that removes an override (None means "cancelled")
TITLE_WIDTH = 52            # the most a title gets, however wide the terminal
TITLE_MIN = 12
NARROW = 100                # below this many columns venue and year are left out
COLUMNS = {"id": "id", "venue": "venue", "year": "year", "category": "category",
           "title": "title", "runs": "runs", "best": "best"}


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def clip_words(text: str, width: int) -> str:
    """Cut at the last word boundary that fits, then an ellipsis; a lone long word is cut."""
    if len(text) <= width:
        return text
    head = text[: width - 1]
    if " " in head.strip():
        head = head[: head.rstrip().rfind(" ")]
    return head.rstrip(" ,;:-–") + "…"


def layout(tasks: list[TaskRow], width: int) -> tuple[list[str], int]:
    """The columns that fit `width` cells and how many cells the title gets."""
    keys = [k for k in COLUMNS if width >= NARROW or k not in ("venue", "year")]
    sizes = {"id": max([2, *(len(t.id) for t in tasks)]), "venue": 7, "year": 4,
             "category": max([8, *(len(t.category) for t in tasks)]),
             "runs": max([4, *(len(str(t.runs)) for t in tasks)]), "best": 4}
    used = sum(sizes[k] + 2 for k in keys if k != "title") + 2 + 2   # title padding, scrollbar
    return keys, max(TITLE_MIN, min(TITLE_WIDTH, width - used))


def explain(task: TaskRow) -> str:
    """One line saying which category applies and which terms decided the classifier."""
    terms = escape(", ".join(f"{t} {c:g}" for t, c in task.category_terms[:6])
                   or "no strong terms")
    if task.category_override:
        return (f"[b]{task.category}[/b] (set by you; the classifier said "
                f"{task.category_auto}: {terms})")
    return f"[b]{task.category}[/b] (classifier: {terms})"


class TasksScreen(AppScreen):
    MODE_TITLE = "Tasks"
    MODE_HELP = "All benchmark tasks: search, filter, open one"
    HELP = """\
### Tasks
Every MLR-Bench task in the database. Type `/` and a few letters of an id or title: the table
narrows at once, and `enter` opens the first match. Pick a venue, year or category with the
filters (`f`, then `tab`). `enter` on a row opens the task: its workshop call, its runs and
the models' ideas side by side.
The line under the table says why a task got its category; `c` overrides it.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: handled before the keys queued behind it reach the table, so text typed
        # or pasted right after `/` lands in the search box.
        Binding("/", "search", "Search", id="tasks.search", priority=True,
                tooltip="Focus the search box; typing narrows the table"),
        Binding("escape", "clear", "Clear", id="tasks.clear",
                tooltip="Clear the search (again: clear the filters)"),
        Binding("f", "filters", "Filters", id="tasks.filters",
                tooltip="Focus the venue filter; tab moves on to year and category"),
        Binding("c", "category", "Category", id="tasks.category",
                tooltip="Override the highlighted task's category"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, TaskRow] = {}      # what the table shows, in its order
        self.index: TaskIndex | None = None     # every task, loaded once; filtered per key
        self._columns: list[str] = []
        self._title_width = 0
        self._fit_width = 0                     # the width columns were fitted to
        self._filter = TaskFilter()

    def compose(self) -> ComposeResult:
        yield Header()
        yield TaskFilterBar(facets(self.store), id="filters")
        yield KeyTable(id="tasks-table")
        yield Static("", id="task-explain")
        yield KeyFooter()

    # The table has the focus from the start: focusing it in on_mount, after Textual had given
    # it to the search box, moved it twice, and each move rebuilt the footer's eight keys.
    AUTO_FOCUS = "#tasks-table"

    def on_mount(self) -> None:
        # After the first refresh: the one inside Textual's start-up batch is never shown, and
        # drawing every row there was wasted (the table is filled before the first frame).
        self.call_after_refresh(self.load, TaskFilter())

    def on_resize(self) -> None:
        if self.is_mounted and self._columns and self._fit_width != self._table_width():
            self.load(self._filter)

    def _table_width(self) -> int:
        return self.query_one(KeyTable).size.width or self.app.size.width

    def load(self, flt: TaskFilter) -> None:
        """Fill the table for a filter, keeping the cursor on the same task when it stays."""
        table = self.query_one(KeyTable)
        keep = table.current_key
        self._filter = flt
        if self.index is None:
            self.index = TaskIndex.load(self.store)
        tasks = self.index.filter(flt)
        # Columns and the title width follow the terminal and every task (not only those
        # shown), so typing a search narrows the table without rebuilding it.
        self._fit_width = self._table_width()
        columns, title_width = layout(list(self.index), self._fit_width)
        if (columns, title_width) != (self._columns, self._title_width):
            table.clear(columns=True)
            for key in columns:
                table.add_column(COLUMNS[key], key=key)
            self._columns, self._title_width = columns, title_width
            self.rows = {}
        self._fill(table, tasks)
        self.rows = {t.id: t for t in tasks}
        if not (keep and keep in self.rows and table.move_to_key(keep)):
            table.move_cursor(row=0)
        self.query_one(TaskFilterBar).set_count(len(tasks), len(self.index))
        self._explain(table.current_key)

    def _fill(self, table: KeyTable, tasks: list[TaskRow]) -> None:
        """Narrowing (typing) removes the rows that went away and widening (deleting) adds the
        missing ones and sorts, when that touches fewer rows than filling the table again:
        every row added is measured by the table, so a rebuild costs per row shown."""
        keys = {t.id for t in tasks}
        shown = self.rows.keys()
        gone = [key for key in shown if key not in keys]
        new = [t for t in tasks if t.id not in shown]
        if shown and not new and len(gone) <= len(tasks):
            for key in gone:
                table.remove_row(key)
            return
        if shown and not gone and len(new) <= len(shown):
            self._add(table, new)
            table.sort("id")
            return
        table.clear()
        self._add(table, tasks)

    def _add(self, table: KeyTable, tasks: list[TaskRow]) -> None:
        for t in tasks:
            cells = {"id": t.id, "venue": t.venue.upper(), "year": str(t.year),
                     "category": t.category, "title": clip_words(t.title, self._title_width),
                     "runs": str(t.runs), "best": _score(t.best_score)}
            table.add_row(*(cells[k] for k in self._columns), key=t.id)

    def refresh_data(self) -> None:
        bar = self.query_one(TaskFilterBar)
        bar.set_facets(facets(self.store))
        self.index, self.rows = None, {}     # counts and scores may have changed: rebuild
        self.load(bar.filter)

    def _explain(self, task_id: str | None) -> None:
        task = self.rows.get(task_id or "")
        text = (f"[b]{task.id}[/b]  {escape(task.title)}\n{explain(task)}" if task
                else "No task matches.")
        self.query_one("#task-explain", Static).update(text)

    def on_task_filter_bar_changed(self, event: TaskFilterBar.Changed) -> None:
        self.load(event.filter)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._explain(event.row_key.value)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.mlr.open_task(event.row_key.value)

    def on_input_submitted(self) -> None:
        """Enter in the search box opens the highlighted (first) match, as in a picker."""
        table = self.query_one(KeyTable)
        self.set_focus(table)
        if table.current_key:
            self.mlr.open_task(table.current_key)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "category" and not self.rows:
            return None
        # a `/` typed in a text field is text
        return not (action == "search" and isinstance(self.focused, Input))

    def action_search(self) -> None:
        self.query_one(TaskFilterBar).focus_search()

    def action_filters(self) -> None:
        for select in self.query("#filter-venue"):   # none in the moment before they mount
            self.set_focus(select)

    def action_clear(self) -> None:
        bar = self.query_one(TaskFilterBar)
        if not bar.clear_search():
            bar.reset()
        self.query_one(KeyTable).focus()

    def action_category(self) -> None:
        from mlrtui.ui.modals import ChoiceScreen  # here: the modals cost 0.1 s at start-up

        task = self.rows.get(self.query_one(KeyTable).current_key or "")
        if task is None:
            return
        options = [(f"Automatic ({task.category_auto})", AUTOMATIC)] + [(c, c) for c in CATEGORIES]
        current = task.category_override or AUTOMATIC

        def chosen(value: str | None) -> None:
            if value is None:
                return
            try:
                set_category_override(self.store, task.id, None if value == AUTOMATIC else value)
            except (KeyError, ValueError) as exc:
                self.notify(f"Category not changed: {exc}", severity="error")
                return
            self.mlr.data_changed()

        self.app.push_screen(ChoiceScreen(f"Category of {task.id}", options, current), chosen)
