"""The Costs mode: the ledger (every attempt of every call) with filters, totals by task, model
or stage, budget use per run and batch, spend per day as a plot, and re-pricing.

A call whose model has no known price is "unpriced", never $0; failed attempts stay visible
(red in the ledger, counted apart in the totals) but never add to the cost.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Input, Static
from textual.worker import Worker, WorkerState, get_current_worker

from mlrtui.costs.calls import CallRow, LedgerView, call_facets, cost_text, ledger_view
from mlrtui.costs.summary import CallFilter, RepriceReport
from mlrtui.providers.ledger import reprice
from mlrtui.ui.modals.error import describe
from mlrtui.ui.screens.base import AppScreen
from mlrtui.ui.widgets.ledger_filter import LedgerFilterBar
from mlrtui.ui.widgets.ledger_tables import LedgerTable, TotalsTable
from mlrtui.ui.widgets.spend import BudgetBars, SpendPlot

GROUPINGS = ("task", "model", "stage")
LIMIT = 500


class CostsScreen(AppScreen):
    CSS_PATH = Path(__file__).parents[1] / "costs.tcss"   # loaded with the screen
    MODE_TITLE = "Costs"
    MODE_HELP = "LLM spending: the ledger, totals, budgets, spend per day; re-price"
    HELP = """\
