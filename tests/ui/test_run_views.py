"""Run screen: history and diffs, the experiment's files and executions, $EDITOR, the ways in
(Task screen, Runs mode) and the budget modal."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from textual.widgets import Input, RichLog, TextArea, Tree
from ui.seed_run import MODEL, SIZE, TASK_ID, make_run_app, open_run

from mlrtui.runs import versions as V
from mlrtui.services.caps import set_budget_cap
from mlrtui.ui.modals import ChoiceScreen
from mlrtui.ui.modals.budget import BudgetExceededScreen
from mlrtui.ui.screens.run import RunScreen
from mlrtui.ui.widgets.editor import external_edit
from mlrtui.ui.widgets.history import VersionHistory


def log_text(log: RichLog) -> str:
    return "\n".join(line.text for line in log.lines)


async def test_history_lists_versions_and_diffs_any_two(store, llm_settings, tmp_path):
    app, ids = make_run_app(store, llm_settings, tmp_path / "ws")
    run_id = ids["run"]
    V.write_version(store, run_id, "idea", "# A third idea\n", "human")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_run(app, pilot, run_id)
        assert screen.stage == "literature"     # opens on the first stage that is not done
        await pilot.press("h", "3")
        history = screen.query_one(VersionHistory)
        table = history.table
        assert app.focused is table and table.row_count == 3
        third = V.current(store, run_id, "idea").id
        row = table.get_row(str(third))
        assert (row[2], row[4]) == ("human", "current")
        assert table.get_row(str(ids["idea_model"]))[2] == "gpt-4o"   # fake-openai serves gpt-4o; one name
        # highlighted (newest) against the one before it
        title = str(history.query_one("#diff-title").render())
        assert f"v{ids['idea']} (human) → v{third} (human)" in title
        await pilot.press("space", "j", "j", "space")
        assert history.marked == [third, ids["idea_model"]]
        title = str(history.query_one("#diff-title").render())
        assert f"v{ids['idea_model']} ({MODEL}) → v{third} (human)" in title and "marked" in title
        diff = log_text(history.query_one("#diff", RichLog))
        assert "+# A third idea" in diff and "-# Drift-aware irrigation advice" in diff
        styles = {str(s.style) for line in history.query_one("#diff", RichLog).lines
                  for s in line if s.text.startswith(("+#", "-#"))}
        assert {"green", "red"} <= styles

        # make the model's version current again: later stages go stale
        assert screen.check_action("make_current", ()) is True
        await pilot.press("m")
        await pilot.pause()
        assert V.current(store, run_id, "idea").id == ids["idea_model"]
        assert V.stale_stages(store, run_id) == ["literature", "proposal", "experiment", "paper"]
        assert table.get_row(str(ids["idea_model"]))[4] == "current"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.version_id == ids["idea_model"]


async def test_experiment_tab_shows_files_executions_and_figures(store, llm_settings, tmp_path):
    app, ids = make_run_app(store, llm_settings, tmp_path / "ws")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_run(app, pilot, ids["run"])
        await pilot.press("4")
        tree = screen.query_one("#file-tree", Tree)
        leaves = sorted(str(n.data["path"]) for n in _walk(tree.root) if n.data)
        assert leaves == ["experiment.py", "figures/detection.png", "logs/train.log",
                          "results.md"]
        table = screen.query_one("#exec-table")
        assert app.focused is table and table.row_count == 2
        output = screen.query_one("#exp-output", TextArea)
        assert "caught 7 of 8" in output.text and "exit code 0" in output.text
        await pilot.press("k")
        assert "NameError" in output.text and "reason: exit code 1" in output.text
        assert "status failed" in output.text
        figures = str(screen.query_one("#exp-figures").render())
        assert "✓ figures/detection.png" in figures
        script = next(n for n in _walk(tree.root) if n.data and n.data["path"] == "experiment.py")
        tree.move_cursor(script)
        await pilot.pause()
        assert "random.seed(0)" in output.text
        png = next(n for n in _walk(tree.root) if n.data and n.data["kind"] == "figure")
        tree.move_cursor(png)
        await pilot.pause()
        assert "(binary, 72 bytes)" in output.text


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


def _editor_script(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake-editor.sh"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_external_edit_returns_what_the_editor_saved(tmp_path):
    editor = _editor_script(tmp_path, 'printf "added by the editor\\n" >> "$1"\n')
    assert external_edit("# Idea\n", [editor]) == "# Idea\nadded by the editor\n"
    failing = _editor_script(tmp_path, "exit 3\n")
    with pytest.raises(RuntimeError, match="exited with code 3"):
        external_edit("# Idea\n", [failing])
    with pytest.raises(OSError):
        external_edit("# Idea\n", [str(tmp_path / "no-such-editor")])


async def test_external_editor_without_a_terminal_is_an_error_toast(store, llm_settings,
                                                                    tmp_path):
    app, ids = make_run_app(store, llm_settings, tmp_path / "ws")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_run(app, pilot, ids["run"])
        assert not screen.check_action("external", ())      # not on this pane
        await pilot.press("2")
        before = screen.editor.text
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert any("external editor" in n.message for n in app._notifications)
        assert screen.editor.text == before and not screen.editor.dirty


async def test_new_run_from_the_task_screen_and_the_runs_mode(store, llm_settings, tmp_path):
    app, ids = make_run_app(store, llm_settings, tmp_path / "ws")
    async with app.run_test(size=SIZE) as pilot:
        app.open_task(TASK_ID)
        await pilot.pause()
        await pilot.press("n")
        assert isinstance(app.screen, ChoiceScreen)
        assert app.screen.values[app.screen.query_one("#choices").highlighted] == MODEL
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen) and "mode" in app.screen.title_text
        await pilot.press("down", "enter")    # stepwise: nothing starts by itself (an
        # end-to-end run starts all its stages at once: tests/ui/test_run_all.py)
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RunScreen) and screen.run_id != ids["run"]
        assert [s.state for s in screen.states] == ["pending"] * 5
        assert screen.check_action("run_stage", ()) is True        # idea needs nothing
        await pilot.press("l")
        assert screen.check_action("run_stage", ()) is None        # literature needs an idea
        new = V.get_run(store, screen.run_id)
        assert (new.task_id, new.model_name, new.mode) == (TASK_ID, MODEL, "stepwise")

        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("2", "enter")
        await pilot.pause()
        assert isinstance(app.screen, RunScreen)

        app.go_to("runs")
        await pilot.pause()
        table = app.screen.query_one("#runs-table")
        assert table.row_count == 2
        assert table.get_row(str(ids["run"]))[5] == "✓✓✓✓✓"
        assert table.get_row(str(new.id))[5] == "○○○○○"
        table.move_cursor(row=table.get_row_index(str(ids["run"])))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RunScreen) and app.screen.run_id == ids["run"]


async def test_a_crossed_run_budget_asks_and_a_raised_cap_runs_the_stage(
        store, llm_settings, loopback, tmp_path):
    app, ids = make_run_app(store, llm_settings, tmp_path / "ws")
    run_id = ids["run"]
    set_budget_cap(store, "run", run_id, 0.0001)
    async with app.run_test(size=SIZE) as pilot:
        await open_run(app, pilot, run_id)
        await pilot.press("r")
        for _ in range(100):
            await pilot.pause(0.02)
            if isinstance(app.screen, BudgetExceededScreen):
                break
        modal = app.screen
        assert isinstance(modal, BudgetExceededScreen) and modal.scope == "run"
        assert modal.cap == pytest.approx(0.0001) and modal.estimate > 0
        assert len(loopback.requests) == 0
        cap = float(modal.query_one("#budget-cap", Input).value)
        assert cap >= modal.spent + modal.estimate
        await pilot.press("enter")            # accepts the suggested cap
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert V.get_run(store, run_id).budget_usd == pytest.approx(cap)
    assert len(loopback.requests) == 1
    assert V.current(store, run_id, "idea").author == MODEL


async def test_rerun_stale_runs_only_the_stale_stages(store, llm_settings, loopback, tmp_path):
    app, ids = make_run_app(store, llm_settings, tmp_path / "ws")
    run_id = ids["run"]
    V.set_current(store, ids["experiment"])     # same version again: nothing changes
    assert V.stale_stages(store, run_id) == []
    V.write_version(store, run_id, "experiment", "# Results, second look\n", "human")
    assert V.stale_stages(store, run_id) == ["paper"]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_run(app, pilot, run_id)
        assert screen.stage == "paper" and screen.check_action("run_stale", ()) is True
        loopback.script("# Paper, rewritten\n")
        await pilot.press("R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.check_action("run_stale", ()) is None
        assert "Nothing is stale" in str(screen.query_one("#stale-line").render())
    assert len(loopback.requests) == 1
    assert V.stale_stages(store, run_id) == []
    assert V.current(store, run_id, "paper").text == "# Paper, rewritten\n"


async def test_a_run_of_an_unconfigured_model_can_be_read_but_not_run(store, llm_settings,
                                                                      tmp_path):
    app, _ = make_run_app(store, llm_settings, tmp_path / "ws")
    other = V.create_run(store, TASK_ID, "no-such-model", "stepwise")
    V.write_version(store, other.id, "idea", "# An idea from elsewhere\n", "no-such-model")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_run(app, pilot, other.id)
        assert "no-such-model is not configured" in str(screen.query_one("#run-head").render())
        assert screen.check_action("run_stage", ()) is None
        await pilot.press("h", "2", *"Kept. ", "ctrl+s")
        await pilot.pause()
    assert V.current(store, other.id, "idea").text.startswith("Kept. ")
