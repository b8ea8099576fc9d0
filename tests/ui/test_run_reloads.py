"""A multi-stage run reloads the screens once per stage version it saves, not once per stage:
a stage that fails (or is skipped, or cancelled) changes nothing they show before the job's
end, which reloads them once more."""

from __future__ import annotations

from collections import Counter

from ui.seed_run import SIZE, edit_idea, make_run_app, open_run

from mlrtui.runs import versions as V
from mlrtui.ui.jobs.stage import stage_job
from mlrtui.ui.modals import ErrorScreen
from mlrtui.ui.screens.base import AppScreen


async def test_a_chain_with_a_failed_stage_reloads_once_per_saved_version_and_at_the_end(
        store, llm_settings, loopback, tmp_path, monkeypatch):
    app, ids = make_run_app(store, llm_settings, tmp_path / "ws")
    run_id = ids["run"]
    edit_idea(store, run_id)                       # literature .. paper go stale
    reloads: Counter[str] = Counter()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_run(app, pilot, run_id)
        watching = [s for s in app.screen_stack if isinstance(s, AppScreen)]
        assert screen in watching and len(watching) >= 2   # the Run screen and the one under it
        for s in watching:
            monkeypatch.setattr(s, "refresh_data", lambda s=s: reloads.update([type(s).__name__]))
        loopback.script("# Related work, once more\n")
        loopback.fail_next("400")                  # the proposal fails: the rest is not run
        await pilot.press("R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        job = stage_job(app, run_id)
        assert job.stages == ["literature", "proposal", "experiment", "paper"]
        assert [o.status for o in job.outcomes] == ["done", "failed", "failed", "failed"]
        assert isinstance(app.screen, ErrorScreen)
    assert len(loopback.requests) == 2
    assert V.current(store, run_id, "literature").text.startswith("# Related work, once more")
    # one saved version + the job's end; before: one reload per stage (4) + the end
    assert reloads == {type(s).__name__: 2 for s in watching}, reloads
