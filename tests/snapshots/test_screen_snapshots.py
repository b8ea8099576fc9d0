"""One snapshot per notable screen state, on seeded data of our own writing.

Accepted SVGs live in __snapshots__/ (pytest-textual-snapshot); `pytest tests/snapshots
--snapshot-update` also copies each to screenshots/ under a readable name (SHOTS below),
and test_screenshots_match_snapshots fails when a copy differs.
"""

from __future__ import annotations

from pathlib import Path

from snapshots.conftest import SIZE, steady
from textual.pilot import Pilot

from mlrtui.importer import ImportSummary
from mlrtui.ui.modals import ErrorScreen
from mlrtui.ui.modals.importing import ImportProgressScreen, ImportSummaryScreen

# snapshot test name -> screenshots/<name>.svg (copied by conftest on --snapshot-update)
SHOTS = {
    "test_tasks": "tasks",
    "test_tasks_search": "tasks-search",
    "test_tasks_category_override": "tasks-category-override",
    "test_task_ideas": "task-ideas",
    "test_task_proposals": "task-proposals",
    "test_task_runs": "task-runs",
    "test_task_call": "task-call",
    "test_viewer": "viewer",
    "test_viewer_raw": "viewer-raw",
    "test_viewer_stale": "viewer-stale",
    "test_help": "help",
    "test_palette": "palette",
    "test_import_path": "import-path",
    "test_import_progress": "import-progress",
    "test_import_summary": "import-summary",
    "test_error": "error",
}


def keys(*pressed: str):
    async def run(pilot: Pilot) -> None:
        await pilot.pause()
        await pilot.press(*pressed)
        await steady(pilot)
    return run


def test_tasks(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=keys())


def test_tasks_search(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=keys("slash", *"tide"))


def test_tasks_category_override(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=keys("c"))


def test_task_ideas(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=keys("j", "enter"))


def test_task_proposals(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=keys("j", "enter", "t", "l"))


def test_task_runs(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=keys("j", "enter", "2"))


def test_task_call(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=keys("j", "enter", "1"))


def test_viewer(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=SIZE,
                        run_before=keys("j", "enter", "t", "l", "enter"))


def test_viewer_raw(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=SIZE,
                        run_before=keys("j", "enter", "t", "enter", "r"))


def test_viewer_stale(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=SIZE,
                        run_before=keys("j", "enter", "2", "G", "v"))


def test_help(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=keys("f1"))


def test_palette(snap_compare, demo_app):
    async def run(pilot: Pilot) -> None:
        await pilot.press("ctrl+p", *"tasks")
        await pilot.pause(0.5)
        await steady(pilot)
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=run)


def test_import_path(snap_compare, demo_app):
    async def run(pilot: Pilot) -> None:
        pilot.app.action_import_corpus()
        await steady(pilot)
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=run)


def test_import_progress(snap_compare, demo_app):
    async def run(pilot: Pilot) -> None:
        from mlrtui.ui.jobs.importing import ImportJob

        job = pilot.app.jobs.add(ImportJob(Path("/data/mlrbench")))   # at rest: not run
        job.start(40, "Importing mlrbench")
        job.done, job.last = 17, "stepwise acme2025_tide_gauges"
        job.problem("a/b.json", "empty file")
        await pilot.app.push_screen(ImportProgressScreen(job))
        await steady(pilot)
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=run)


def test_import_summary(snap_compare, demo_app):
    summary = ImportSummary(elapsed_s=2.5, import_id=1,
                            seen={"tasks": 3, "stepwise ideas": 12, "stepwise reviews": 24},
                            problems=[("agent_results/x/idea/idea_m.md", "empty file"),
                                      ("human_eval/scores.csv", "duplicate row 7 kept apart")])
    summary.counts.update(tasks=3, runs=7, versions=17, reviews=24, review_scores=144)

    async def run(pilot: Pilot) -> None:
        await pilot.app.push_screen(ImportSummaryScreen(summary))
        await steady(pilot)
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=run)


def test_error(snap_compare, demo_app):
    async def run(pilot: Pilot) -> None:
        await pilot.app.push_screen(ErrorScreen(
            "The import failed", "/data/elsewhere: not an MLR-Bench checkout (needs tasks/)"))
        await steady(pilot)
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=run)


def test_every_mapped_snapshot_has_a_test():
    assert set(SHOTS) <= set(globals()), set(SHOTS) - set(globals())
