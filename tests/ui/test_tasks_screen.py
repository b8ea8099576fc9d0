"""Pilot tests of the Tasks screen: search, filters, keys, category override, opening a task."""

from __future__ import annotations

from textual import events
from textual.widgets import Input, OptionList, Select, Static
from ui.conftest import SIZE

from mlrtui.store.tasks import get_task
from mlrtui.ui.modals import ChoiceScreen
from mlrtui.ui.screens.task import TaskScreen
from mlrtui.ui.screens.tasks import TasksScreen
from mlrtui.ui.widgets.keytable import KeyTable


def keys(table: KeyTable) -> list[str]:
    return [row.value for row in table.rows]


def count_text(app) -> str:
    return str(app.screen.query_one("#filter-count").render())


async def test_table_lists_every_task_with_runs_and_best_score(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TasksScreen)
        table = app.screen.query_one(KeyTable)
        assert keys(table) == ["acme2024_fair_lending", "acme2025_tide_gauges",
                               "zeta2025_kitchen_robots"]
        row = table.get_row("acme2025_tide_gauges")
        assert row[5] == "7"                       # six stepwise runs and one end-to-end
        assert row[6] == "8.50"                    # best mean Overall of the two judges
        assert "3 of 3 tasks" in count_text(app)


async def test_typing_a_search_narrows_at_once_and_escape_clears(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press("t", "i", "d", "e")
        table = app.screen.query_one(KeyTable)
        assert keys(table) == ["acme2025_tide_gauges"]
        assert "1 of 3 tasks" in count_text(app)
        await pilot.press("backspace", "backspace", "backspace", "backspace", "k", "i", "t")
        assert keys(table) == ["zeta2025_kitchen_robots"]
        await pilot.press("escape")
        assert len(keys(table)) == 3
        assert app.focused is table


async def test_enter_in_the_search_opens_the_first_match(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"gauges", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TaskScreen)
        assert app.screen.task_id == "acme2025_tide_gauges"
        await pilot.press("escape")
        assert app.focused is app.screen.query_one(KeyTable)


async def test_filters_are_reachable_by_keyboard(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        venue = app.screen.query_one("#filter-venue", Select)
        assert app.focused is venue
        await pilot.press("enter", "down", "down", "enter")   # blank, ACME, ZETA
        await pilot.pause()
        assert venue.value == "zeta"
        table = app.screen.query_one(KeyTable)
        assert keys(table) == ["zeta2025_kitchen_robots"]
        await pilot.press("tab")                              # on to the year
        year = app.screen.query_one("#filter-year", Select)
        assert app.focused is year
        await pilot.press("enter", "down", "enter")            # 2024: nothing from zeta
        await pilot.pause()
        assert year.value == 2024
        assert keys(table) == []
        assert "0 of 3 tasks" in count_text(app)
        assert "No task matches" in str(app.screen.query_one("#task-explain", Static).render())
        table.focus()
        await pilot.press("escape")                           # empty search: clear filters
        await pilot.pause()
        assert len(keys(table)) == 3


async def test_category_filter_uses_the_effective_category(app):
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#filter-category", Select).value = "Trustworthy AI"
        await pilot.pause()
        assert keys(app.screen.query_one(KeyTable)) == ["acme2024_fair_lending"]


async def test_j_k_move_and_the_explanation_follows(app):
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(KeyTable)
        await pilot.press("j", "j")
        assert table.current_key == "zeta2025_kitchen_robots"
        explain = str(app.screen.query_one("#task-explain", Static).render())
        assert "Reinforcement Learning" in explain and "classifier:" in explain
        await pilot.press("k")
        assert table.current_key == "acme2025_tide_gauges"


async def test_enter_opens_the_task(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TaskScreen)
        assert app.screen.task_id == "acme2025_tide_gauges"
        await pilot.press("escape")
        assert isinstance(app.screen, TasksScreen)


async def test_category_override_is_saved_and_shown(app, store):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        assert isinstance(app.screen, ChoiceScreen)
        # Options: Automatic, then the nine categories; ML Systems is the sixth category.
        await pilot.press(*["j"] * 6, "enter")
        await pilot.pause()
        assert isinstance(app.screen, TasksScreen)
        task = get_task(store, "acme2024_fair_lending")
        assert task.category_override == "ML Systems"
        table = app.screen.query_one(KeyTable)
        assert table.get_row("acme2024_fair_lending")[3] == "ML Systems"
        explain = str(app.screen.query_one("#task-explain", Static).render())
        assert "set by you" in explain and "Trustworthy AI" in explain
        await pilot.press("c")
        options = app.screen.query_one(OptionList)
        assert options.highlighted == 6                        # the current choice
        await pilot.press("home", "enter")                     # Automatic removes it
        await pilot.pause()
        assert get_task(store, "acme2024_fair_lending").category_override is None


async def test_category_key_is_dimmed_when_no_task_is_shown(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "z", "z", "z", "enter")
        assert keys(app.screen.query_one(KeyTable)) == []
        assert app.screen.check_action("category", ()) is None
        await pilot.press("c")
        assert isinstance(app.screen, TasksScreen)             # nothing opened


async def test_keys_can_be_remapped_by_binding_id(store, seeded):
    from mlrtui.config import load_settings
    from mlrtui.ui.app import make_app

    settings = load_settings(db=store.path, keymap={"tasks.search": "s"})
    app = make_app(settings, store, corpus_path="")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        assert isinstance(app.focused, Input)
        await pilot.press(*"robot")
        assert keys(app.screen.query_one(KeyTable)) == ["zeta2025_kitchen_robots"]


async def test_enter_at_once_in_a_new_choice_picks_its_current_value(app):
    """A person who presses Enter as a picker opens gets the highlighted (current) value,
    whether or not the list has taken focus yet."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for settle in (False, True):
            chosen: list = []
            app.push_screen(ChoiceScreen("pick: model", [("a", "a"), ("b", "b"), ("c", "c")],
                                         current="b"), chosen.append)
            if settle:
                await pilot.pause()
                await pilot.press("enter")
            else:                          # the key queued behind the dialog's own mounting
                app.post_message(events.Key("enter", "\r"))
            await pilot.pause()
            assert chosen == ["b"], settle
            assert not isinstance(app.screen, ChoiceScreen)
