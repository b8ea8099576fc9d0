"""One judge review as stored: status, error, what the judge was not shown, scores and the raw
reply (selectable and copyable), so an invalid reply can be read as the judge wrote it."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, Static

from mlrtui.judge.reviews import Review
from mlrtui.ui.modals.dialogs import CopyTextModal


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


class ReviewScreen(CopyTextModal):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="review.close", tooltip="Close the review"),
        Binding("c", "copy", "Copy", id="review.copy",
                tooltip="Copy the raw reply to the clipboard"),
    ]
    COPIED = "Copied the raw reply"

    def __init__(self, review: Review) -> None:
        super().__init__(review.raw_text)
        self.review = review

    def compose(self) -> ComposeResult:
        r = self.review
        with Vertical(classes="dialog -wide", id="review-dialog"):
            yield Label(f"Raw reply of review {r.id} ({r.parse_status})",
                        classes="dialog-title")
            yield Static(review_meta(r), id="review-meta")
            yield from self.text_and_buttons("review-raw")
