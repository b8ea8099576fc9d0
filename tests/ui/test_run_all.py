"""Run screen: every remaining stage with one key, a new end-to-end run that starts at once,
quitting while stages run, and the finished stage's text shown at once."""

from __future__ import annotations

from ui.seed_run import MODEL, SIZE, TASK_ID, make_run_app, open_run, wait_until

from mlrtui.kernel.vocab import STAGES
from mlrtui.runs import versions as V
from mlrtui.ui.jobs.stage import stage_job
from mlrtui.ui.modals import ConfirmScreen
from mlrtui.ui.screens.run import RunScreen
from mlrtui.ui.widgets.docview import DocView


async def test_run_all_takes_every_remaining_stage_and_cancel_stops_the_chain(
        store, llm_settings, loopback, tmp_path):
    app, ids = make_run_app(store, llm_settings, tmp_path / "ws")
    run_id = ids["run"]
    V.save_human_version(store, run_id, "literature", "# Related work, edited\n")
    loopback.latency_s = 1.5
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_run(app, pilot, run_id)
        assert screen.remaining() == ["proposal", "experiment", "paper"]
        assert screen.check_action("run_all", ()) is True
        await pilot.press("a")
        await wait_until(pilot, lambda: len(loopback.requests) == 1)
        job = stage_job(app, run_id)
        assert job.stages == ["proposal", "experiment", "paper"] and job.stage == "proposal"
        assert screen.check_action("run_all", ()) is None      # one job per run at a time
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert job.state == "cancelled"
    assert len(loopback.requests) == 1                         # nothing after the cancel
    assert [v.id for v in V.history(store, run_id, "experiment")] == [ids["experiment"]]


async def test_a_new_end_to_end_run_starts_all_five_stages(store, llm_settings, loopback,
                                                           tmp_path):
    app, _ = make_run_app(store, llm_settings, tmp_path / "ws")
    fresh = V.create_run(store, TASK_ID, MODEL, "end-to-end")
    loopback.latency_s = 1.5
    async with app.run_test(size=SIZE) as pilot:
        app.open_run(fresh.id, run_all=True)
        await wait_until(pilot, lambda: len(loopback.requests) == 1)
        assert isinstance(app.screen, RunScreen)
        job = stage_job(app, fresh.id)
        assert job is not None and job.stages == list(STAGES) and job.stage == "idea"
        job.cancel()
        await app.workers.wait_for_complete()


async def test_quit_while_a_stage_runs_asks_naming_it(store, llm_settings, loopback, tmp_path):
    llm_settings.models[MODEL].timeout_s = 30.0
    app, ids = make_run_app(store, llm_settings, tmp_path / "ws")
    loopback.latency_s = 8.0              # the stage is surely still running when we quit
    async with app.run_test(size=SIZE) as pilot:
        await open_run(app, pilot, ids["run"])
        await pilot.press("l", "r")
        await wait_until(pilot, lambda: len(loopback.requests) == 1)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert f"Run literature of run {ids['run']}" in app.screen.question
        assert "cancels" in app.screen.question
        await pilot.press("n")                                  # keep running
        await pilot.pause()
        assert isinstance(app.screen, RunScreen) and app.is_running
        assert stage_job(app, ids["run"]).running
        await pilot.press("c")
        await app.workers.wait_for_complete()


async def test_a_finished_stage_shows_its_text_at_once(literature_rerun):
    screen = literature_rerun.screen
    assert screen.query_one("#output-switch").current == "output-doc"
    doc = screen.query_one(DocView)
    assert doc.markdown.startswith("# Related work, again")
    rendered = "\n".join(line.text for line in doc.lines)
    assert "One two three four five six." in rendered
