"""Pilot test of the Judges panel's "Batch API" choice: the expected saving (live vs batch
price) is shown before anything is sent; confirmed, the reviews go through the providers'
batch protocols (the real SDKs against the loopback) and are written once each."""

from __future__ import annotations

import json

import pytest
from textual.widgets import Checkbox, Label
from ui.conftest import SIZE

from mlrtui.store import Store
from mlrtui.ui.app import MlrtuiApp, make_app
from mlrtui.ui.modals import ConfirmScreen
from mlrtui.ui.screens.judge import JudgePanel

VALID = json.dumps({**{d: {"score": 6, "justification": f"Our note on {d.lower()}."}
                       for d in ("Consistency", "Clarity", "Novelty", "Feasibility",
                                 "Significance")},
                    "Overall": {"score": 6, "justification": "Fine.", "strengths": ["aim"],
                                "weaknesses": ["scope"]}})


@pytest.fixture
def app(store: Store, ids: dict[str, int], llm_settings, loopback,
        monkeypatch: pytest.MonkeyPatch) -> MlrtuiApp:
    monkeypatch.setenv("MLRTUI_BATCH_POLL_S", "0.05")
    loopback.responder = lambda rec: VALID
    return make_app(llm_settings, store, corpus_path="")


async def test_batch_api_choice_shows_the_saving_then_judges_through_batches(
        app, ids, store, loopback):
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(JudgePanel(run_id=ids["e2e_run"]))
        await pilot.pause()
        panel = app.screen
        assert isinstance(panel, JudgePanel)
        before = store.scalar("SELECT COUNT(*) FROM reviews WHERE run_id = ?", [ids["e2e_run"]])
        panel.query_one("#judge-batch-api", Checkbox).value = True
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()

        assert isinstance(app.screen, ConfirmScreen)
        question = app.screen.question
        assert "batch API" in question and "live vs $" in question and "saves $" in question
        assert "fake-openai: 1 request(s)" in question
        assert loopback.batches.calls == []                   # nothing sent before yes
        await pilot.press("y")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()

        assert loopback.batches.creates() == 2                # one batch per judge
        assert store.scalar("SELECT COUNT(*) FROM reviews WHERE run_id = ?",
                            [ids["e2e_run"]]) == before + 2
        assert all(r["price_source"].startswith("batch") for r in store.query(
            "SELECT price_source FROM llm_calls"))
        status = str(panel.query_one("#judge-status", Label).render())
        assert "through the batch API" in status and "2 written" in status
