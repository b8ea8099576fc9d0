"""The Runs mode: agent runs with the state of each stage; `enter` opens one on the Run screen.

Also `new_run`, the dialog flow (model, then mode) the Task screen's "New run" key uses.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.markup import escape
from textual.widgets import DataTable, Footer, Header, Static

from mlrtui.runs import versions as V
from mlrtui.runs.status import run_status
from mlrtui.ui.jobs.stage import stage_job
from mlrtui.ui.modals import ChoiceScreen
from mlrtui.ui.names import model_label
from mlrtui.ui.screens.base import AppScreen
from mlrtui.ui.widgets.keytable import KeyTable
from mlrtui.ui.widgets.stepper import MARKS

if TYPE_CHECKING:
    from mlrtui.ui.app import MlrtuiApp

MODES = [("end-to-end: one model through all five stages", "end-to-end"),
         ("stepwise: stage by stage, as in the benchmark's stepwise evaluation", "stepwise")]


def new_run(app: MlrtuiApp, task_id: str) -> None:
    """Ask for a model and a mode, create the run and open it."""
    models = app.settings.all_models()
    options = []
    for name in sorted(models):
        reason = models[name].unavailable_reason()
        options.append((name + (f"  (unavailable: {reason})" if reason else ""), name))

    def created(model: str, mode: str | None) -> None:
        if mode is None:
            return
        run = V.create_run(app.store, task_id, model, mode)  # type: ignore[arg-type]
        app.data_changed()
        app.open_run(run.id, run_all=mode == "end-to-end")   # end-to-end starts at once

    def picked(model: str | None) -> None:
        if model is not None:
            app.push_screen(ChoiceScreen(f"New run of {task_id} with {model}: mode", MODES),
                            lambda mode: created(model, mode))

    app.push_screen(ChoiceScreen(f"New run of {task_id}: model", options,
                                 current=app.settings.default_model), picked)


def stage_marks(states: list[V.StageState]) -> str:
    """e.g. "✓✓!!○": done, done, stale, stale, pending."""
    return "".join(MARKS[s.state] for s in states)


class RunsScreen(AppScreen):
    CSS_PATH = Path(__file__).parents[1] / "run.tcss"
    MODE_TITLE = "Runs"
    MODE_HELP = "Agent runs: each stage's state, errors; open one to run, edit or diff stages"
    HELP = """\
### Runs
The newest runs first. The stages column reads idea, literature, proposal, experiment, paper:
✓ done, ! stale (an upstream stage changed), ✗ an experiment none of whose executions
succeeded, ○ no version yet. The status column: running, failed, interrupted, stale, done
(every stage the run was asked for is produced), partial (some are: "partial 2/5"), pending. `enter` opens a run; `a` shows
the runs imported from the corpus too. New runs start from a task (Task screen, `n`).
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "toggle_all", "All/Local", id="runs.all",
                tooltip="Show the corpus's imported runs too, or only runs made here"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_all = False
        self.summary = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield KeyTable(id="runs-table")
        yield Static("", id="runs-explain")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(KeyTable)
        table.add_columns("run", "task", "model", "mode", "source", "stages", "status",
                          "updated")
        self.refresh_data()
        table.focus()

    def refresh_data(self) -> None:
        table = self.query_one(KeyTable)
        keep = table.current_key
        table.clear()
        if self.store.reap():           # a run killed in another process: "interrupted"
            self.app.data_changed()
        runs = [r for r in V.list_runs(self.store) if self.show_all or r.source == "local"]
        for run in runs:
            job = stage_job(self.app, run.id)
            live = job is not None and job.running
            states = V.stage_states(self.store, run.id)
            status = (f"running {job.stage}" if live else
                      run_status(self.store, run, live=live or None, states=states).label)
            table.add_row(str(run.id), run.task_id, model_label(self.app, run.model_name),
                          run.mode, run.source,
                          stage_marks(states), status,
                          run.updated_at[:16].replace("T", " "), key=str(run.id))
        if keep is not None:
            table.move_to_key(keep)
        noun = "run" if len(runs) == 1 else "runs"
        which = noun if self.show_all else f"{noun} made here (a: all)"
        self.summary = (f"{len(runs)} {which} · stages: idea literature proposal experiment "
                        f"paper ({MARKS['done']} done, {MARKS['stale']} stale, "
                        f"{MARKS['failed-code']} code failed, {MARKS['pending']} none)")
        self._explain_row()

    def _explain_row(self) -> None:
        """The summary line, then the highlighted run's error (or a hint when empty)."""
        key = self.query_one(KeyTable).current_key
        second = "No runs yet: open a task and press n." if key is None else ""
        if key is not None:
            run = V.get_run(self.store, int(key))
            job = stage_job(self.app, run.id)
            status = run_status(self.store, run, live=job is not None and job.running)
            if status.reason:
                second = f"Run {run.id}: [b]{escape(status.label)}[/b] · {escape(status.reason)}"
        self.query_one("#runs-explain", Static).update(f"{self.summary}\n{second}")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._explain_row()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.mlr.open_run(int(event.row_key.value))

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.refresh_data()
