"""Pilot tests of the Judge panel: judging through the real OpenAI / Anthropic SDKs against the
loopback server (one judge replies valid JSON, the other never does), scores and the invalid
reply shown, the batch owned by the App (it survives leaving the panel), cancel, confirm, and
the budget dialog when a call would cross the batch's cap (raise and go on, or stop)."""

from __future__ import annotations

import json

import pytest
from loopback import Received
from textual.widgets import Label, SelectionList, Static, TextArea
from ui.conftest import SIZE

from mlrtui.store import Store
from mlrtui.ui.app import MlrtuiApp, make_app
from mlrtui.ui.jobs.judge import judge_job as current_job
from mlrtui.ui.modals import ConfirmScreen
from mlrtui.ui.modals.budget import BudgetExceededScreen
from mlrtui.ui.modals.review import ReviewScreen
from mlrtui.ui.screens.judge import JudgePanel
from mlrtui.ui.widgets.reviewtable import ReviewTable
from mlrtui.ui.widgets.scoretable import ScoreTable

SCORES = {"Consistency": 8, "Clarity": 7, "Novelty": 6, "Feasibility": 9, "Significance": 5}
VALID = json.dumps({**{d: {"score": s, "justification": f"Our note on {d.lower()}."}
                       for d, s in SCORES.items()},
                    "Overall": {"score": 7, "justification": "Sound but narrow.",
                                "strengths": ["clear aim"], "weaknesses": ["one dataset"]}})
INVALID = "Happy to help! The idea looks promising; I would give it an 8 overall."


def respond(rec: Received) -> str:
    """fake-openai (gpt-4o) answers with the rubric's JSON; fake-anthropic never does."""
    return VALID if rec.model == "gpt-4o" else INVALID


@pytest.fixture
def app(store: Store, ids: dict[str, int], llm_settings, loopback) -> MlrtuiApp:
    loopback.responder = respond
    return make_app(llm_settings, store, corpus_path="")


async def open_panel(app, pilot, **kwargs) -> JudgePanel:
    await app.push_screen(JudgePanel(**kwargs))
    await pilot.pause()
    assert isinstance(app.screen, JudgePanel)
    return app.screen


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


def statuses(panel: JudgePanel) -> list[tuple[str, str]]:
    table = panel.query_one(ReviewTable)
    return sorted((r.judge_model, r.parse_status) for r in table.reviews.values())


async def test_judging_shows_each_judges_scores_and_the_invalid_reply_raw(
        app, ids, store, loopback):
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_panel(app, pilot, run_id=ids["e2e_run"])
        assert [t.run_id for t in panel.targets] == [ids["e2e_run"]]
        assert sorted(panel.query_one("#judge-models", SelectionList).selected) == [
            "fake-anthropic", "fake-openai"]                    # the configured judges
        await pilot.press("r")
        await settle(app, pilot)

        assert len(loopback.requests) == 3                      # the invalid one is retried
        table = panel.query_one(ScoreTable)
        assert table.judges == ["gpt-4o"]                       # invalid replies give no scores
        for dim, score in {**SCORES, "Overall": 7}.items():
            assert str(table.get_row(dim)[1]) == f"{score:.1f}"
        assert statuses(panel) == [("claude-sonnet-4-6", "invalid"),
                                   ("claude-sonnet-4-6", "invalid"), ("gpt-4o", "ok")]
        status = str(panel.query_one("#judge-status", Label).render())
        assert "2 of 2 reviews" in status and "ok 1" in status and "invalid 1" in status
        assert store.scalar("SELECT status FROM batches WHERE kind = 'judge'") == "done"

        reviews = panel.query_one(ReviewTable)
        invalid = next(r for r in reviews.reviews.values() if r.parse_status == "invalid")
        reviews.move_to_key(str(invalid.id))
        reviews.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.query_one("#review-raw", TextArea).text == INVALID
        assert "no JSON found" in str(app.screen.query_one("#review-meta", Static).render())


async def test_unavailable_models_are_disabled_and_say_why(app, ids):
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_panel(app, pilot, run_id=ids["e2e_run"])
        models = panel.query_one("#judge-models", SelectionList)
        gpt = models.get_option("gpt-4o")
        assert gpt.disabled and not models.get_option("fake-openai").disabled
        why = str(panel.query_one("#judge-why", Static).render())
        assert "gpt-4o" in why and "OPENAI_API_KEY is not set" in why


