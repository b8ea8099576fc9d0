"""The Tasks mode: every task in a table, narrowed as you type, filtered by venue/year/category.

The table never loads task bodies; the highlighted task's category explanation is shown below.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.markup import escape
from textual.widgets import DataTable, Footer, Header, Input, Static

from mlrtui.kernel.tasks import CATEGORIES
from mlrtui.store.task_index import TaskIndex
from mlrtui.store.tasks import TaskFilter, TaskRow, facets, set_category_override
from mlrtui.ui.screens.base import AppScreen
from mlrtui.ui.widgets.filterbar import TaskFilterBar
from mlrtui.ui.widgets.keytable import KeyTable

AUTOMATIC = "\0automatic"   # the choice that removes an override (None means "cancelled")
TITLE_WIDTH = 52


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


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

    def compose(self) -> ComposeResult:
        yield Header()
        yield TaskFilterBar(facets(self.store), id="filters")
        yield KeyTable(id="tasks-table")
        yield Static("", id="task-explain")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(KeyTable)
        self._id_column = table.add_columns("id", "venue", "year", "category", "title", "runs",
                                            "best")[0]
        self.load(TaskFilter())
        table.focus()

    def load(self, flt: TaskFilter) -> None:
        """Fill the table for a filter, keeping the cursor on the same task when it stays."""
        table = self.query_one(KeyTable)
        keep = table.current_key
        if self.index is None:
            self.index = TaskIndex.load(self.store)
        tasks = self.index.filter(flt)
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
            table.sort(self._id_column)
            return
        table.clear()
        self._add(table, tasks)

    @staticmethod
    def _add(table: KeyTable, tasks: list[TaskRow]) -> None:
        for t in tasks:
            table.add_row(t.id, t.venue.upper(), str(t.year), t.category,
                          _clip(t.title, TITLE_WIDTH), str(t.runs), _score(t.best_score),
                          key=t.id)

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
        self.set_focus(self.query_one("#filter-venue"))

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
