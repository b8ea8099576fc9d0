"""The five agent stages in a row, each showing its state: pending, running, done, stale, failed,
failed-code (an experiment whose executions all failed: produced, but no results).

State classes on each chip (`-pending`, `-running`, `-done`, `-stale`, `-failed`,
`-failed-code`, `-selected`)
carry the colours; the line below says what re-running the stale stages would cost.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import Click
from textual.markup import escape
from textual.message import Message
from textual.widgets import Static

from mlrtui.runs.versions import STAGES, Stage

STATES = ("pending", "running", "done", "stale", "failed", "failed-code")
MARKS = {"pending": "○", "running": "◐", "done": "✓", "stale": "!", "failed": "✗",
         "failed-code": "✗"}
# What a chip says for a state whose name is not plain words.
LABELS = {"failed-code": "code failed"}


@dataclass
class ChipState:
    """What one chip shows."""

    stage: Stage
    state: str = "pending"
    detail: str = ""          # e.g. "v12 · human" or the failure


class StageChip(Static):
    def __init__(self, stage: Stage) -> None:
        super().__init__("", id=f"chip-{stage}", classes="stage-chip -pending")
        self.stage = stage

    def show(self, chip: ChipState, selected: bool) -> None:
        for state in STATES:
            self.set_class(chip.state == state, f"-{state}")
        self.set_class(selected, "-selected")
        label = LABELS.get(chip.state, chip.state)
        detail = chip.detail
        if chip.state == "failed-code":
            detail = "no successful execution" + (f" · {detail}" if detail else "")
        self.update(f"[b]{self.stage}[/b] {label}\n{escape(detail)}")
        self.tooltip = f"{self.stage}: {label}" + (f" ({detail})" if detail else "")

    def on_click(self, event: Click) -> None:
        self.post_message(StageStepper.Selected(self.stage))


class StageStepper(Vertical):
    DEFAULT_CSS = """
    StageStepper { height: auto; padding: 0 1; }
    StageStepper #chips { height: auto; }
    StageStepper .stage-chip {
        width: 1fr; height: 4; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis;
        border: tall $panel; background: $surface;
    }
    StageStepper .stage-chip.-done { border: tall $success 60%; }
    StageStepper .stage-chip.-stale { border: tall $warning; background: $warning 15%; }
    StageStepper .stage-chip.-running { border: tall $accent; background: $accent 20%; }
    StageStepper .stage-chip.-failed { border: tall $error; background: $error 15%; }
    StageStepper .stage-chip.-failed-code { border: tall $error; background: $error 15%; }
    StageStepper .stage-chip.-pending { color: $text-muted; }
    StageStepper .stage-chip.-selected { text-style: bold; background: $boost; }
    StageStepper .stage-chip.-selected.-done { border: thick $success; }
    StageStepper .stage-chip.-selected.-stale { border: thick $warning; }
    StageStepper .stage-chip.-selected.-running { border: thick $accent; }
    StageStepper .stage-chip.-selected.-failed { border: thick $error; }
    StageStepper .stage-chip.-selected.-failed-code { border: thick $error; }
    StageStepper .stage-chip.-selected.-pending { border: thick $primary; }
    StageStepper #stale-line { height: 1; color: $text-muted; }
    StageStepper #stale-line.-stale { color: $warning; }
    """

    class Selected(Message):
        """A chip was clicked."""

        def __init__(self, stage: Stage) -> None:
            super().__init__()
            self.stage = stage

    def compose(self) -> ComposeResult:
        with Horizontal(id="chips"):
            for stage in STAGES:
                yield StageChip(stage)
        yield Static("", id="stale-line")

    def show(self, chips: list[ChipState], selected: Stage) -> None:
        for chip in chips:
            self.query_one(f"#chip-{chip.stage}", StageChip).show(chip, chip.stage == selected)

    def show_stale(self, stale: list[Stage], cost: float | None, *, known: bool = True) -> None:
        """The stale stages and the worst-case USD of re-running them (None: unpriced)."""
        line = self.query_one("#stale-line", Static)
        line.set_class(bool(stale), "-stale")
        if not stale:
            line.update("Nothing is stale.")
            return
        if not known:
            price = "estimating the cost…"
        elif cost is None:
            price = "cost unknown (model not priced or not configured)"
        else:
            price = f"re-running them costs up to ${cost:.4f}"
        line.update(f"Stale: {', '.join(stale)} · {price} · R re-runs them")
