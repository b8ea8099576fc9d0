"""Snapshots of the Run screen (stale, editing, running mid-stream, experiment, history/diff) and
the Runs mode, on the seeded run of tests/ui/seed_run.py (our own text).

The running shot shows a job at a fixed point of its stream: the job is registered without a
worker and fed text through the same `feed` the model call uses, so the frame is the same on
every run. tests/ui/test_run_edit.py streams and cancels real calls through the loopback server.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from snapshots.conftest import SIZE, steady
from textual.pilot import Pilot
from ui.seed_run import MODEL, TASK_ID, WHEN, edit_idea, run_settings, seed_run

from mlrtui.runs import versions as V
from mlrtui.store import Store
from mlrtui.ui.app import MlrtuiApp, make_app
from mlrtui.ui.jobs.stage import StageJob

SHOTS = {
    "test_run_stale": "run-stale",
    "test_run_editing": "run-editing",
    "test_run_running": "run-running",
    "test_run_experiment": "run-experiment",
    "test_run_history_diff": "run-history-diff",
    "test_runs": "runs",
}


@pytest.fixture
def run_app(store: Store, tmp_path: Path) -> tuple[MlrtuiApp, dict[str, int]]:
    ids = seed_run(store, tmp_path / "ws")
    return make_app(run_settings(store.path), store, corpus_path=""), ids


def on_run(run_id: int, *pressed: str, settle: bool = True):
    async def run(pilot: Pilot) -> None:
        pilot.app.open_run(run_id)
        await pilot.pause()
        if pressed:
            await pilot.press(*pressed)
        if settle:
            await pilot.app.workers.wait_for_complete()
        pilot.app.clear_notifications()
        await steady(pilot)
    return run


def test_run_stale(snap_compare, run_app, store):
    """After an edit of the idea (made in tests/ui/test_run_edit.py through the editor; here
    seeded, so the version's time is fixed) the screen opens on the first stale stage."""
    app, ids = run_app
    edit_idea(store, ids["run"])
    assert snap_compare(app, terminal_size=SIZE, run_before=on_run(ids["run"]))


def test_run_editing(snap_compare, run_app):
    app, ids = run_app
    assert snap_compare(app, terminal_size=SIZE, run_before=on_run(
        ids["run"], "l", "l", "2", *"Draft: "))


def test_run_running(snap_compare, run_app):
    app, ids = run_app
    job = app.jobs.add(StageJob(ids["run"], ["proposal", "experiment", "paper"]))
    job.stage_started(ids["run"], "proposal")
    job.stage_text(ids["run"], "# Proposal: drift-aware irrigation advice\n\n## Method\n1. Pair each probe with "
             "its nearest neighbours.\n2. After rain, compare the wet")
    assert snap_compare(app, terminal_size=SIZE, run_before=on_run(ids["run"], settle=False))


def test_run_experiment(snap_compare, run_app):
    app, ids = run_app
    assert snap_compare(app, terminal_size=SIZE, run_before=on_run(ids["run"], "4", "k"))


def test_run_history_diff(snap_compare, run_app):
    app, ids = run_app
    assert snap_compare(app, terminal_size=SIZE, run_before=on_run(ids["run"], "3", "space", "j", "space"))


def test_runs(snap_compare, run_app, store):
    """Three runs: one with a stale tail, one that failed at the literature, one new."""
    app, ids = run_app
    edit_idea(store, ids["run"])
    failed = V.create_run(store, TASK_ID, MODEL, "stepwise")
    V.write_version(store, failed.id, "idea", "# A second idea\n", MODEL)
    V.set_run_status(store, failed.id, "failed",
                     "literature: fake-openai: gave up after 4 attempts; last error: HTTP 503")
    V.create_run(store, TASK_ID, MODEL, "end-to-end")
    with store.transaction():
        store.db.execute("UPDATE runs SET created_at = ?, updated_at = ?", [WHEN, WHEN])

    async def run(pilot: Pilot) -> None:
        pilot.app.go_to("runs")
        await pilot.pause()
        await pilot.press("j")
        await steady(pilot)
    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_every_mapped_snapshot_has_a_test():
    assert set(SHOTS) <= set(globals()), set(SHOTS) - set(globals())
