"""Pilot tests of the Stats mode: the leaderboard follows the stage switch, the plots follow
the dimension and judge pair, and the agreement table follows the duplicate policy — each
compared with the core services' own numbers on the judging seed (our own data)."""

from __future__ import annotations

import pytest
from corpus_db import imported_corpus_db
from textual.widgets import Label, Static
from ui.conftest import SIZE
from ui.seed import MODELS

from mlrtui.config import load_settings
from mlrtui.scores import agreement
from mlrtui.scores.aggregate import judge_pairs, leaderboard
from mlrtui.store import Store, open_store
from mlrtui.ui.app import MlrtuiApp, make_app
from mlrtui.ui.screens.stats import StatsScreen
from mlrtui.ui.widgets.statsplots import DistributionGrid, ScorePlot
from mlrtui.ui.widgets.statsviews import StatsTable


@pytest.fixture
def app(judge_app: MlrtuiApp) -> MlrtuiApp:
    return judge_app


async def open_stats(app, pilot) -> StatsScreen:
    app.go_to("stats")
    await settle(app, pilot)
    assert isinstance(app.screen, StatsScreen)
    return app.screen


async def settle(app, pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def board_cells(screen: StatsScreen) -> dict[str, list[str]]:
    table = screen.query_one("#stats-board", StatsTable)
    return {row.value: [str(c) for c in table.get_row(row.value)] for row in table.rows}


def expected_cells(store: Store, stage: str) -> dict[str, list[str]]:
    board = leaderboard(store, stage)
    return {r.model: [r.model, str(r.n_items),
                      *(f"{r.cells[d].display:.2f}" for d in board.dimensions)]
            for r in board.rows}


async def test_leaderboard_switches_stage(app, store):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_stats(app, pilot)
        assert screen.stage == "idea"
        idea = board_cells(screen)
        assert sorted(idea) == sorted(MODELS)
        assert idea == expected_cells(store, "idea")
        assert "idea leaderboard" in str(screen.query_one("#board-title", Label).render())

        await pilot.press("s")
        await settle(app, pilot)
        assert screen.stage == "proposal"
        assert board_cells(screen) == expected_cells(store, "proposal") != idea
        assert "proposal leaderboard" in str(screen.query_one("#board-title").render())

        await pilot.press("s")                                       # nothing judged yet
        await settle(app, pilot)
        assert screen.stage == "experiment" and board_cells(screen) == {}
        assert "No valid experiment reviews" in str(screen.query_one("#board-title").render())
        assert screen.check_action("dimension", ()) is None

        await pilot.press("s", "s")                                  # the end-to-end review
        await settle(app, pilot)
        assert screen.stage == "overall"
        assert board_cells(screen) == expected_cells(store, "overall")
        assert "Confidence" not in screen.data.board.dimensions    # not a score to rank


async def test_plots_follow_the_dimension_and_the_judge_pair(app, store):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_stats(app, pilot)
        await pilot.press("2")
        await pilot.pause()
        grid = screen.query_one(DistributionGrid)
        assert len(grid.query(ScorePlot)) == len(MODELS)
        assert screen.dimension == "Overall"
        await pilot.press("d")
        await settle(app, pilot)
        assert screen.dimension == screen.data.board.dimensions[0] == "Consistency"
        pair = screen.data.pair
        assert pair == ("claude-3-7-sonnet", "gemini-2.5-pro-preview")
        assert screen.data.pairs == judge_pairs(store, "idea", "Consistency", *pair)
        assert len(screen.data.pairs) == 18                          # every idea, both judges
        assert screen.check_action("pair", ()) is False              # not on this tab
        await pilot.press("3")
        await settle(app, pilot)
        assert screen.check_action("pair", ()) is None               # two judges: one pair


async def test_agreement_table_states_and_follows_the_duplicate_policy(app, store):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_stats(app, pilot)
        await pilot.press("4")
        await pilot.pause()
        table = screen.query_one("#agree-table", StatsTable)

        def row(dim: str) -> list[str]:
            return [str(c) for c in table.get_row(dim)]

        report = agreement.from_store(store, "all", "authors")
        assert report.duplicate_rows == 1                # expert-b scored one paper twice
        overall = next(d for d in report.dimensions if d.dimension == "Overall")
        assert row("Overall")[1:3] == [str(overall.n_human_human), str(overall.n_human_judge)]
        assert overall.n_human_human == 2                            # the duplicate drops out
        policy = str(screen.query_one("#agree-policy", Static).render())
        assert "policy 'authors'" in policy and "1 repeated row(s)" in policy

        await pilot.press("p")                                       # authors -> mean
        await settle(app, pilot)
        assert screen.policy == "mean"
        mean = agreement.from_store(store, "all", "mean")
        overall = next(d for d in mean.dimensions if d.dimension == "Overall")
        assert overall.n_human_human == 3
        assert row("Overall")[1:3] == ["3", str(overall.n_human_judge)]
        assert row("Overall")[5] == f"{overall.u:.1f}"
        assert "averaged into one score" in str(screen.query_one("#agree-policy").render())


# The published MLR-Bench figures: idea Overall and end-to-end Overall, mean of the two judges.
PUBLISHED = {"idea": {"deepseek-r1": "8.11", "o4-mini": "8.11", "gemini-2.5-pro-preview": "8.08",
                      "qwen3-235b-a22b": "8.03", "claude-3-7-sonnet": "7.96",
                      "ministral-8b": "7.68"},
             "overall": {"claude-3-7-sonnet": "4.70", "o4-mini": "3.95",
                         "gemini-2.5-pro-preview": "3.75"}}


@pytest.mark.corpus
async def test_the_corpus_leaderboard_shows_the_published_figures(tmp_path_factory, corpus):
    store = open_store(imported_corpus_db(tmp_path_factory, corpus))
    app = make_app(load_settings(db=store.path), store, corpus_path="")
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_stats(app, pilot)
            for stage in ("idea", "overall"):
                while screen.stage != stage:
                    await pilot.press("s")
                    await settle(app, pilot)
                cells = board_cells(screen)
                overall = screen.data.board.dimensions.index("Overall") + 2
                assert {m: row[overall] for m, row in cells.items()} == PUBLISHED[stage]
                assert list(cells) == list(PUBLISHED[stage])        # best Overall first
    finally:
        store.close()
