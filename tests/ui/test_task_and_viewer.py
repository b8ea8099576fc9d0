"""Pilot tests of the Task screen (comparison, runs, call), the viewer, help and the palette."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import ContentSwitcher, DataTable, Static, TabbedContent, TextArea
from ui.conftest import SIZE
from ui.seed import MODELS

from mlrtui.ui.modals.importing import ImportPathScreen
from mlrtui.ui.screens.help import HelpScreen
from mlrtui.ui.screens.task import TaskScreen
from mlrtui.ui.screens.tasks import TasksScreen
from mlrtui.ui.screens.viewer import ViewerScreen
from mlrtui.ui.widgets.comparison import OutputBody, OutputColumn
from mlrtui.ui.widgets.mdlog import MarkdownLog


def heads(screen) -> list[str]:
    return [str(c.query_one(".output-head", Static).render()) for c in screen.query(OutputColumn)]


async def open_task(app, pilot, task_id: str = "acme2025_tide_gauges") -> TaskScreen:
    app.open_task(task_id)
    await pilot.pause()
    assert isinstance(app.screen, TaskScreen)
    return app.screen


async def test_ideas_comparison_shows_six_models_with_judge_scores(app, seeded):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_task(app, pilot)
        assert screen.query_one(TabbedContent).active == "tab-compare"
        columns = list(screen.query(OutputColumn))
        assert [c.output.model for c in columns] == MODELS
        assert [c.output.version_id for c in columns] == [seeded[f"idea:{m}"] for m in MODELS]
        first = heads(screen)[0]
        # claude's idea: claude judge 6, gemini judge 7 (see the seed), mean 6.5
        assert "claude-3-7-sonnet" in first and "6.00" in first
        assert "gemini-2.5-pro-preview" in first and "7.00" in first
        assert "mean of judges" in first and "6.50" in first
        assert "Novelty" in str(columns[0].query_one(".output-head").tooltip)
        assert isinstance(app.focused, OutputBody)


async def test_toggle_shows_proposals_and_h_l_move_between_columns(app, seeded):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_task(app, pilot)
        await pilot.press("t")
        await pilot.pause()
        assert screen.stage == "proposal"
        assert [c.output.version_id for c in screen.query(OutputColumn)] == [
            seeded[f"proposal:{m}"] for m in MODELS]
        assert screen.query_one(TabbedContent).get_tab("tab-compare").label_text == "Compare proposals"
        await pilot.press("l", "l")
        assert app.focused.output.model == MODELS[2]
        await pilot.press("h")
        assert app.focused.output.model == MODELS[1]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ViewerScreen)
        assert app.screen.version_id == seeded[f"proposal:{MODELS[1]}"]


async def test_viewer_raw_toggle_metadata_and_upstream(app, seeded):
    async with app.run_test(size=SIZE) as pilot:
        app.open_version(seeded["proposal:o4-mini"])
        await pilot.pause()
        viewer = app.screen
        assert isinstance(viewer, ViewerScreen)
        meta = str(viewer.query_one("#viewer-meta", Static).render())
        assert "author o4-mini" in meta and "2025-05-01" in meta and "not stale" in meta
        assert f"#{seeded['idea:o4-mini']} idea by o4-mini" in meta
        scores = str(viewer.query_one("#viewer-scores", Static).render())
        assert "Overall" in scores and "Novelty" in scores
        switch = viewer.query_one(ContentSwitcher)
        assert switch.current == "viewer-rendered"
        await pilot.press("r")
        assert switch.current == "viewer-raw"
        raw = viewer.query_one("#viewer-raw", TextArea)
        assert raw.read_only and raw.text.startswith("# Gap-aware surge forecasts (spline")
        await pilot.press("r")
        assert switch.current == "viewer-rendered"
        assert viewer.check_action("lineage", ("downstream",)) is None   # nothing built on it
        store = app.store                       # the store changes under the screen
        store.db.execute("UPDATE versions SET stale = 1 WHERE id = ?",
                         [seeded["proposal:o4-mini"]])
        app.data_changed()
        await pilot.pause()
        assert viewer.query_one("#viewer-meta").has_class("-stale")
        await pilot.press("u")
        await pilot.pause()
        assert app.screen.version_id == seeded["idea:o4-mini"]


async def test_runs_tab_views_the_last_stage_of_a_run_and_shows_stale(app, seeded):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_task(app, pilot)
        await pilot.press("2")
        table = screen.query_one("#runs-table", DataTable)
        assert app.focused is table and table.row_count == 7
        assert table.get_row(str(seeded["e2e_run"]))[5] == (
            "idea literature proposal experiment paper")
        await pilot.press(*["j"] * 6, "v")
        await pilot.pause()
        viewer = app.screen
        assert viewer.version_id == seeded["e2e:paper"]
        meta = viewer.query_one("#viewer-meta", Static)
        assert meta.has_class("-stale") and "stale: an upstream" in str(meta.render())
        await pilot.press("escape", "1")
        assert screen.query_one(TabbedContent).active == "tab-call"
        assert "tide gauge records" in screen.query_one("#call", MarkdownLog).markdown


async def test_task_without_outputs_opens_on_the_call(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_task(app, pilot, "zeta2025_kitchen_robots")
        assert screen.query_one(TabbedContent).active == "tab-call"
        await pilot.press("3")
        assert "No stepwise idea" in str(screen.query_one(".empty", Static).render())


async def test_unknown_ids_show_a_message_not_a_traceback(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_task(app, pilot, "nope2020_missing")
        assert "No task nope2020_missing" in str(screen.query_one("#task-head").render())
        assert screen.check_action("toggle_stage", ()) is None
        app.open_version(999999)
        await pilot.pause()
        assert "No version #999999" in str(app.screen.query_one("#viewer-meta").render())


async def test_f1_help_lists_the_current_screens_keys(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        ids = [row[2] for row in app.screen.keys]
        assert {"tasks.search", "tasks.category", "table.open", "app.help"} <= set(ids)
        await pilot.press("escape")
        await open_task(app, pilot)
        await pilot.press("f1")
        ids = [row[2] for row in app.screen.keys]
        assert {"task.stage", "compare.open", "task.back"} <= set(ids)
        assert "tasks.search" not in ids
        assert "between ideas and proposals" in app.screen.guide


async def test_palette_lists_modes_app_and_screen_actions(app):
    async with app.run_test(size=SIZE) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Go to Tasks" in titles and "Import MLR-Bench corpus…" in titles
        assert any(t.startswith("Tasks: Search") for t in titles)
        await open_task(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert any("Ideas/Proposals" in t for t in titles)


async def test_palette_runs_a_screen_action(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_task(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Propos")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and screen.stage == "proposal"


async def test_palette_import_asks_for_a_path(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Import MLR")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ImportPathScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, TasksScreen)


async def test_a_mode_is_one_line_and_imported_on_first_use(store, seeded):
    from mlrtui.config import load_settings
    from mlrtui.ui.app import MlrtuiApp
    from mlrtui.ui.screens.base import LazyMode

    class Extended(MlrtuiApp):
        MODES = {**MlrtuiApp.MODES,  # noqa: RUF012 (Textual reads a plain class dict)
                 "again": LazyMode("mlrtui.ui.screens.tasks:TasksScreen", "Tasks again",
                                   "A second task list")}

    app = Extended(load_settings(db=store.path), store, corpus_path="")
    async with app.run_test(size=SIZE) as pilot:
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert commands["Go to Tasks again"].help == "A second task list"
        first = app.screen
        commands["Go to Tasks again"].callback()
        await pilot.pause()
        assert app.current_mode == "again"
        assert isinstance(app.screen, TasksScreen) and app.screen is not first


async def test_enter_on_a_run_opens_the_run_screen(app, seeded):
    from mlrtui.ui.screens.run import RunScreen

    async with app.run_test(size=SIZE) as pilot:
        await open_task(app, pilot)
        await pilot.press("2", *["j"] * 6, "enter")
        await pilot.pause()
        assert isinstance(app.screen, RunScreen)
        assert app.screen.run_id == seeded["e2e_run"]
