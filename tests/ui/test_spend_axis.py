"""The USD-per-day plot's axis starts at $0: no negative dollars when nothing is priced."""

from __future__ import annotations

import re

from textual.app import App, ComposeResult

from mlrtui.costs.calls import DaySpend
from mlrtui.ui.widgets.spend import SpendPlot, usd_axis


class _PlotApp(App):
    def compose(self) -> ComposeResult:
        yield SpendPlot()


def _labels(built: str) -> list[str]:
    plain = re.sub(r"\x1b\[[0-9;]*m", "", built)
    return re.findall(r"^\s*(-?\$?-?[0-9.]+)┤", plain, flags=re.MULTILINE)


async def test_nothing_priced_shows_no_negative_dollars() -> None:
    app = _PlotApp()
    async with app.run_test(size=(80, 20)) as pilot:
        plot = app.query_one(SpendPlot)
        plot.show([DaySpend("2031-05-01", 0.0, 3, 3), DaySpend("2031-05-02", 0.0, 4, 4)])
        await pilot.pause()
        labels = _labels(plot.plt.build())
    assert labels and all(label.startswith("$") for label in labels), labels
    assert labels[-1] == "$0.00" and not any("-" in label for label in labels)


def test_axis_covers_the_largest_day_from_zero() -> None:
    top, marks, labels = usd_axis([0.0, 2.5, 1.0])
    assert marks[0] == 0 and top >= 2.5 and labels[0] == "$0.00"
    assert usd_axis([0.0, 0.0])[1][0] == 0.0
