"""One run of one task: the five stages, the selected stage's current version, an editor for it,
its history with diffs, and (for the experiment) the workspace files and executions.

Stages run in App-owned workers (`stagejob`), so leaving the screen does not stop them; the
screen follows the running job's streamed text into a Markdown widget.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.markup import escape
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane

from mlrtui.experiment import workspace
from mlrtui.experiment.executor import list_executions
from mlrtui.runs import versions as V
from mlrtui.runs.prompts import SPECS
from mlrtui.runs.status import run_status
from mlrtui.services.stages import rerun_estimate
from mlrtui.store.tasks import task_title
from mlrtui.ui.jobs.stage import StageJob, stage_job, start_stage_job
from mlrtui.ui.modals import ConfirmScreen, ErrorScreen
from mlrtui.ui.names import model_label
from mlrtui.ui.screens.base import TabbedScreen
from mlrtui.ui.widgets.editor import StageEditor, editor_command, external_edit
from mlrtui.ui.widgets.experiment import ExperimentPanel
from mlrtui.ui.widgets.history import VersionHistory
from mlrtui.ui.widgets.output import OutputPane
from mlrtui.ui.widgets.stepper import ChipState, StageStepper

TABS = ("tab-output", "tab-edit", "tab-history", "tab-experiment")


class RunScreen(TabbedScreen):
    CSS_PATH = Path(__file__).parents[1] / "run.tcss"   # absolute: subclasses elsewhere work
    HELP = """\
