"""Snapshots of the judging screens (Judge panel, Flags, Blind review, Stats) on the judging
seed, our own text. The pilot tests in tests/ui/test_{judge,flags,review,stats}_*.py drive the
same screens and assert on the store; these pin down what they look like."""

from __future__ import annotations

from snapshots.conftest import SIZE, in_mode, loaded
from textual.pilot import Pilot

from mlrtui.judge.reviews import get_review
from mlrtui.ui.modals.review import ReviewScreen
from mlrtui.ui.screens.judge import JudgePanel
from mlrtui.ui.widgets.keytable import KeyTable

SHOTS = {
    "test_judge_panel": "judge-panel",
    "test_judge_invalid_reply": "judge-invalid-reply",
    "test_flags_queue": "flags-queue",
    "test_flag_evidence": "flag-evidence",
    "test_blind_review": "blind-review",
    "test_stats_leaderboard": "stats-leaderboard",
    "test_stats_distributions": "stats-distributions",
    "test_stats_judge_scatter": "stats-judge-scatter",
    "test_stats_agreement": "stats-agreement",
}


def test_judge_panel(snap_compare, judge_app, ids):
    """A run whose judges disagree by 3 on every dimension, and one of whose replies failed."""
    async def run(pilot: Pilot) -> None:
        pilot.app.go_to("judges")
        await loaded(pilot)
        pilot.app.screen.query_one("#judge-targets", KeyTable).move_to_key(
            str(ids["ministral_run"]))
        await loaded(pilot)
    assert snap_compare(judge_app, terminal_size=SIZE, run_before=run)


def test_judge_invalid_reply(snap_compare, judge_app, ids):
    async def run(pilot: Pilot) -> None:
        await pilot.app.push_screen(JudgePanel(run_id=ids["ministral_run"]))
        await loaded(pilot)
        await pilot.app.push_screen(ReviewScreen(get_review(pilot.app.store,
                                                            ids["invalid_review"])))
        await loaded(pilot)
    assert snap_compare(judge_app, terminal_size=SIZE, run_before=run)


def test_flags_queue(snap_compare, judge_app):
    assert snap_compare(judge_app, terminal_size=SIZE, run_before=in_mode("flags", "j"))


def test_flag_evidence(snap_compare, judge_app):
    assert snap_compare(judge_app, terminal_size=SIZE,
                        run_before=in_mode("flags", "j", "enter"))


def test_blind_review(snap_compare, judge_app):
    async def run(pilot: Pilot) -> None:
        pilot.app.go_to("review")
        await loaded(pilot)
        await pilot.press(*"alice", "enter", "7", "enter", "6")
        await loaded(pilot)
    assert snap_compare(judge_app, terminal_size=SIZE, run_before=run)


def test_stats_leaderboard(snap_compare, judge_app):
    assert snap_compare(judge_app, terminal_size=SIZE, run_before=in_mode("stats"))


def test_stats_distributions(snap_compare, judge_app):
    assert snap_compare(judge_app, terminal_size=SIZE, run_before=in_mode("stats", "2"))


def test_stats_judge_scatter(snap_compare, judge_app):
    assert snap_compare(judge_app, terminal_size=SIZE, run_before=in_mode("stats", "3"))


def test_stats_agreement(snap_compare, judge_app):
    assert snap_compare(judge_app, terminal_size=SIZE, run_before=in_mode("stats", "4"))
