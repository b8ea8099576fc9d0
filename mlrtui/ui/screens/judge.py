"""The Judge panel: pick a stage, judges and targets; judge them in an App-owned worker; read
each judge's scores per dimension (mean, spread, disagreements) and every review, raw if invalid.
"""

from __future__ import annotations

from pathlib import Path
from statistics import fmean
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Label, ProgressBar

from mlrtui.judge.judging import JudgeTarget, find_targets
from mlrtui.judge.reviews import list_reviews
from mlrtui.judge.rubrics import Rubric, RubricError, rubric_for_stage
from mlrtui.kernel.errors import Fatal
from mlrtui.providers.registry import model_statuses
from mlrtui.scores.aggregate import item_key, load_items, run_scores
from mlrtui.ui.jobs import Job
from mlrtui.ui.jobs.judge import JudgeJob, judge_job, start_judge_job
from mlrtui.ui.modals import ConfirmScreen
from mlrtui.ui.modals.review import ReviewScreen
from mlrtui.ui.names import model_label
from mlrtui.ui.screens.base import AppScreen
from mlrtui.ui.widgets.judgesetup import JudgeSetup
from mlrtui.ui.widgets.keytable import KeyTable
from mlrtui.ui.widgets.reviewtable import ReviewTable
from mlrtui.ui.widgets.scoretable import ScoreTable, fmt, short

CONFIRM_ABOVE = 20        # ask before a batch of more calls than this
TARGET_COLUMNS = [("run", 5), ("task", 26), ("model", 20), ("version", 7), ("judges", 6),
                  ("Overall", 7)]

JUDGE_TCSS = Path(__file__).parents[1] / "judge.tcss"   # absolute: subclasses work


