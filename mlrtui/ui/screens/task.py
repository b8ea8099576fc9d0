"""One task: its workshop call, its runs, and the models' ideas or proposals side by side."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.markup import escape
from textual.widgets import DataTable, Footer, Header, Label, Static, TabbedContent, TabPane

from mlrtui.runs import overview as browse
from mlrtui.ui.names import model_label
from mlrtui.ui.screens.base import TabbedScreen
from mlrtui.ui.widgets.comparison import Comparison
from mlrtui.ui.widgets.keytable import KeyTable
from mlrtui.ui.widgets.mdlog import MarkdownLog

STAGE_TITLES = {"idea": "Ideas", "proposal": "Proposals"}


def compare_label(stage: str) -> str:
    """The comparison tab's label: named like its key in the footer ("3 Compare")."""
    return f"Compare {STAGE_TITLES[stage].lower()}"


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


class TaskScreen(TabbedScreen):
    HELP = """\
### Task
The workshop call (`1`), the task's runs (`2`) and the models' outputs side by side (`3`).
In the comparison, each column is one model's current version, headed by every judge's
Overall score and their mean (hover the header for the dimension means). `t` switches
between ideas and proposals, `h`/`l` move between columns, `enter` opens the viewer.
`n` starts a new run of the task; on the runs tab `enter` opens a run on the Run screen and
`v` reads its latest stage output.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="task.back", tooltip="Back to the tasks"),
        Binding("1", "tab('tab-call')", "Call", id="task.call", tooltip="The workshop call"),
        Binding("2", "tab('tab-runs')", "Runs", id="task.runs", tooltip="The task's runs"),
        Binding("3", "tab('tab-compare')", "Compare", id="task.compare",
                tooltip="The models' outputs side by side"),
        Binding("t", "toggle_stage", "Ideas/Proposals", id="task.stage",
                tooltip="Compare ideas or proposals"),
        Binding("J", "judge", "Judge", id="task.judge",
                tooltip="Judge this task's runs (the Judge panel, on the stage shown)"),
        Binding("n", "new_run", "New run", id="task.new_run",
                tooltip="Start a run of this task: pick a model and a mode"),
        Binding("v", "view_output", "View output", id="task.view_output",
                tooltip="Read the highlighted run's latest stage output (Runs tab)"),
    ]

    def __init__(self, task_id: str) -> None:
        super().__init__()
        self.task_id = task_id
        self.stage = "idea"
        self.detail = browse.task_detail(self.store, task_id)

    def compose(self) -> ComposeResult:
        yield Header()
        detail = self.detail
        if detail is None:
            yield Static(f"No task {escape(self.task_id)} in the database.", id="task-head")
            yield Footer()
            return
        outputs = browse.compare_stage(self.store, self.task_id, self.stage)
        t = detail.task
        yield Static(f"[b]{t.id}[/b] · {t.venue.upper()} {t.year} · {t.category} · "
                     f"{plural(len(detail.runs), 'run')}\n{escape(t.title)}", id="task-head")
        with TabbedContent(initial="tab-compare" if outputs else "tab-call"):
            with TabPane("Call", id="tab-call"):
                yield MarkdownLog(t.body, id="call")
            with TabPane("Runs", id="tab-runs"):
                yield KeyTable(id="runs-table")
            with TabPane(compare_label(self.stage), id="tab-compare"):
                yield Label("", id="compare-title")
                yield Comparison(id="comparison")
        yield Footer()
        self._initial_outputs = outputs

    async def on_mount(self) -> None:
        if self.detail is None:
            return
        self.sub_title = self.task_id
        self._fill_runs()
        await self._show(self._initial_outputs)

    def _fill_runs(self) -> None:
        table = self.query_one("#runs-table", KeyTable)
        table.clear(columns=True)
        table.add_columns("run", "mode", "model", "agent", "status", "stages done", "created")
        for run in self.detail.runs if self.detail else []:
            table.add_row(str(run.id), run.mode, model_label(self.app, run.model),
                          run.agent or "", run.status,
                          " ".join(run.stages_done) or "none",
                          run.created_at[:16].replace("T", " "),
                          key=str(run.id))

    async def _show(self, outputs: list[browse.StageOutput]) -> None:
        title = STAGE_TITLES[self.stage]
        self.query_one(TabbedContent).get_tab("tab-compare").label = compare_label(self.stage)
        self.query_one("#compare-title", Label).update(
            f"{title} of {len(outputs)} model{'s' if len(outputs) != 1 else ''} · "
            f"t: {'proposals' if self.stage == 'idea' else 'ideas'} · enter: view")
        await self.query_one(Comparison).show(
            outputs, f"No stepwise {self.stage} for this task yet.")
        if self.query_one(TabbedContent).active == "tab-compare":
            self.query_one(Comparison).focus_first()

    async def refresh_data(self) -> None:
        self.detail = browse.task_detail(self.store, self.task_id)
        if self.detail is not None:
            self._fill_runs()
            await self._show(browse.compare_stage(self.store, self.task_id, self.stage))

    TAB_ACTIONS: ClassVar[dict[str, tuple[str, ...]]] = {"view_output": ("tab-runs",)}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("tab", "toggle_stage", "new_run", "view_output") and self.detail is None:
            return None
        if (ok := super().check_action(action, parameters)) is not True:
            return ok
        if action == "view_output" and not self.detail.runs:
            return None
        return True

    def action_new_run(self) -> None:
        from mlrtui.ui.screens.runs import new_run

        new_run(self.mlr, self.task_id)

    def action_view_output(self) -> None:
        key = self.query_one("#runs-table", KeyTable).current_key
        run = next((r for r in self.detail.runs if str(r.id) == key), None)
        if run is None or not run.heads:
            self.notify("This run has no stage outputs yet.", severity="warning")
            return
        self.mlr.open_version(list(run.heads.values())[-1])

    def action_judge(self) -> None:
        from mlrtui.ui.screens.judge import JudgePanel

        self.app.push_screen(JudgePanel(task_id=self.task_id, stage=self.stage))

    def focus_pane(self, pane_id: str) -> None:
        """Keys act on the visible content, not on the tab strip."""
        if pane_id == "tab-compare":
            self.query_one(Comparison).focus_first()
        elif pane_id == "tab-runs":
            self.query_one("#runs-table").focus()
        elif pane_id == "tab-call":
            self.query_one("#call").focus()

    async def action_toggle_stage(self) -> None:
        self.stage = "proposal" if self.stage == "idea" else "idea"
        self.action_tab("tab-compare")
        await self._show(browse.compare_stage(self.store, self.task_id, self.stage))

    def on_comparison_selected(self, event: Comparison.Selected) -> None:
        self.mlr.open_version(event.version_id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a run opens it on the Run screen (stages, versions, editor)."""
        if event.row_key.value is not None:
            self.mlr.open_run(int(event.row_key.value))
