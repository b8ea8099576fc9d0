"""The footer lists only keys that apply on the current tab (Stats, Task), the Task screen says
"1 run", its comparison tab is named like its key, and the palette has one "Help" (no "Keys")."""

from __future__ import annotations

from textual.app import SystemCommand
from textual.widgets import TabbedContent
from ui.conftest import SIZE
from ui.test_stats_screen import open_stats, settle

from mlrtui.runs import versions as V
from mlrtui.ui.commands import builtin
from mlrtui.ui.screens.task import TaskScreen


def shown(screen) -> set[str]:
    """Actions whose keys the footer shows now."""
    return {b.binding.action for b in screen.active_bindings.values()
            if b.binding.show and screen.check_action(b.binding.action, ()) is not False}


async def test_stats_keys_follow_the_tab(judge_app) -> None:
    async with judge_app.run_test(size=SIZE) as pilot:
        screen = await open_stats(judge_app, pilot)
        assert {"source", "policy", "pair"}.isdisjoint(shown(screen))
        assert "dimension" in shown(screen)
        await pilot.press("4")
        await settle(judge_app, pilot)
        assert {"source", "policy"} <= shown(screen) and "dimension" not in shown(screen)
        await pilot.press("3")
        await settle(judge_app, pilot)
        assert "pair" in shown(screen) and "policy" not in shown(screen)


async def test_task_screen_keys_plural_and_tab_name(app, store) -> None:
    task_id = "acme2024_fair_lending"
    for run in V.list_runs(store, task_id):
        store.db.execute("DELETE FROM runs WHERE id=?", [run.id])
    V.create_run(store, task_id, "local")
    async with app.run_test(size=SIZE) as pilot:
        app.open_task(task_id)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TaskScreen)
        head = str(screen.query_one("#task-head").render())
        assert "· 1 run\n" in head + "\n" and "1 runs" not in head
        assert screen.query_one(TabbedContent).get_tab("tab-compare").label_text == \
            "Compare ideas"
        await pilot.press("1")
        await pilot.pause()
        assert "view_output" not in shown(screen)
        await pilot.press("2")
        await pilot.pause()
        assert "view_output" in shown(screen)


def test_palette_has_one_help_entry() -> None:
    textual_own = [SystemCommand("Keys", "Show help", lambda: None),
                   SystemCommand("Theme", "Change the theme", lambda: None)]
    assert [c.title for c in builtin(textual_own)] == ["Theme"]
