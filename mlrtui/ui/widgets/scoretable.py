"""Per dimension each judge's score, their mean and spread; disagreements stand out.

A row whose judges differ by more than the threshold is drawn in the theme's error colour and
marked in the spread column, so it is visible without colour too.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from mlrtui.scores.aggregate import DimensionScore

MARK = "▲"


def short(name: str, width: int = 18) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def fmt(value: float | None, places: int = 2) -> str:
    return "–" if value is None else f"{value:.{places}f}"


class ScoreTable(DataTable):
    DEFAULT_CSS = """
    ScoreTable { height: auto; max-height: 14; }
    """

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("cursor_type", "none")   # read-only: no cursor to hide the red
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)
        self.disagreements: list[str] = []
        self.judges: list[str] = []

    def show(self, scores: list[DimensionScore], order: list[str] | None = None) -> None:
        """Replace the rows: one per dimension (in the rubric's `order`), a column per judge."""
        if order:
            rank = {d: i for i, d in enumerate(order)}
            scores = sorted(scores, key=lambda s: rank.get(s.dimension, len(rank)))
        self.judges = sorted({j for s in scores for j in s.scores})
        self.disagreements = [s.dimension for s in scores if s.disagree]
        self.clear(columns=True)
        # Fixed widths: refilled twice in a row (mount, then a highlight), auto widths could
        # be measured on either fill.
        dim_width = max([len("dimension"), *(len(s.dimension) for s in scores)])
        self.add_column("dimension", key="dimension", width=dim_width)
        for judge in self.judges:
            self.add_column(short(judge), key=judge, width=max(5, len(short(judge))))
        self.add_column("mean", key="mean", width=5)
        self.add_column("spread", key="spread", width=6)
        alert = f"bold {self.app.current_theme.error or 'red'}"
        for s in scores:
            style = alert if s.disagree else ""
            cells = [Text(s.dimension, style=style)]
            cells += [Text(fmt(s.scores.get(j), 1), style=style, justify="right")
                      for j in self.judges]
            cells.append(Text(fmt(s.mean), style=style, justify="right"))
            spread = f"{MARK} {s.spread:.1f}" if s.disagree else f"{s.spread:.1f}"
            cells.append(Text(spread, style=style, justify="right"))
            self.add_row(*cells, key=s.dimension)