### Costs
Every attempt of every LLM call (the ledger), newest first. `/` searches task ids; `f`
focuses the model / stage / status filters; `e` shows only failed attempts. The totals below
follow the same filters; `b` groups them by task, model or stage. A logical call counts once
however many attempts it took; failed attempts are counted apart and cost nothing.
A model with no known price is shown as **unpriced**, never as $0 (give it a `price` in
config.toml, then `p` re-prices old calls). The bars show spend against each recent run's
and batch's budget cap; the plot shows USD per day. `enter` opens the stage version a call
produced.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("/", "search", "Search", id="costs.search", priority=True,
                tooltip="Focus the task search; typing narrows the ledger"),
        Binding("escape", "clear", "Clear", id="costs.clear",
                tooltip="Clear the search (again: clear the filters)"),
        Binding("f", "filters", "Filters", id="costs.filters",
                tooltip="Focus the model filter; tab moves on to stage and status"),
        Binding("e", "failures", "Failures", id="costs.failures",
                tooltip="Show only failed attempts (again: every attempt)"),
        Binding("b", "group", "Group by", id="costs.group",
                tooltip="Group the totals by task, then model, then stage"),
        Binding("p", "reprice", "Re-price", id="costs.reprice",
                tooltip="Recompute old calls' costs with current prices and config overrides"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.group = GROUPINGS[0]
        self.rows: dict[str, CallRow] = {}
        self.repricing = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield LedgerFilterBar(call_facets(self.store), id="ledger-filters")
        yield Static("", id="costs-summary")
        yield LedgerTable(id="ledger")
        yield Static("", id="ledger-detail")
        with Horizontal(id="costs-bottom"):
            yield TotalsTable(id="totals")
            with Vertical(id="costs-side"):
                yield BudgetBars(id="budget-bars")
                yield SpendPlot(id="spend-plot")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Costs"
        self.load()
        self.query_one(LedgerTable).focus()

    @property
    def filter(self) -> CallFilter:
        return self.query_one(LedgerFilterBar).filter

    def load(self, flt: CallFilter | None = None, facets: bool = False) -> None:
        """Reload every part for a filter; the queries run in a thread, the newest load wins."""
        self._fetch(flt or self.filter, self.group, facets)

    @work(thread=True, exclusive=True, exit_on_error=False, group="costs-load",
          description="Load the ledger")
    def _fetch(self, flt: CallFilter, group: str, facets: bool) -> None:
        self.store.reap()               # in-flight calls of a process killed elsewhere
        choices = call_facets(self.store) if facets else None
        view = ledger_view(self.store, self.settings, flt, group, LIMIT)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._fill, view, group, choices)

    def _fill(self, view: LedgerView, group: str, facets: dict[str, list[str]] | None) -> None:
        if facets is not None:
            self.query_one(LedgerFilterBar).set_facets(facets)
        self.rows = {str(r.id): r for r in view.rows}
        self.query_one(LedgerTable).show(view.rows)
        shown, total = len(view.rows), view.total
        summary = (f"{view.matching:,} attempts" if shown == view.matching
                   else f"newest {shown:,} of {view.matching:,} attempts")
        summary += (f" · {total.calls:,} calls · "
                    f"{cost_text(total.calls, total.unpriced, total.cost_usd)} · "
                    f"{total.failed_attempts:,} failed attempts")
        self.query_one("#costs-summary", Static).update(summary)
        self.query_one(TotalsTable).show(group, view.groups, total)
        self.query_one(BudgetBars).show(view.budgets)
        self.query_one(SpendPlot).show(view.days)
        self._detail()

    def refresh_data(self) -> None:
        self.load(facets=True)

    def _detail(self) -> None:
        row = self.rows.get(self.query_one(LedgerTable).current_key or "")
        text = ""
        if row is not None:
            links = [f"{k} {v}" for k, v in (("run", row.run_id), ("version", row.version_id))
                     if v is not None]
            head = f"call {row.id} · {row.provider} · attempt {row.attempt}"
            if links:
                head += " · " + " · ".join(links)
            if row.status == "error":
                text = f"{head} · failed: {' '.join((row.error or '').split())}"
            elif row.cost_label == "unpriced":
                text = f"{head} · no price known for {row.model}: counted, not summed"
            else:
                text = f"{head} · price from {row.price_source or '?'}"
        self.query_one("#ledger-detail", Static).update(text)
        self.query_one("#ledger-detail").set_class(row is not None and row.status == "error",
                                                   "-error")

    def on_ledger_filter_bar_changed(self, event: LedgerFilterBar.Changed) -> None:
        self.load(event.filter)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        row = self.rows.get(event.row_key.value or "")
        if row is None:
            return
        if row.version_id is None:
            self.notify("This call is not linked to a stage version.", severity="warning")
            return
        self.mlr.open_version(row.version_id)

    def on_input_submitted(self) -> None:
        self.query_one(LedgerTable).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "search" and isinstance(self.focused, Input):
            return False       # a `/` typed in a text field is text
        if action == "reprice" and self.repricing:
            return None
        return True

    def action_search(self) -> None:
        self.query_one(LedgerFilterBar).focus_search()

    def action_filters(self) -> None:
        self.set_focus(self.query_one("#ledger-model"))

    def action_clear(self) -> None:
        bar = self.query_one(LedgerFilterBar)
        if not bar.clear_search():
            bar.reset()
        self.query_one(LedgerTable).focus()

    def action_failures(self) -> None:
        bar = self.query_one(LedgerFilterBar)
        if bar.filter.status == "error":
            bar.set_status(None)
        elif "error" in bar.facets.get("status", []):
            bar.set_status("error")
        else:
            self.notify("No failed attempts in the ledger.")

    def action_group(self) -> None:
        self.group = GROUPINGS[(GROUPINGS.index(self.group) + 1) % len(GROUPINGS)]
        self.load()

    def action_reprice(self) -> None:
        self.repricing = True
        self.refresh_bindings()
        self._reprice()

    @work(thread=True, exit_on_error=False, group="reprice", description="Re-price the ledger")
    def _reprice(self) -> RepriceReport:
        return reprice(self.store, self.settings)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker, state = event.worker, event.state
        if state == WorkerState.ERROR and worker.group == "costs-load":
            self.notify(f"Cannot read the ledger: {describe(worker.error)}", severity="error")
        if worker.group != "reprice" or state not in (WorkerState.SUCCESS, WorkerState.ERROR,
                                                      WorkerState.CANCELLED):
            return
        self.repricing = False
        self.refresh_bindings()
        if state == WorkerState.ERROR:     # one transaction: nothing was changed
            self.notify(f"Re-pricing failed: {describe(worker.error)}", severity="error")
        elif state == WorkerState.SUCCESS:
            report = worker.result
            self.notify(f"Re-priced {report.rows:,} calls: {report.changed:,} changed, "
                        f"{report.unpriced:,} unpriced")
            self.mlr.data_changed()