async def test_the_batch_belongs_to_the_app_and_survives_leaving_the_panel(
        app, ids, store, loopback):
    loopback.latency_s = 0.3
    async with app.run_test(size=SIZE) as pilot:
        await open_panel(app, pilot, run_id=ids["e2e_run"])
        await pilot.press("r", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, JudgePanel)
        job = current_job(app)
        assert job is not None and job.running
        await settle(app, pilot)
        assert job.state == "done"
        assert store.scalar("SELECT COUNT(*) FROM reviews WHERE run_id = ? AND stage = 'idea'",
                            [ids["e2e_run"]]) == 3
        panel = await open_panel(app, pilot, run_id=ids["e2e_run"])
        assert "Judged idea: 2 of 2 reviews" in str(panel.query_one("#judge-status").render())
        assert statuses(panel)[-1] == ("gpt-4o", "ok")


async def test_cancel_stops_the_batch_and_records_it(app, ids, store, loopback):
    loopback.latency_s = 5.0
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_panel(app, pilot, run_id=ids["e2e_run"])
        await pilot.press("r")
        await pilot.pause()
        assert panel.check_action("run", ()) is None            # one batch at a time
        await pilot.press("x")
        await settle(app, pilot)
        assert current_job(app).state == "cancelled"
        assert store.scalar("SELECT status FROM batches WHERE kind = 'judge'") == "cancelled"
        assert "cancelled" in str(panel.query_one("#judge-status").render())


async def test_a_large_batch_asks_first_and_no_judge_means_no_batch(app, store):
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_panel(app, pilot)
        assert len(panel.targets) == 19                         # every run with an idea
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)            # 38 reviews: asked first
        await pilot.press("n")
        await pilot.pause()
        assert current_job(app) is None
        models = panel.query_one("#judge-models", SelectionList)
        models.deselect_all()
        await pilot.press("r")
        await pilot.pause()
        assert current_job(app) is None and models.has_class("-error")
        assert store.scalar("SELECT COUNT(*) FROM batches") == 0


async def test_the_task_screen_opens_the_panel_on_its_runs(app, ids):
    async with app.run_test(size=SIZE) as pilot:
        app.open_task("acme2024_fair_lending")
        await pilot.pause()
        await pilot.press("J")
        await pilot.pause()
        panel = app.screen
        assert isinstance(panel, JudgePanel)
        assert {t.task_id for t in panel.targets} == {"acme2024_fair_lending"}
        assert len(panel.targets) == 6
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, JudgePanel)


async def judge_under_a_tiny_cap(store, llm_settings, loopback, ids, pilot_keys: str):
    """Judge one run with fake-openai only under a batch cap below one call's worst case; the
    budget dialog opens; `pilot_keys` answer it. Returns the app's job and what the dialog
    said."""
    loopback.responder = respond
    app = make_app(llm_settings.model_copy(update={"batch_budget_usd": 0.0001}), store,
                   corpus_path="")
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_panel(app, pilot, run_id=ids["e2e_run"])
        panel.query_one("#judge-models", SelectionList).deselect("fake-anthropic")
        await pilot.press("r")
        for _ in range(100):
            if isinstance(app.screen, BudgetExceededScreen):
                break
            await pilot.pause()
        assert isinstance(app.screen, BudgetExceededScreen)
        asked = app.screen.scope, app.screen.scope_id, app.screen.cap
        assert loopback.requests == []                          # asked before the call
        await pilot.press(pilot_keys)
        await settle(app, pilot)
        return current_job(app), asked, str(panel.query_one("#judge-status").render())


async def test_a_crossed_batch_cap_asks_and_a_raised_cap_goes_on(store, ids, llm_settings,
                                                                 loopback):
    job, asked, status = await judge_under_a_tiny_cap(store, llm_settings, loopback, ids,
                                                      "enter")     # the suggested cap
    batch = job.summary.batch_id
    assert asked == ("batch", batch, 0.0001)
    assert job.state == "done" and job.summary.stopped is None
    assert [o.status for o in job.summary.outcomes] == ["ok"] and len(loopback.requests) == 1
    cap = store.scalar("SELECT budget_usd FROM batches WHERE id = ?", [batch])
    assert cap >= 0.01                                          # raised and stored
    assert store.scalar("SELECT status FROM batches WHERE id = ?", [batch]) == "done"
    assert "ok 1" in status and "stopped" not in status


async def test_stopping_at_the_budget_dialog_ends_the_batch(store, ids, llm_settings, loopback):
    job, asked, status = await judge_under_a_tiny_cap(store, llm_settings, loopback, ids,
                                                      "escape")
    batch = job.summary.batch_id
    assert asked == ("batch", batch, 0.0001)
    assert job.summary.outcomes == [] and loopback.requests == []
    assert job.summary.stopped and "budget" in job.summary.stopped
    assert store.scalar("SELECT budget_usd FROM batches WHERE id = ?", [batch]) == 0.0001
    assert store.scalar("SELECT status FROM batches WHERE id = ?", [batch]) == "stopped"
    assert "stopped" in status
