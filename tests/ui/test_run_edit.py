"""Run screen: editing a stage, staleness, re-running against the loopback server, cancelling."""

from __future__ import annotations

from textual.widgets import Markdown, TabbedContent
from ui.seed_run import MODEL, SIZE, make_run_app, open_run, wait_until

from mlrtui.runs import versions as V
from mlrtui.ui.jobs.stage import stage_job as job_for
from mlrtui.ui.modals import ConfirmScreen, ErrorScreen
from mlrtui.ui.screens.run import RunScreen
from mlrtui.ui.widgets.docview import DocView
from mlrtui.ui.widgets.editor import StageEditor
from mlrtui.ui.widgets.stepper import StageStepper

LATER = ["literature", "proposal", "experiment", "paper"]


def inputs_of(store, version_id: int) -> set[int]:
    return {r["input_version_id"] for r in store.query(
        "SELECT input_version_id FROM version_inputs WHERE version_id=?", [version_id])}


async def test_editing_the_idea_marks_later_stages_stale_and_rerun_clears_one(
        store, llm_settings, loopback, tmp_path):
    app, ids = make_run_app(store, llm_settings, tmp_path / "ws")
    run_id = ids["run"]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_run(app, pilot, run_id)
        assert screen.stage == "idea" and V.stale_stages(store, run_id) == []
        await pilot.press("2")
        editor = screen.query_one(StageEditor)
        assert app.focused is editor.area and not editor.dirty
        await pilot.press(*"Edited. ")
        assert editor.dirty and editor.has_class("-dirty")
        assert "unsaved" in str(editor.query_one("#editor-status").render())
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()

        human = V.current(store, run_id, "idea")
        assert human.author == "human" and human.id != ids["idea"]
        assert human.text.startswith("Edited. ") and human.inputs == []
        assert V.stale_stages(store, run_id) == LATER
        assert not editor.dirty and f"v{human.id} by human" in editor.base_label
        stepper = screen.query_one(StageStepper)
        assert [c.id for c in stepper.query(".stage-chip.-stale")] == [f"chip-{s}" for s in LATER]
        line = str(stepper.query_one("#stale-line").render())
        assert "Stale: literature, proposal, experiment, paper" in line
        assert "costs up to $" in line   # fake-openai is priced as gpt-4o

        await pilot.press("escape")      # leaves the editor, not the screen
        assert app.screen is screen
        await pilot.press("l", "l")
        assert screen.stage == "proposal"
        loopback.script("# A new proposal\n\nBuilt on the edited idea.")
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()

    proposal = V.current(store, run_id, "proposal")
    assert proposal.id != ids["proposal"] and not proposal.stale
    assert proposal.author == MODEL and proposal.text.startswith("# A new proposal")
    assert human.id in inputs_of(store, proposal.id)
    assert ids["idea"] not in inputs_of(store, proposal.id)
    assert V.stale_stages(store, run_id) == ["literature", "experiment", "paper"]
    sent = loopback.requests[-1].body["messages"]
    assert any("Edited. " in m["content"] for m in sent)


async def test_rerun_streams_into_the_output_and_shows_the_new_version(literature_rerun):
    app, screen = literature_rerun.app, literature_rerun.screen
    live = screen.query_one("#live", Markdown)
    assert "One two three four five six." in live.source
    assert screen.query_one("#output-switch").current == "output-doc"
    assert screen.query_one(DocView).markdown.startswith("# Related work, again")
    job = job_for(app, literature_rerun.ids["run"])
    assert job.state == "done" and job.outcomes[0].status == "done"
    chip = screen.query_one("#chip-literature")
    assert chip.has_class("-done") and not chip.has_class("-running")


async def test_cancel_a_running_stage_leaves_no_new_version(store, llm_settings, loopback,
                                                           tmp_path):
    app, ids = make_run_app(store, llm_settings, tmp_path / "ws")
    run_id = ids["run"]
    loopback.latency_s = 1.5          # below the model's 2 s timeout: one request in flight
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_run(app, pilot, run_id)
        await pilot.press("l", "l")
        await pilot.press("r")
        await wait_until(pilot, lambda: len(loopback.requests) == 1)
        assert screen.query_one("#chip-proposal").has_class("-running")
        assert screen.query_one("#output-switch").current == "output-live"
        assert screen.check_action("cancel", ()) is True
        assert screen.check_action("run_stage", ()) is None
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert job_for(app, run_id).state == "cancelled"
        assert not screen.query_one("#chip-proposal").has_class("-running")
        assert screen.check_action("cancel", ()) is None

    assert [v.id for v in V.history(store, run_id, "proposal")] == [ids["proposal"]]
    assert V.get_run(store, run_id).status == "cancelled"
    assert len(loopback.requests) == 1


async def test_a_failed_stage_opens_an_error_and_marks_the_chip(store, llm_settings, loopback,
                                                               tmp_path):
    app, ids = make_run_app(store, llm_settings, tmp_path / "ws")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_run(app, pilot, ids["run"])
        loopback.fail_next("400")
        await pilot.press("l", "l", "l", "l", "r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
        assert "paper" in app.screen.title_text
        await pilot.press("escape")
        chip = screen.query_one("#chip-paper")
        assert chip.has_class("-failed")
        assert "-failed" in screen.query_one("#run-head").classes
    run = V.get_run(store, ids["run"])
    assert run.status == "failed" and run.error.startswith("paper:")
    assert [v.id for v in V.history(store, ids["run"], "paper")] == [ids["paper"]]


async def test_unsaved_changes_ask_before_leaving_or_switching(store, llm_settings, tmp_path):
    app, ids = make_run_app(store, llm_settings, tmp_path / "ws")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_run(app, pilot, ids["run"])
        await pilot.press("2", *"draft ", "escape")
        assert screen.editor.dirty
        await pilot.press("l")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert app.screen is screen and screen.stage == "idea"
        assert screen.query_one(TabbedContent).active == "tab-edit"
        assert screen.editor.text.startswith("draft ")

        await pilot.press("escape", "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert app.screen is screen and screen.editor.dirty
        await pilot.press("escape", "escape", "y")
        await pilot.pause()
        assert not isinstance(app.screen, RunScreen)
    assert [v.id for v in V.history(store, ids["run"], "idea")] == [ids["idea"],
                                                                    ids["idea_model"]]


async def test_save_is_dimmed_until_the_text_changes_and_refuses_empty_text(
        store, llm_settings, tmp_path):
    app, ids = make_run_app(store, llm_settings, tmp_path / "ws")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_run(app, pilot, ids["run"])
        await pilot.press("2")
        assert screen.check_action("save", ()) is None
        screen.editor.set_text("")
        await pilot.pause()
        assert screen.check_action("save", ()) is True
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.editor.area.has_class("-error")
    assert V.current(store, ids["run"], "idea").id == ids["idea"]
