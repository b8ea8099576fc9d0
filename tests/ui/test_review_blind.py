"""Pilot tests of blind human review: keyboard scoring saved as the user's human scores, the
queue moving on, nothing revealing the model or the judges, and the scores reaching the
agreement table (source user) on the Stats screen."""

from __future__ import annotations

import pytest
from textual.widgets import Input
from ui.conftest import SIZE
from ui.seed import JUDGES
from ui.seed_judge import OVERALL_DIMS

from mlrtui.scores import agreement
from mlrtui.scores.human import list_scores
from mlrtui.ui.app import MlrtuiApp
from mlrtui.ui.screens.review import BlindReviewScreen
from mlrtui.ui.screens.stats import StatsScreen
from mlrtui.ui.widgets.mdlog import MarkdownLog
from mlrtui.ui.widgets.scoreform import ScoreForm
from mlrtui.ui.widgets.statsviews import StatsTable

SCORES = ["7", "6", "5", "8", "6", "4"]        # Clarity .. Overall, then Confidence (1-5)


@pytest.fixture
def app(judge_app: MlrtuiApp) -> MlrtuiApp:
    return judge_app


async def start(app, pilot, reviewer: str) -> BlindReviewScreen:
    app.go_to("review")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, BlindReviewScreen)
    name = screen.query_one("#review-name", Input)
    assert app.focused is name                       # nobody named yet: the name comes first
    await pilot.press(*reviewer, "enter")
    await pilot.pause()
    return screen


async def score(pilot, values: list[str]) -> None:
    for value in values:
        await pilot.press(*value, "enter")
    await pilot.pause()


def shown_text(screen: BlindReviewScreen) -> str:
    """Everything the item area and the form show, as plain text."""
    parts = [str(screen.query_one("#review-title").render()),
             str(screen.query_one("#review-progress").render())]
    parts += [log.markdown for log in screen.query(MarkdownLog)]
    parts += [str(screen.query_one("#score-guide").render())]
    return "\n".join(parts)


async def test_scores_typed_by_keyboard_are_saved_blind_and_the_queue_moves_on(app, store):
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot, "alice")
        assert len(screen.queue) == 3                               # the three papers
        first = screen.item
        assert first is not None and first.rubric_id == "overall"
        assert isinstance(app.focused, Input) and app.focused.id == "score-0"
        text = shown_text(screen)
        model = store.scalar("SELECT r.model FROM versions v JOIN runs r ON r.id = v.run_id "
                             "WHERE v.id = ?", [first.version_id])
        assert model not in text and not any(j in text for j in JUDGES)
        assert "Clarity" in str(screen.query_one("#score-guide").render())   # its bands
        await score(pilot, SCORES)
        rows = list_scores(store, source="user", reviewer="alice")
        assert {r.dimension: r.score for r in rows} == dict(
            zip([*OVERALL_DIMS, "Confidence"], map(float, SCORES)))
        assert all(r.blind and r.version_id == first.version_id and r.rubric_id == "overall"
                   for r in rows)
        assert screen.item is not None and screen.item.version_id != first.version_id
        assert len(screen.queue) == 2
        assert screen.query_one(ScoreForm).values() == dict.fromkeys(
            [*OVERALL_DIMS, "Confidence"], "")                      # a fresh form


async def test_missing_or_out_of_range_scores_save_nothing(app, store):
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot, "alice")
        await pilot.press("7", "enter", "11", "ctrl+s")
        await pilot.pause()
        form = screen.query_one(ScoreForm)
        assert form.inputs[1].has_class("-error") and form.inputs[2].has_class("-error")
        assert not form.inputs[0].has_class("-error")
        assert list_scores(store, source="user") == []
        assert len(screen.queue) == 3


async def test_skip_moves_through_the_queue_without_saving(app, store):
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot, "bob")
        seen = [screen.item.version_id]
        for _ in range(3):
            await pilot.press("ctrl+n")
            await pilot.pause()
            seen.append(screen.item.version_id)
        assert seen[3] == seen[0] and len(set(seen[:3])) == 3       # wraps round
        assert list_scores(store, source="user") == []


async def test_blind_scores_appear_in_the_agreement_table_as_user_scores(app, store):
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot, "alice")
        target = screen.item.version_id
        await score(pilot, SCORES)
        screen.query_one("#review-name", Input).value = "bob"       # a second reviewer
        await pilot.pause()
        while screen.item.version_id != target:                      # bob's own shuffle
            await pilot.press("ctrl+n")
            await pilot.pause()
        await pilot.press("ctrl+t")                                  # read the task first
        assert screen.query_one("#review-switch").current == "review-task"
        screen.query_one(ScoreForm).focus_first()
        await score(pilot, ["5", "6", "7", "6", "5", "3"])
        assert {r.reviewer for r in list_scores(store, source="user")} == {"alice", "bob"}

        app.go_to("stats")
        await pilot.pause()
        stats = app.screen
        assert isinstance(stats, StatsScreen)
        await pilot.press("4", "a", "a")                             # all -> corpus -> user
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert stats.source == "user"
        report = agreement.from_store(store, "user")
        assert report.items == 1 and report.reviewers == 2
        table = stats.query_one("#agree-table", StatsTable)
        novelty = [str(c) for c in table.get_row("Novelty")]
        expected = next(d for d in report.dimensions if d.dimension == "Novelty")
        assert expected.n_human_human == 1 and expected.n_human_judge == 2
        assert novelty[:3] == ["Novelty", "1", "2"]
        assert novelty[5] == f"{expected.u:.1f}" and novelty[6] == f"{expected.p:.3f}"
        assert "source user" in str(stats.query_one("#agree-title").render())


async def test_a_store_change_elsewhere_keeps_what_is_being_typed(app, store):
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot, "alice")
        item = screen.item.version_id
        await pilot.press("7", "enter", "6")
        app.data_changed()                      # e.g. a judging batch finished meanwhile
        await pilot.pause()
        assert screen.item.version_id == item
        assert list(screen.query_one(ScoreForm).values().values())[:2] == ["7", "6"]
