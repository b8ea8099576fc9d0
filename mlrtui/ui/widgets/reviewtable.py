"""The reviews of one run's stage, newest first, invalid replies included with their status."""

from __future__ import annotations

from rich.text import Text

from mlrtui.judge.reviews import Review
from mlrtui.ui.widgets.keytable import KeyTable
from mlrtui.ui.widgets.scoretable import fmt, short


def preview(text: str, width: int = 22) -> str:
    """The start of a raw reply on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


COLUMNS = [("review", 6), ("judge", 22), ("status", 8), ("overall", 7), ("source", 6),
           ("error or reply", 22)]


class ReviewTable(KeyTable):
    """Rows keyed by review id; `enter` posts RowSelected (the screen opens the raw text)."""

    DEFAULT_CSS = """
    ReviewTable { height: 1fr; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.reviews: dict[str, Review] = {}

    def show(self, reviews: list[Review]) -> None:
        self.reviews = {str(r.id): r for r in reviews}
        if not self.columns:
            # Fixed widths: the table is refilled on every highlight, sometimes twice in one
            # frame, and auto widths could then be measured on either fill.
            for label, width in COLUMNS:
                self.add_column(label, key=label, width=width)
        self.clear()
        theme = self.app.current_theme
        colours = {"invalid": f"bold {theme.error or 'red'}",
                   "repaired": theme.warning or "yellow"}
        for r in reviews:
            if r.parse_status == "invalid":
                detail = preview(f"{r.error or 'invalid'} · {r.raw_text}")
            else:
                detail = preview(r.error or r.raw_text)
            self.add_row(str(r.id), short(r.judge_model, 22),
                         Text(r.parse_status, style=colours.get(r.parse_status, "")),
                         fmt(r.overall, 1), r.source, Text(detail), key=str(r.id))

    @property
    def current(self) -> Review | None:
        key = self.current_key
        return self.reviews.get(key) if key else None
