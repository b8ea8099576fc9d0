"""One judge review as stored: status, error, what the judge was not shown, scores and the raw
reply (selectable and copyable), so an invalid reply can be read as the judge wrote it."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static, TextArea

from mlrtui.core.reviews import Review
from mlrtui.ui.modals.base import Modal


def review_meta(r: Review) -> str:
    """Markup: who judged what, with which rubric, and how the reply parsed."""
    status = r.parse_status + (f": {r.error}" if r.error else "")
    rubric = (r.rubric_id or "–") + (f"@{r.rubric_hash[:8]}" if r.rubric_hash else "")
    lines = [(f"[b]review {r.id}[/b] · {escape(r.stage)} of {escape(r.task_id or '?')} "
              f"(run {r.run_id}, version {r.version_id}) by [b]{escape(r.judge_model)}[/b]"),
             (f"rubric {escape(rubric)} · status {escape(status)} · "
              f"source {escape(r.source)}")]
    if r.scores:
        lines.append(" · ".join(f"{escape(d)} {s:g}" for d, s in r.scores.items()))
    lines += [f"note: {escape(n)}" for n in r.notes]
    return "\n".join(lines)


class ReviewScreen(Modal[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="review.close", tooltip="Close the review"),
        Binding("c", "copy", "Copy", id="review.copy",
                tooltip="Copy the raw reply to the clipboard"),
    ]

    def __init__(self, review: Review) -> None:
        super().__init__()
        self.review = review

    def compose(self) -> ComposeResult:
        r = self.review
        with Vertical(classes="dialog -wide", id="review-dialog"):
            yield Label(f"Raw reply of review {r.id} ({r.parse_status})",
                        classes="dialog-title")
            yield Static(review_meta(r), id="review-meta")
            yield TextArea(r.raw_text, read_only=True, soft_wrap=True, id="review-raw")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Copy", id="copy")
                yield Button("Close", id="close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "copy":
            self.action_copy()
        else:
            self.close(None)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.review.raw_text)
        self.notify("Copied the raw reply")