class JudgePanel(AppScreen):
    CSS_PATH = JUDGE_TCSS
    MODE_TITLE = "Judges"
    MODE_HELP = "Run rubric judges on a stage of runs and compare their scores"
    HELP = """\
### Judge panel
Pick the stage to judge, the judge models (unavailable ones say why) and optionally a task
glob; the table lists every run with a current version of that stage. `r` judges all listed
runs with the checked judges (already judged ones are skipped unless *Re-judge* is ticked).
The batch runs in the background: you can leave the panel and come back; `x` cancels it.

Below the targets: the highlighted run's scores per dimension — each judge, their mean and
spread. A spread above the disagreement threshold (config `disagreement_threshold`) is drawn
in red and marked ▲. Then every review of that run's stage, newest first; a reply that could
not be parsed is listed *invalid* with its error: `enter` (or `o`) shows the raw reply.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="judge.back", tooltip="Back"),
        Binding("r", "run", "Judge", id="judge.run",
                tooltip="Judge every listed run with the checked judges"),
        Binding("x", "cancel", "Cancel", id="judge.cancel",
                tooltip="Cancel the running judging batch (finished reviews stay)"),
        Binding("o", "open_review", "Raw reply", id="judge.open",
                tooltip="Show the highlighted review's raw reply"),
        Binding("t", "focus('#judge-targets')", "Targets", id="judge.targets",
                tooltip="Move to the targets table"),
        Binding("v", "focus('#judge-reviews')", "Reviews", id="judge.reviews",
                tooltip="Move to the reviews of the highlighted run"),
    ]

    def __init__(self, *, stage: str = "idea", task_id: str | None = None,
                 run_id: int | None = None) -> None:
        super().__init__()
        self.initial_stage = stage
        self.task_id = task_id
        self.run_id = run_id
        self.rubric: Rubric | None = None
        self.targets: list[JudgeTarget] = []
        self.job: JudgeJob | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="judge-body"):
            yield JudgeSetup(model_statuses(self.settings), self.settings.judges,
                             stage=self.initial_stage, task_glob=self.task_id or "",
                             id="judge-setup")
            with Vertical(id="judge-main"):
                yield Label("", id="judge-targets-title", classes="section-title")
                yield KeyTable(id="judge-targets")
                yield Label("", id="judge-scores-title", classes="section-title")
                yield ScoreTable(id="judge-scores")
                yield ReviewTable(id="judge-reviews")
        with Horizontal(id="judge-progress"):
            yield ProgressBar(total=None, show_eta=False, id="judge-bar", classes="-idle")
            yield Label("No judging batch in this session.", id="judge-status")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"run {self.run_id}" if self.run_id else (self.task_id or "")
        self.app.jobs.watch(self)
        self.job = judge_job(self.app)
        if self.job is not None:
            self._show_job(self.job)
        self.load_targets()
        self.query_one("#judge-targets").focus()

    def on_unmount(self) -> None:
        self.app.jobs.unwatch(self)

    def refresh_data(self) -> None:
        self.load_targets()

    # -- targets and their scores ----------------------------------------------------------
    def load_targets(self) -> None:
        setup = self.query_one(JudgeSetup)
        table = self.query_one("#judge-targets", KeyTable)
        keep = table.current_key
        try:
            self.rubric = rubric_for_stage(setup.stage)
        except RubricError as exc:
            self.rubric, self.targets = None, []
            self.notify(str(exc), severity="error")
        else:
            globs = [setup.task_glob] if setup.task_glob else None
            self.targets = find_targets(self.store, self.rubric, task_globs=globs,
                                        run_ids=[self.run_id] if self.run_id else None)
        judged = load_items(self.store, self.rubric.review_stage, variant="") \
            if self.rubric and self.targets else {}
        if not table.columns:       # fixed widths: refills never re-measure
            for label, width in TARGET_COLUMNS:
                table.add_column(label, key=label, width=width)
        table.clear()
        for t in self.targets:
            item = judged.get(item_key(t.run_id, None, None, ""))
            overall = [s["Overall"] for s in item.judges.values() if "Overall" in s] \
                if item else []
            table.add_row(str(t.run_id), short(t.task_id, 26), short(model_label(self.app, t.target_model), 20),
                          str(t.version_id), str(len(item.judges)) if item else "–",
                          fmt(fmean(overall)) if overall else "–", key=str(t.run_id))
        if keep:
            table.move_to_key(keep)
        stage = self.rubric.target_stage if self.rubric else setup.stage
        self.query_one("#judge-targets-title", Label).update(
            f"Targets: {len(self.targets)} run(s) with a current {stage} · rubric "
            f"{self.rubric.id if self.rubric else '?'} · r: judge them")
        self.show_run(table.current_key)
        self.refresh_bindings()

    def show_run(self, key: str | None) -> None:
        target = next((t for t in self.targets if str(t.run_id) == key), None)
        scores = self.query_one(ScoreTable)
        reviews = self.query_one(ReviewTable)
        title = self.query_one("#judge-scores-title", Label)
        if target is None or self.rubric is None:
            scores.show([])
            reviews.show([])
            title.update("No run highlighted.")
            return
        threshold = self.settings.disagreement_threshold
        scores.show(run_scores(self.store, target.run_id, self.rubric.review_stage, threshold),
                    self.rubric.dimension_names)
        reviews.show(list_reviews(self.store, run_id=target.run_id,
                                  stage=self.rubric.review_stage))
        marked = len(scores.disagreements)
        title.update(
            f"Run {target.run_id} · {target.task_id} · {model_label(self.app, target.target_model)} · "
            f"{self.rubric.review_stage} scores · spread > {threshold:g} marked ▲"
            + (f" ({marked})" if marked else ""))
        self.refresh_bindings()

    def on_judge_setup_changed(self) -> None:
        self.load_targets()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "judge-targets":
            self.show_run(event.row_key.value)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "judge-reviews":
            self.action_open_review()
        elif event.data_table.id == "judge-targets":
            self.query_one("#judge-reviews").focus()

    # -- actions ---------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        running = self.job is not None and self.job.running
        if action == "run" and (running or not self.targets):
            return None
        if action == "cancel" and not running:
            return None
        if action == "open_review" and not self.query_one(ReviewTable).reviews:
            return None
        return True

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.mlr.go_to("tasks")

    def action_focus(self, selector: str) -> None:
        self.query_one(selector).focus()

    def action_run(self) -> None:
        setup = self.query_one(JudgeSetup)
        judges = setup.judges
        if not judges:
            self.notify("Check at least one judge.", severity="error")
            self.query_one("#judge-models").add_class("-error")
            return
        self.query_one("#judge-models").remove_class("-error")
        if self.rubric is None or not self.targets:
            return
        rubric, targets, force = self.rubric, list(self.targets), setup.force
        calls = len(targets) * len(judges)
        if setup.batch_api:
            self._confirm_batch_api(rubric, judges, targets, force)
            return

        def go(yes: bool | None = True) -> None:
            if yes:
                self.job = start_judge_job(self.mlr, rubric, judges, targets, force=force)
                self._show_job(self.job)

        if calls > CONFIRM_ABOVE:
            self.app.push_screen(ConfirmScreen(
                f"Judge {len(targets)} run(s) with {len(judges)} judge(s): up to "
                f"{calls} reviews (batch budget ${self.settings.batch_budget_usd})?",
                yes="Judge"), go)
        else:
            go()

    @work(group="judge-batch-estimate", exclusive=True, exit_on_error=False,
          description="estimating a batch-API judging")
    async def _confirm_batch_api(self, rubric: Rubric, judges: list[str],
                                 targets: list[JudgeTarget], force: bool) -> None:
        """Show the expected saving (live vs batch price) before anything is sent."""
        from mlrtui.services.batch_api import BatchApiService
        from mlrtui.services.judging import JudgeRequest

        req = JudgeRequest(rubric=rubric, judges=judges, targets=targets, force=force)
        try:
            savings = await BatchApiService(self.store, self.settings).judge_savings(req)
        except Fatal as exc:
            self.notify(str(exc), severity="error")
            return
        if not savings:
            self.notify("Nothing to send: every target is judged or already in a batch.")
            return

        def go(yes: bool | None) -> None:
            if yes:
                self.job = start_judge_job(self.mlr, rubric, judges, targets, force=force,
                                           batch_api=True)
                self._show_job(self.job)

        lines = "\n".join(s.line() for s in savings)
        self.app.push_screen(ConfirmScreen(
            f"Send through the provider batch API (results within 24 h)?\n{lines}",
            yes="Send"), go)

    def action_cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def action_open_review(self) -> None:
        review = self.query_one(ReviewTable).current
        if review is not None:
            self.app.push_screen(ReviewScreen(review))

    # -- the running batch -----------------------------------------------------------------
    def on_job_changed(self, event: Job.Changed) -> None:
        if not isinstance(event.job, JudgeJob):
            return
        self.job = event.job
        self._show_job(event.job)
        if not event.job.running:
            self.load_targets()

    def _show_job(self, job: JudgeJob) -> None:
        bar = self.query_one("#judge-bar", ProgressBar)
        bar.remove_class("-idle")
        bar.update(total=job.total or None, progress=job.done)
        status = self.query_one("#judge-status", Label)
        status.update(job.status_line())
        status.set_class(job.running, "-running")
        status.set_class(job.state == "failed" or bool(job.problems), "-error")
        self.refresh_bindings()
