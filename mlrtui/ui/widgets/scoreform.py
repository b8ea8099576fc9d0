"""A keyboard-first score form: one short field per rubric dimension, and below them the focused
dimension's question and band descriptions, so the scorer reads the scale while typing.

Type a score and `enter` to move on; `enter` on the last field posts `Submitted`.
"""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import DescendantFocus
from textual.message import Message
from textual.validation import Number
from textual.widgets import Input, Label, Static

from mlrtui.judge.rubrics import ConfidenceSpec, Dimension


class ScoreField(Horizontal):
    DEFAULT_CSS = """
    ScoreField { height: 1; }
    ScoreField .score-name { width: 16; }
    ScoreField Input { width: 8; }
    ScoreField .score-range { width: auto; padding-left: 1; color: $text-muted; }
    """

    def __init__(self, index: int, name: str, lo: int, hi: int) -> None:
        super().__init__(classes="score-field")
        self.index, self.dimension, self.lo, self.hi = index, name, lo, hi

    def compose(self) -> ComposeResult:
        yield Label(self.dimension, classes="score-name")
        yield Input(type="integer", max_length=2, compact=True, id=f"score-{self.index}",
                    validators=[Number(minimum=self.lo, maximum=self.hi)],
                    tooltip=f"{self.dimension}: a whole number from {self.lo} to {self.hi}")
        yield Label(f"{self.lo}–{self.hi}", classes="score-range")


class ScoreForm(Vertical):
    DEFAULT_CSS = """
    ScoreForm { height: 1fr; padding: 0 1; }
    ScoreForm #score-fields { height: auto; margin-bottom: 1; }
    ScoreForm #score-guide { height: 1fr; background: $boost; padding: 0 1; }
    """

    class Submitted(Message):
        """Enter on the last field: the form's values (text as typed, by dimension)."""

        def __init__(self, values: dict[str, str]) -> None:
            super().__init__()
            self.values = values

    def __init__(self, dimensions: list[Dimension], lo: int, hi: int,
                 confidence: ConfidenceSpec | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dimensions = dimensions
        self.confidence = confidence
        self.fields: list[tuple[str, int, int]] = [(d.name, lo, hi) for d in dimensions]
        if confidence is not None:
            self.fields.append(("Confidence", confidence.min, confidence.max))

    def compose(self) -> ComposeResult:
        with Vertical(id="score-fields"):
            for i, (name, lo, hi) in enumerate(self.fields):
                yield ScoreField(i, name, lo, hi)
        yield Static("", id="score-guide")

    @property
    def inputs(self) -> list[Input]:
        return list(self.query_one("#score-fields").walk_children(Input))

    def values(self) -> dict[str, str]:
        return {name: field.value.strip()
                for (name, _, _), field in zip(self.fields, self.inputs)}

    def missing(self) -> list[str]:
        """Dimensions left empty or out of range; their fields get the -error class."""
        bad = []
        for (name, _, _), field in zip(self.fields, self.inputs):
            ok = bool(field.value.strip()) and field.validate(field.value).is_valid
            field.set_class(not ok, "-error")
            if not ok:
                bad.append(name)
        return bad

    def focus_first(self) -> None:
        fields = self.inputs
        if fields:
            fields[0].focus()

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        if isinstance(event.widget, Input) and event.widget in self.inputs:
            self.show_guide(self.inputs.index(event.widget))

    def show_guide(self, index: int) -> None:
        name, lo, hi = self.fields[index]
        if index < len(self.dimensions):
            question, bands = self.dimensions[index].question, self.dimensions[index].bands
        else:
            assert self.confidence is not None
            question, bands = self.confidence.question, self.confidence.bands
        lines = [f"[b]{escape(name)}[/b] ({lo}–{hi}): {escape(question)}", ""]
        lines += [f"[b]{escape(band)}[/b]  {escape(text)}" for band, text in bands.items()]
        self.query_one("#score-guide", Static).update("\n".join(lines))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        fields = self.inputs
        if event.input not in fields:
            return
        index = fields.index(event.input)
        if index + 1 < len(fields):
            fields[index + 1].focus()
        else:
            self.post_message(self.Submitted(self.values()))
