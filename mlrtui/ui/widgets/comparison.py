"""Models' outputs for one stage side by side, each column headed by the model and its judges.

`h`/`l` (or left/right) move between columns, up/down scroll one, enter posts `Selected`.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import HorizontalScroll, Vertical
from textual.markup import escape
from textual.message import Message
from textual.widgets import Static

from mlrtui.runs.overview import JudgeScore, StageOutput
from mlrtui.ui.names import model_label
from mlrtui.ui.widgets.mdlog import MarkdownLog


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def score_lines(judges: list[JudgeScore], width: int = 34) -> list[str]:
    """'judge ........ 8.00' lines, one per judge (variant in brackets)."""
    lines = []
    for j in judges:
        label = j.label if len(j.label) <= width - 6 else j.label[: width - 7] + "…"
        lines.append(f"{label:<{width - 5}}{_fmt(j.overall):>5}")
    return lines


def dims_tooltip(judges: list[JudgeScore]) -> str:
    """Per judge, the mean of every dimension: shown as the column header's tooltip."""
    parts = []
    for j in judges:
        dims = ", ".join(f"{d} {s:g}" for d, s in j.dims.items()) or "no dimension scores"
        parts.append(f"{j.label} ({j.reviews} review{'s' if j.reviews != 1 else ''}): {dims}")
    return "\n".join(parts) or "Not judged yet"


class OutputBody(MarkdownLog):
    """The scrollable text of one column; focusable, so the keys below apply to it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "View", id="compare.open",
                tooltip="Open this output in the viewer (raw text, lineage, scores)"),
        Binding("left,h", "sibling(-1)", "Prev model", show=False, id="compare.prev",
                tooltip="Previous model's column"),
        Binding("right,l", "sibling(1)", "Next model", show=False, id="compare.next",
                tooltip="Next model's column"),
        Binding("j", "scroll_down", "Down", show=False, id="compare.down", tooltip="Scroll down"),
        Binding("k", "scroll_up", "Up", show=False, id="compare.up", tooltip="Scroll up"),
    ]

    SHOW_CHARS = 64_000     # a narrow column: six of them render at once

    def __init__(self, output: StageOutput) -> None:
        super().__init__(output.text, classes="output-body")
        self.output = output

    def action_open(self) -> None:
        self.post_message(Comparison.Selected(self.output.version_id))

    def action_sibling(self, step: int) -> None:
        bodies = list(self.screen.walk_children(OutputBody))
        index = bodies.index(self) + step
        if 0 <= index < len(bodies):
            bodies[index].focus()


class OutputColumn(Vertical):
    def __init__(self, output: StageOutput) -> None:
        super().__init__(classes="output-column" + (" -stale" if output.stale else ""))
        self.output = output

    def compose(self) -> ComposeResult:
        out = self.output
        name = escape(model_label(self.app, out.model))
        head = [f"[b]{name}[/b]{'  (stale)' if out.stale else ''}",
                f"{'mean of judges':<29}{_fmt(out.mean_overall):>5}" if out.judges
                else "not judged yet", *map(escape, score_lines(out.judges))]
        header = Static("\n".join(head), classes="output-head")
        header.tooltip = dims_tooltip(out.judges)
        yield header
        yield OutputBody(out)


class Comparison(HorizontalScroll):
    """Columns of StageOutputs; call `show()` to replace them."""

    DEFAULT_CSS = """
    Comparison { height: 1fr; }
    Comparison .output-column { width: 38; border: round $panel; }
    Comparison .output-column:focus-within { border: round $accent; }
    Comparison .output-column.-stale .output-head { color: $warning; }
    Comparison .output-head { height: auto; padding: 0 1; background: $boost; }
    Comparison .output-body { height: 1fr; background: $background; }
    Comparison .empty { padding: 1 2; color: $text-muted; }
    """

    MIN_WIDTH = 38

    class Selected(Message):
        """A column was opened: the version id of its text."""

        def __init__(self, version_id: int) -> None:
            super().__init__()
            self.version_id = version_id

    async def show(self, outputs: list[StageOutput], empty: str = "Nothing to compare.") -> None:
        await self.remove_children()
        if not outputs:
            await self.mount(Static(empty, classes="empty"))
            return
        await self.mount_all(OutputColumn(o) for o in outputs)
        self._fit()

    def focus_first(self) -> None:
        bodies = self.walk_children(OutputBody)
        if bodies:
            bodies[0].focus()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Share the width between the columns, at least MIN_WIDTH each (then scroll)."""
        columns = list(self.walk_children(OutputColumn))
        available = self.size.width or self.app.size.width
        if columns:
            width = max(self.MIN_WIDTH, available // len(columns))
            for column in columns:
                column.styles.width = width
