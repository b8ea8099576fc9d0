"""The totals table never cuts a number: group names give up room instead, at 120 and at 80
columns, before and after re-pricing (`p`) changes the widths of the cost cells."""

from __future__ import annotations

import pytest
from ui.seed_costs import seed_costs
from ui.test_costs_screen import column, open_costs, settle

from mlrtui.config import ModelConfig, Price, load_settings
from mlrtui.ui.app import make_app
from mlrtui.ui.widgets.ledger_tables import TotalsTable


def _visible(table: TotalsTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.row_count + 1)]


def _numbers_whole(table: TotalsTable) -> None:
    lines = _visible(table)[1:]
    for line, cost, tokens in zip(lines, column(table, "cost"), column(table, "tokens"),
                                  strict=True):
        assert cost in line and tokens in line, (line, cost)


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
async def test_reprice_keeps_every_number_whole(store, size) -> None:
    seed_costs(store)
    settings = load_settings(db=store.path, models={"lab": ModelConfig(
        provider="openai", model="my-vllm-7b", price=Price(input_per_mtok=1.0,
                                                           output_per_mtok=2.0))})
    app = make_app(settings, store, corpus_path="")
    async with app.run_test(size=size) as pilot:
        screen = await open_costs(pilot)
        await pilot.press("p")
        await settle(pilot)
        table = screen.query_one(TotalsTable)
        assert "unpriced" not in " ".join(column(table, "cost"))
        _numbers_whole(table)
        if size == (120, 36):
            assert "acme2025_tide_gauges" in _visible(table)[1]
