"""Blind human review: score outputs on the judges' rubric without seeing their scores or which
model wrote them. Scores are saved as the user's human scores (source 'user', blind), beside
the imported expert scores, and feed the agreement statistics.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import ContentSwitcher, Footer, Header, Input, Label, Select, Static

from mlrtui.scores.human import (
    HUMAN_RUBRIC,
    BlindItem,
    HumanScoreError,
    blind_item,
    blind_queue,
    rubric_for,
    save_scores,
)
from mlrtui.ui.screens.base import AppScreen
from mlrtui.ui.widgets.mdlog import MarkdownLog
from mlrtui.ui.widgets.scoreform import ScoreForm

JUDGE_TCSS = Path(__file__).parents[1] / "judge.tcss"   # absolute: subclasses work


class BlindReviewScreen(AppScreen):
    CSS_PATH = JUDGE_TCSS
    MODE_TITLE = "Blind review"
    MODE_HELP = "Score outputs yourself on the judges' rubric, blind to model and judges"
    HELP = """\
### Blind review
Type your reviewer name and pick a stage: the queue holds every current output of that stage
you have not scored yet, shuffled for you. The output is shown without the model's name or any
judge score. Type a score per dimension and `enter` to move on — the focused dimension's bands
are shown under the fields; `enter` on the last field (or `ctrl+s`) saves and opens the next
item. `ctrl+n` skips an item, `ctrl+t` shows the task description instead of the output.
Your scores count as human scores (source *user*) in the Stats screen's agreement table.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="review.back", tooltip="Back to the tasks"),
        Binding("ctrl+s", "save", "Save & next", id="review.save",
                tooltip="Save the scores of this item and open the next"),
        Binding("ctrl+n", "skip", "Skip", id="review.skip", tooltip="Next item, unscored"),
        Binding("ctrl+t", "toggle_task", "Task/Output", id="review.task",
                tooltip="Show the task description or the output"),
    ]

    def __init__(self, reviewer: str = "", stage: str = "paper") -> None:
        super().__init__()
        self.reviewer = reviewer
        self.stage = stage
        self.queue: list[int] = []
        self.item: BlindItem | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="review-bar"):
            yield Label("Reviewer", classes="bar-label")
            yield Input(self.reviewer, placeholder="your name", id="review-name", compact=True,
                        tooltip="Your scores are stored under this name")
            yield Select([(s, s) for s in HUMAN_RUBRIC], value=self.stage, allow_blank=False,
                         id="review-stage", compact=True,
                         tooltip="The stage whose outputs you score")
            yield Label("", id="review-progress")
        with Horizontal(id="review-body"):
            with Vertical(id="review-item"):
                yield Label("", id="review-title", classes="section-title")
                yield ContentSwitcher(id="review-switch")
            yield Vertical(id="review-form-box")
        yield Footer()

    async def on_mount(self) -> None:
        await self.load_queue()
        if not self.reviewer:
            self.query_one("#review-name", Input).focus()

    async def load_queue(self, keep: int | None = None, *, focus: bool = True) -> None:
        """The reviewer's queue for the stage; stay on `keep` if it is still unscored."""
        self.queue = blind_queue(self.store, self.reviewer, self.stage) if self.reviewer else []
        target = keep if keep in self.queue else (self.queue[0] if self.queue else None)
        if target is not None and self.item is not None and target == self.item.version_id:
            self._progress()          # the same item: keep what is typed in the form
            return
        await self.show_item(target, focus=focus)

    def _progress(self) -> None:
        if self.item is not None and self.item.version_id in self.queue:
            position = self.queue.index(self.item.version_id) + 1
            self.query_one("#review-progress", Label).update(
                f"item {position} of {len(self.queue)} · rubric {self.item.rubric_id}")

    async def show_item(self, version_id: int | None, *, focus: bool = True) -> None:
        """Show one queued item blind, with an empty form; `focus` puts the cursor in it."""
        box = self.query_one("#review-form-box", Vertical)
        switch = self.query_one(ContentSwitcher)
        await box.remove_children()
        await switch.remove_children()
        self.item = None
        if version_id is not None:
            try:
                self.item = blind_item(self.store, version_id)
            except HumanScoreError as exc:
                self.notify(str(exc), severity="error")
        progress = self.query_one("#review-progress", Label)
        title = self.query_one("#review-title", Label)
        if self.item is None:
            why = "type your name to start" if not self.reviewer else \
                f"nothing left to score at the {self.stage} stage"
            progress.update(f"0 items · {why}")
            title.update("")
            await box.mount(Static("No item to score.", classes="empty"))
            self.refresh_bindings()
            return
        item = self.item
        rubric = rubric_for(item.stage, item.rubric_id)
        self._progress()
        title.update(f"{escape(item.task_id)} · {escape(item.task_title)} · {item.stage} "
                     f"#{item.version_id} · ctrl+t: task")
        task = MarkdownLog(item.task_body, id="review-task")
        task.display = False
        await switch.mount(MarkdownLog(item.text, id="review-text"), task)
        switch.current = "review-text"
        form = ScoreForm(item.dimensions, rubric.scale_min, rubric.scale_max, item.confidence,
                         id="review-form")
        await box.mount(form)
        if focus and self.reviewer:
            form.focus_first()
        self.refresh_bindings()

    async def refresh_data(self) -> None:
        await self.load_queue(keep=self.item.version_id if self.item else None)

    # -- the bar -----------------------------------------------------------------------------
    async def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "review-name":
            self.reviewer = event.value.strip()
            await self.load_queue(focus=False)     # the name is still being typed

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "review-name" and self.item is not None:
            self.query_one(ScoreForm).focus_first()

    async def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "review-stage" and event.value != self.stage:
            self.stage = str(event.value)
            await self.load_queue(focus=False)

    # -- actions -----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("save", "skip", "toggle_task") and self.item is None:
            return None
        if action == "skip" and len(self.queue) < 2:
            return None
        return True

    def action_back(self) -> None:
        self.mlr.go_to("tasks")

    async def on_score_form_submitted(self) -> None:
        await self.action_save()

    async def action_save(self) -> None:
        if self.item is None:
            return
        form = self.query_one(ScoreForm)
        missing = form.missing()
        if missing:
            self.notify(f"Score every dimension: {', '.join(missing)}", severity="error")
            return
        try:
            save_scores(self.store, self.reviewer, self.item.version_id, form.values(),
                        rubric_id=self.item.rubric_id, blind=True)
        except HumanScoreError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(f"Saved your scores of {self.item.stage} #{self.item.version_id}")
        self.mlr.data_changed()     # reloads this screen too: the next unscored item

    async def action_skip(self) -> None:
        if self.item is None or len(self.queue) < 2:
            return
        index = (self.queue.index(self.item.version_id) + 1) % len(self.queue)
        await self.show_item(self.queue[index])

    def action_toggle_task(self) -> None:
        switch = self.query_one(ContentSwitcher)
        switch.current = "review-task" if switch.current == "review-text" else "review-text"
