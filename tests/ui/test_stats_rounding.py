"""The Distributions tab and the Leaderboard print the same mean for a model and dimension
(one rounding rule: the leaderboard's), not 7.95 in one and 7.96 in the other."""

from __future__ import annotations

import re

from ui.conftest import SIZE
from ui.test_stats_screen import open_stats

from mlrtui.scores.aggregate import leaderboard
from mlrtui.ui.widgets.statsplots import DistributionGrid, ScorePlot


async def test_distribution_titles_use_the_leaderboard_value(judge_app, store) -> None:
    board = leaderboard(store, "idea")
    expected = {r.model: f"{r.cells['Overall'].display:.2f}" for r in board.rows
                if "Overall" in r.cells}
    async with judge_app.run_test(size=SIZE) as pilot:
        screen = await open_stats(judge_app, pilot)
        await pilot.press("2")
        await pilot.pause()
        titles = []
        for plot in screen.query_one(DistributionGrid).query(ScorePlot):
            built = re.sub(r"\x1b\[[0-9;]*m", "", plot.plt.build())
            titles.append(next(line for line in built.splitlines() if "n=" in line).strip())
    assert titles and len(titles) == len(expected)
    for title in titles:
        model = title.split(" n=")[0]
        name = next(m for m in expected if m.startswith(model.rstrip("…")))
        assert title.endswith(f"mean {expected[name]}"), (title, expected[name])
