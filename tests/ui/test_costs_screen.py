"""Costs screen on the seeded ledger: filters narrow, totals switch, unpriced never reads $0,
failed attempts stay visible, budgets and the plot follow the data, re-pricing applies."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.widgets import Select, Static
from ui.seed_costs import seed_costs

from mlrtui.config import ModelConfig, Price, load_settings
from mlrtui.store import Store
from mlrtui.ui.app import MlrtuiApp, make_app
from mlrtui.ui.screens.costs import CostsScreen
from mlrtui.ui.screens.viewer import ViewerScreen
from mlrtui.ui.widgets.ledger_tables import LedgerTable, TotalsTable
from mlrtui.ui.widgets.spend import BudgetBars, SpendPlot

SIZE = (120, 36)


def plain(value: object) -> str:
    return value.plain if isinstance(value, Text) else str(value)


def column(table, key: str) -> list[str]:
    return [plain(v) for v in table.get_column(key)]


def totals(app: MlrtuiApp) -> dict[str, str]:
    """Totals table as {group key: cost cell}."""
    table = app.screen.query_one(TotalsTable)
    return dict(zip(column(table, "key"), column(table, "cost"), strict=True))


@pytest.fixture
def ids(store: Store) -> dict[str, int]:
    return seed_costs(store)


@pytest.fixture
def costs_app(store: Store, ids) -> MlrtuiApp:
    return make_app(load_settings(db=store.path), store, corpus_path="")


async def settle(pilot) -> None:
    """Let key presses reach the screen and the loads they start (thread workers) finish;
    a load may start another (re-pricing reloads when done), hence a few rounds."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_costs(pilot) -> CostsScreen:
    pilot.app.go_to("costs")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CostsScreen)
    return pilot.app.screen


async def test_ledger_shows_every_attempt_unpriced_and_failures(costs_app):
    async with costs_app.run_test(size=SIZE) as pilot:
        screen = await open_costs(pilot)
        ledger = screen.query_one(LedgerTable)
        summary = str(screen.query_one("#costs-summary", Static).render())
        costs = column(ledger, "cost")
        statuses = column(ledger, "status")
        by_model = dict(zip(column(ledger, "model"), costs, strict=False))
    assert ledger.row_count == 13
    assert statuses.count("error") == 4
    assert by_model["my-vllm-7b"] == "unpriced"
    assert "$0.000010" in costs                     # a tiny priced call is not $0.0000
    assert summary == ("13 attempts · 9 calls · $0.0641 + 2 unpriced · 4 failed attempts")


async def test_filters_narrow_the_ledger_and_the_totals(costs_app):
    async with costs_app.run_test(size=SIZE) as pilot:
        screen = await open_costs(pilot)
        ledger = screen.query_one(LedgerTable)
        await pilot.press("slash", *"kitchen")
        await settle(pilot)
        assert ledger.row_count == 2
        assert set(column(ledger, "task")) == {"zeta2025_kitchen_robots"}
        assert totals(costs_app) == {"zeta2025_kitchen_ro…": "unpriced", "total": "unpriced"}
        await pilot.press("escape")                # clear the search
        await settle(pilot)
        assert ledger.row_count == 13
        screen.query_one("#ledger-model", Select).value = "gpt-4o"
        await settle(pilot)
        assert set(column(ledger, "model")) == {"gpt-4o"} and ledger.row_count == 7
        await pilot.press("e")                     # failed attempts only
        await settle(pilot)
        assert ledger.row_count == 4 and set(column(ledger, "status")) == {"error"}
        assert totals(costs_app)["total"] == "$0.0000"
        table = screen.query_one(TotalsTable)
        assert column(table, "failed")[-1] == "4"
        await pilot.press("escape")                # search empty: clear every filter
        await settle(pilot)
        assert ledger.row_count == 13


async def test_failed_attempt_error_is_shown_for_the_highlighted_row(costs_app):
    async with costs_app.run_test(size=SIZE) as pilot:
        screen = await open_costs(pilot)
        await pilot.press("e", "G")
        await settle(pilot)
        detail = screen.query_one("#ledger-detail", Static)
        assert "failed: 429 Too Many Requests (retry after 2s)" in str(detail.render())
        assert detail.has_class("-error")