### Run
The five stages of one run. `h`/`l` (or a click) select a stage; `1`–`4` show its current
version, the editor, its history and the experiment's files and executions.
`r` runs the selected stage (again), `R` re-runs every stale stage, `c` cancels: nothing
half-written is kept. Stages keep running when you leave this screen.
In the editor, `ctrl+s` saves a human version, which makes every later stage stale;
`ctrl+e` edits in $EDITOR; `escape` leaves the editor, keeping the text.
In the history, `space` marks two versions to diff, `m` makes the highlighted version
current, `enter` opens it in the viewer.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="run.back",
                tooltip="Back (asks first when the editor has unsaved changes)"),
        Binding("h", "stage(-1)", "Prev", id="run.prev", tooltip="Select the previous stage"),
        Binding("l", "stage(1)", "Next", id="run.next", tooltip="Select the next stage"),
        Binding("1", "tab('tab-output')", "Output", show=False, id="run.output",
                tooltip="The selected stage's current version, or its live output"),
        Binding("2", "tab('tab-edit')", "Edit", show=False, id="run.edit",
                tooltip="Edit the selected stage's text"),
        Binding("3", "tab('tab-history')", "History", show=False, id="run.history",
                tooltip="Every version of the selected stage, with diffs"),
        Binding("4", "tab('tab-experiment')", "Experiment", show=False, id="run.experiment",
                tooltip="Workspace files, executions and figures of the experiment"),
        Binding("r", "run_stage", "Run", id="run.run",
                tooltip="Run the selected stage (again) from the current upstream versions"),
        Binding("R", "run_stale", "Re-run stale", id="run.stale",
                tooltip="Re-run every stale stage in order"),
        Binding("a", "run_all", "Run all", id="run.all",
                tooltip="Run every remaining stage in order (missing, stale or failed); "
                        "c stops the whole chain"),
        Binding("c", "cancel", "Cancel", id="run.cancel",
                tooltip="Cancel the running stage; nothing half-written is kept"),
        Binding("m", "make_current", "Make current", id="run.current",
                tooltip="Make the highlighted version current (later stages go stale)"),
        Binding("ctrl+s", "save", "Save", id="run.save", priority=True,
                tooltip="Save the editor text as a human version (later stages go stale)"),
        Binding("ctrl+e", "external", "Editor", id="run.external", priority=True,
                tooltip="Edit the text in $VISUAL / $EDITOR and load the result back"),
        Binding("p", "provenance", "Provenance", id="run.provenance", show=False,
                tooltip="Every reported number coloured by whether executed output backs it"),
    ]

    # Keys that apply on one pane only are left out of the footer elsewhere.
    TAB_ACTIONS: ClassVar[dict[str, tuple[str, ...]]] = {
        "save": ("tab-edit",), "external": ("tab-edit",), "make_current": ("tab-history",)}

    def __init__(self, run_id: int, *, run_all: bool = False) -> None:
        super().__init__()
        self.run_id = run_id
        self.autostart = run_all              # a new end-to-end run starts all its stages
        self.run: V.Run | None = None
        self.states: list[V.StageState] = []
        self.stage: V.Stage = "idea"
        try:
            self.run = V.get_run(self.store, run_id)
        except V.VersionError:
            self.run = None

    # -- layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        if self.run is None:
            yield Static(f"No run {self.run_id} in the database.", id="run-head")
            yield Footer()
            return
        yield Static("", id="run-head")
        yield StageStepper(id="stepper")
        with TabbedContent(id="run-tabs"):
            with TabPane("1 Output", id="tab-output"):
                yield OutputPane(id="output")
            with TabPane("2 Edit", id="tab-edit"):
                yield StageEditor(id="editor")
            with TabPane("3 History", id="tab-history"):
                yield VersionHistory(id="history")
            with TabPane("4 Experiment", id="tab-experiment"):
                yield ExperimentPanel(id="experiment")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        if self.run is None:
            return
        self.sub_title = f"run {self.run_id} · {self.run.task_id}"
        job = self.job
        first = next((s.stage for s in V.stage_states(self.store, self.run_id)
                      if s.state != "done"), "idea")
        self.stage = job.stage if job is not None and job.running and job.stage else first
        self.reload(load_editor=True)
        if job is not None and job.running:
            self.query_one(OutputPane).follow(job)
        elif self.autostart and self.check_action("run_all", ()):
            self.action_run_all()

    @property
    def job(self) -> StageJob | None:
        return stage_job(self.app, self.run_id)

    @property
    def running(self) -> bool:
        job = self.job
        return job is not None and job.running

    @property
    def editor(self) -> StageEditor:
        return self.query_one(StageEditor)

    # -- showing ------------------------------------------------------------------------------
    def refresh_data(self) -> None:
        if self.run is not None:
            self.reload()

    def reload(self, *, load_editor: bool = False) -> None:
        """Read the run again and redraw everything; the editor keeps unsaved text."""
        self.run = V.get_run(self.store, self.run_id)
        self.states = V.stage_states(self.store, self.run_id)
        self._show_head()
        self._show_stepper()
        self._show_stage(load_editor=load_editor or not self.editor.dirty)
        self._show_experiment()
        self._estimate()
        self.refresh_bindings()

    def _show_head(self) -> None:
        run = self.run
        title = task_title(self.store, run.task_id)
        st = run_status(self.store, run, live=self.running or None, states=self.states)
        where = run.executor or f"{self.settings.executor.kind} (config)"   # runs.executor
        lines = [(f"[b]Run {run.id}[/b] · {escape(run.task_id)} · "
                  f"{escape(model_label(self.app, run.model_name))} · {run.mode} · experiment by "
                  f"{escape(run.agent or 'builtin')} on {escape(where)} · "
                  f"{escape(st.explained)}"),
                 escape(title if title is not None else "(task not in the database)")]
        if run.model_name not in self.settings.all_models():
            lines[1] += (f" · [b]model {escape(run.model_name)} is not configured[/b]: "
                         "read and edit only")
        head = self.query_one("#run-head", Static)
        head.update("\n".join(lines))
        head.set_class(st.state == "failed", "-failed")

    def chips(self) -> list[ChipState]:
        job, run = self.job, self.run
        live = job if job is not None and job.running and job.stage in job.stages else None
        queued = live.stages[live.stages.index(live.stage) + 1:] if live else []
        out = []
        for s in self.states:
            by = model_label(self.app, s.author)
            chip = ChipState(s.stage, s.state, f"v{s.version_id} · {by}"
                             if s.version_id else "no version")
            if live is not None and live.stage == s.stage:
                chip.state, chip.detail = "running", live.cluster_line() or "in flight"
            elif s.stage in queued:
                chip.detail = f"queued · {chip.detail}"
            elif (job is None or not job.running) and run.status == "failed" and \
                    (run.error or "").startswith(f"{s.stage}:"):
                chip.state, chip.detail = "failed", run.error.split(":", 1)[1].strip()
            out.append(chip)
        return out

    def _show_stepper(self) -> None:
        self.query_one(StageStepper).show(self.chips(), self.stage)

    def _show_stage(self, *, load_editor: bool) -> None:
        stage, store = self.stage, self.store
        version = V.current(store, self.run_id, stage)
        job = self.job
        self.query_one(OutputPane).show(
            stage, version, live=job is not None and job.running and job.stage == stage)
        if load_editor:
            self.editor.load(stage, version.text if version else "",
                             f"v{version.id} by {version.author}" if version else "")
        self.query_one(VersionHistory).show(V.history(store, self.run_id, stage))

    def _show_experiment(self) -> None:
        results = V.current(self.store, self.run_id, "experiment")
        executions = list_executions(self.store, self.run_id)
        job = self.job
        if job is not None:
            executions += job.live_executions(executions)
        self.query_one(ExperimentPanel).show(
            workspace.list_files(self.store, self.run_id),
            executions, workspace.figures(self.store, self.run_id),
            results.text if results else None,
            lambda file_id: workspace.file_content(self.store, file_id))

    @work(group="estimate", exclusive=True, exit_on_error=False,
          description="Estimate the cost of re-running the stale stages")
    async def _estimate(self) -> None:
        stepper = self.query_one(StageStepper)
        stale = V.stale_stages(self.store, self.run_id)
        stepper.show_stale(stale, None, known=not stale)
        if not stale:
            return
        _, cost = await rerun_estimate(self.store, self.settings, self.run_id)
        stepper.show_stale(stale, cost)

    # -- following a running job ----------------------------------------------------------------
    def on_output_pane_job_moved(self, event: OutputPane.JobMoved) -> None:
        """A job started a stage: show it, unless the editor holds unsaved text of another."""
        if not self.editor.dirty:
            self.stage = event.stage
        self.reload()

    def on_output_pane_job_ended(self, event: OutputPane.JobEnded) -> None:
        self.reload()

    def on_output_pane_cluster_job(self, event: OutputPane.ClusterJob) -> None:
        """A Slurm job of the running stage changed state: the chip and the executions."""
        self._show_stepper()
        self._show_experiment()

    # -- actions --------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.run is None:
            return True if action == "back" else None
        if (ok := super().check_action(action, parameters)) is not True:
            return ok
        if action == "run_stage":
            return None if self.running or not self._can_run(self.stage) else True
        if action == "run_stale":
            stale = [s.stage for s in self.states if s.state == "stale"]
            return None if self.running or not stale or not self._can_run(stale[0]) else True
        if action == "run_all":
            todo = self.remaining()
            return None if self.running or not todo or not self._can_run(todo[0]) else True
        if action == "cancel":
            return True if self.running else None
        if action == "save":
            return True if self.editor.dirty else None
        if action == "make_current":
            version = self.query_one(VersionHistory).highlighted
            return True if version and not version.current else None
        return True

    def _can_run(self, stage: V.Stage) -> bool:
        if self.run.model_name not in self.settings.all_models():
            return False
        have = {s.stage for s in self.states if s.version_id is not None}
        return all(need in have for need in SPECS[stage].needs)

    def _guard(self, then: Callable[[], object], question: str) -> None:
        """Run `then` now, or after the user agrees to drop the editor's unsaved changes."""
        if self.run is None or not self.editor.dirty:
            then()
            return
        self.app.push_screen(ConfirmScreen(question, "Discard", "Keep editing"),
                             lambda yes: then() if yes else self.action_tab("tab-edit"))

    def action_back(self) -> None:
        if self.focused is self.editor.area:   # first leave the editor, keeping its text
            self.query_one("#run-tabs Tabs").focus()
            return
        self._guard(self.dismiss, f"Leave with unsaved changes to the {self.editor.stage}?")

    def action_stage(self, step: int) -> None:
        index = (V.STAGES.index(self.stage) + step) % len(V.STAGES)
        self.select_stage(V.STAGES[index])

    def select_stage(self, stage: V.Stage) -> None:
        if stage == self.stage:
            return

        def go() -> None:
            self.stage = stage
            self.reload(load_editor=True)
        self._guard(go, f"Discard unsaved changes to the {self.editor.stage}?")

    def on_stage_stepper_selected(self, event: StageStepper.Selected) -> None:
        self.select_stage(event.stage)

    def focus_pane(self, pane_id: str) -> None:
        if pane_id == "tab-output":
            self.query_one(OutputPane).focus_content()
            return
        target = {"tab-edit": "#editor-text", "tab-history": "#history-table",
                  "tab-experiment": "#exec-table"}.get(pane_id)
        if target:
            self.query_one(target).focus()

    def on_stage_editor_dirty_changed(self, event: StageEditor.DirtyChanged) -> None:
        self.refresh_bindings()

    def on_data_table_row_highlighted(self) -> None:
        self.refresh_bindings()

    def on_version_history_open(self, event: VersionHistory.Open) -> None:
        self.mlr.open_version(event.version_id)

    def action_run_stage(self) -> None:
        self._start([self.stage], force=True)

    def remaining(self) -> list[V.Stage]:
        """Stages from the first one without an up-to-date version on (missing, stale,
        failed): running them in order brings the whole run up to date."""
        for i, s in enumerate(self.states):
            if s.state != "done":
                return [t.stage for t in self.states[i:]]
        return []

    def action_run_all(self) -> None:
        self._start(self.remaining(), force=False)

    def action_run_stale(self) -> None:
        self._start([s.stage for s in self.states if s.state == "stale"], force=False)

    def _start(self, stages: list[V.Stage], *, force: bool) -> None:
        job = start_stage_job(self.mlr, self.run_id, stages, force=force)
        if job is None:
            self.notify("A stage of this run is already running.", severity="warning")
            return
        self.action_tab("tab-output")
        self.query_one(OutputPane).follow(job)

    def action_cancel(self) -> None:
        job = self.job
        if job is not None and job.running:
            job.cancel()
            rest = job.stages[job.stages.index(job.stage) + 1:] if job.stage in job.stages else []
            self.notify(f"Cancelling {job.stage}" + (f" and the {len(rest)} stage(s) queued "
                                                      "after it" if rest else "") + "…")

    def action_save(self) -> None:
        editor = self.editor
        text = editor.text
        if not text.strip():
            editor.area.add_class("-error")
            self.notify("Nothing to save: the text is empty.", severity="error")
            return
        editor.area.remove_class("-error")
        version = V.save_human_version(self.store, self.run_id, editor.stage, text)
        editor.load(editor.stage, text, f"v{version.id} by human")
        later = [s.stage for s in V.stage_states(self.store, self.run_id)
                 if s.state == "stale"]
        self.notify(f"Saved {editor.stage} v{version.id}"
                    + (f"; stale now: {', '.join(later)}" if later else ""))
        self.mlr.data_changed()

    def action_make_current(self) -> None:
        version = self.query_one(VersionHistory).highlighted
        if version is not None:
            V.set_current(self.store, version.id)
            self.notify(f"v{version.id} is now the current {version.stage}")
            self.mlr.data_changed()

    def action_provenance(self) -> None:
        from mlrtui.ui.screens.provenance import ProvenanceScreen

        self.app.push_screen(ProvenanceScreen(self.run_id))

    def action_external(self) -> None:
        from textual.app import SuspendNotSupported

        editor = self.editor
        try:
            with self.app.suspend():
                text = external_edit(editor.text, editor_command())
        except SuspendNotSupported:
            self.notify("This terminal cannot hand over to an external editor.",
                        severity="error")
            return
        except (OSError, RuntimeError) as exc:
            self.app.push_screen(ErrorScreen("The external editor failed", str(exc)))
            return
        if text != editor.text:
            editor.set_text(text)
        editor.area.focus()
