"""Pilot tests of the Flags mode: the queue, filters, evidence in context, confirm / dismiss with
a note (the store changes, judge precision follows), on the judging seed (our own text)."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Label, Select, Static, TextArea
from ui.conftest import SIZE
from ui.seed import JUDGES

from mlrtui.judge.flags import FlagFilter, get_flag, list_flags
from mlrtui.ui.app import MlrtuiApp
from mlrtui.ui.modals.note import NoteScreen
from mlrtui.ui.screens.flags import FlagEvidenceScreen, FlagsScreen
from mlrtui.ui.widgets.flagviews import FlagTable, PrecisionTable

CLAUDE, GEMINI = JUDGES


@pytest.fixture
def app(judge_app: MlrtuiApp) -> MlrtuiApp:
    return judge_app


async def open_flags(app, pilot) -> FlagsScreen:
    app.go_to("flags")
    await pilot.pause()
    assert isinstance(app.screen, FlagsScreen)
    return app.screen


def table_keys(screen) -> list[int]:
    return [int(row.value) for row in screen.query_one(FlagTable).rows]


def precision_row(screen, judge: str) -> list[str]:
    return [str(c) for c in screen.query_one(PrecisionTable).get_row(judge)]


async def decide_with_note(pilot, key: str, note: str) -> None:
    await pilot.press(key)
    await pilot.pause()
    assert isinstance(pilot.app.screen, NoteScreen)
    await pilot.press(*note, "enter")
    await pilot.pause()


async def test_queue_lists_open_flags_first_with_detail_and_precision(app, ids):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_flags(app, pilot)
        assert table_keys(screen) == [ids["flag_missing"], ids["flag_results"],
                                      ids["flag_citation"]]            # open ones, newest first
        assert "3 flag(s)" in str(screen.query_one("#flag-count", Label).render())
        detail = str(screen.query_one("#flag-detail", Static).render())
        assert "we calibrated the gripper twice a day" in detail
        # claude raised 3 flags: 1 dismissed, 2 open; gemini 2: 1 confirmed, 1 open
        assert precision_row(screen, CLAUDE) == [CLAUDE, "3", "0", "1", "2", "0.00"]
        assert precision_row(screen, GEMINI) == [GEMINI, "2", "1", "0", "1", "1.00"]
        assert screen.check_action("decide", ("open",)) is None        # reopen: already open


async def test_confirm_and_dismiss_with_notes_change_the_store_and_precision(app, ids, store):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_flags(app, pilot)
        await decide_with_note(pilot, "c", "the sentence is not in the paper")
        flag = get_flag(store, ids["flag_missing"])
        assert (flag.status, flag.note) == ("confirmed", "the sentence is not in the paper")
        assert flag.decided_at is not None
        assert app.screen is screen
        assert table_keys(screen) == [ids["flag_results"], ids["flag_citation"]]
        assert precision_row(screen, CLAUDE) == [CLAUDE, "3", "1", "1", "1", "0.50"]

        await pilot.press("j")                                   # the citation flag (gemini)
        await decide_with_note(pilot, "d", "found it in the proceedings")
        flag = get_flag(store, ids["flag_citation"])
        assert (flag.status, flag.note) == ("dismissed", "found it in the proceedings")
        assert precision_row(screen, GEMINI) == [GEMINI, "2", "1", "1", "0", "0.50"]
        assert table_keys(screen) == [ids["flag_results"]]


async def test_escape_in_the_note_modal_decides_nothing(app, ids, store):
    async with app.run_test(size=SIZE) as pilot:
        await open_flags(app, pilot)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"half a thought", "escape")
        await pilot.pause()
        assert isinstance(app.screen, FlagsScreen)
        assert get_flag(store, ids["flag_missing"]).status == "open"


async def test_filters_narrow_the_queue_by_type_status_and_run(app, ids, store):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_flags(app, pilot)
        screen.query_one("#flag-status", Select).clear()             # any status
        await pilot.pause()
        assert sorted(table_keys(screen)) == sorted(f.id for f in list_flags(store))
        screen.query_one("#flag-type", Select).value = "math_error"
        await pilot.pause()
        assert table_keys(screen) == [ids["flag_math"]]
        screen.query_one("#flag-type", Select).clear()
        screen.query_one("#flag-run", Select).value = ids["run:zeta2025_kitchen_robots"]
        await pilot.pause()
        expected = list_flags(store, FlagFilter(run_id=ids["run:zeta2025_kitchen_robots"]))
        assert table_keys(screen) == [f.id for f in expected] == [ids["flag_missing"],
                                                                 ids["flag_method"]]


async def test_evidence_opens_in_context_selected_and_can_be_decided_there(app, ids, store):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_flags(app, pilot)
        await pilot.press("j", "enter")                              # the faked-results flag
        await pilot.pause()
        evidence = app.screen
        assert isinstance(evidence, FlagEvidenceScreen)
        area = evidence.query_one("#evidence-text", TextArea)
        assert area.selected_text == "approved 61.4% of applicants in every group"
        assert area.selection.start[0] == 12                         # line 13, 0-based row
        assert "evidence at line 13" in str(evidence.query_one("#evidence-where").render())
        await decide_with_note(pilot, "c", "no log has these numbers")
        assert get_flag(store, ids["flag_results"]).status == "confirmed"
        assert "confirmed" in str(evidence.query_one("#evidence-meta", Static).render())
        assert evidence.check_action("decide", ("confirmed",)) is None
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert ids["flag_results"] not in table_keys(screen)


async def test_evidence_missing_from_the_text_is_said_not_guessed(app, ids):
    async with app.run_test(size=SIZE) as pilot:
        await open_flags(app, pilot)
        await pilot.press("enter")                                   # the "other" flag
        await pilot.pause()
        evidence = app.screen
        assert isinstance(evidence, FlagEvidenceScreen)
        assert "not found verbatim" in str(evidence.query_one("#evidence-where").render())
        assert evidence.query_one("#evidence-text", TextArea).selected_text == ""
        assert not isinstance(app.focused, Input)