async def test_totals_switch_between_task_model_and_stage(costs_app):
    async with costs_app.run_test(size=SIZE) as pilot:
        screen = await open_costs(pilot)
        table = screen.query_one(TotalsTable)
        assert plain(table.ordered_columns[0].label) == "task"
        assert totals(costs_app)["acme2025_tide_gauges"] == "$0.0641"
        await pilot.press("b")
        await settle(pilot)
        assert plain(table.ordered_columns[0].label) == "model"
        by_model = totals(costs_app)
        assert by_model["gpt-4o"] == "$0.0518"
        assert by_model["my-vllm-7b"] == "unpriced"
        assert by_model["total"] == "$0.0641 + 2 unpriced"
        await pilot.press("b")
        await settle(pilot)
        assert set(totals(costs_app)) == {"idea", "literature", "proposal", "(no stage)", "total"}
        await pilot.press("b")
        await settle(pilot)
        assert plain(table.ordered_columns[0].label) == "task"


async def test_budget_bars_and_plot_follow_the_ledger(costs_app, ids):
    async with costs_app.run_test(size=SIZE) as pilot:
        screen = await open_costs(pilot)
        bars = str(screen.query_one(BudgetBars).render())
        plot = screen.query_one(SpendPlot)
        built = plot.plt.build()
    lines = {line.split()[0] + " " + line.split()[1]: line for line in bars.splitlines()[1:]}
    assert "$0.06/$0.05" in lines[f"run {ids['run_a']}"]       # over its $0.05 cap
    assert "$0.06/$0.50 +2 unpriced" in lines[f"batch {ids['batch']}"]
    assert "$0.00/$5.00" in lines[f"run {ids['run_b']}"]        # the config default cap
    assert "05-01" in built and "05-05" in built and "+2 unpriced" in built


async def test_reprice_applies_a_config_price_to_old_unpriced_calls(store, ids):
    settings = load_settings(db=store.path, models={"lab": ModelConfig(
        provider="openai", model="my-vllm-7b", price=Price(input_per_mtok=1.0,
                                                           output_per_mtok=2.0))})
    app = make_app(settings, store, corpus_path="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_costs(pilot)
        await pilot.press("p")
        await settle(pilot)
        ledger = screen.query_one(LedgerTable)
        costs = [cost for task, cost in zip(column(ledger, "task"), column(ledger, "cost"),
                                            strict=True) if task == "zeta2025_kitchen_robots"]
        assert "unpriced" not in str(screen.query_one("#costs-summary", Static).render())
        assert screen.check_action("reprice", ()) is True      # available again when done
    assert costs == ["$0.0039", "$0.0015"]      # 1,500 x $1 + 1,200 x $2; 800 x $1 + 350 x $2
    assert store.scalar("SELECT COUNT(*) FROM llm_calls WHERE cost_usd IS NULL "
                        "AND status = 'ok'") == 0


async def test_enter_opens_the_version_a_call_produced(costs_app, ids):
    async with costs_app.run_test(size=SIZE) as pilot:
        screen = await open_costs(pilot)
        await pilot.press("G", "enter")            # the oldest call: run a's idea
        await settle(pilot)
        assert isinstance(costs_app.screen, ViewerScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert costs_app.screen is screen
        await pilot.press("g", "enter")            # the test call: no version
        await settle(pilot)
        assert costs_app.screen is screen


async def test_palette_reaches_both_modes_and_help_lists_the_keys(costs_app):
    from mlrtui.ui.commands import mode_commands
    from mlrtui.ui.screens.help import HelpScreen, key_rows

    titles = [c.title for c in mode_commands(costs_app)]
    assert "Go to Models" in titles and "Go to Costs" in titles
    async with costs_app.run_test(size=SIZE) as pilot:
        screen = await open_costs(pilot)
        ids = {row[2] for row in key_rows(screen)}
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(costs_app.screen, HelpScreen)
    assert {"costs.search", "costs.filters", "costs.failures", "costs.group",
            "costs.reprice", "table.open"} <= ids
