"""The Stats screen's tables: the leaderboard, each judge's Overall, and human-vs-judge agreement.

Plots live in `statsplots`. Cells are Rich Text, never markup strings: model and judge names come
from imported files.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Label, Static

from mlrtui.scores.aggregate import Leaderboard
from mlrtui.scores.agreement import AgreementReport

# How each duplicate policy counts a reviewer's repeated rows for one item (core/agreement.py).
POLICY_TEXT = {
    "authors": "as the authors' released analysis: every row counts against the judge mean; two "
               "reviewers are compared row by row only when both have the same number of rows "
               "for the item (a reviewer with a duplicate drops out of that item's human pairs)",
    "mean": "a reviewer's rows for an item are averaged into one score first",
    "first": "only a reviewer's first row for an item counts",
    "last": "only a reviewer's last row for an item counts",
}


def num(value: float | None, fmt: str = "{:.2f}") -> Text:
    return Text("–" if value is None else fmt.format(value))


class StatsTable(DataTable):
    DEFAULT_CSS = """
    StatsTable { height: auto; max-height: 16; }
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cursor_type", "none")   # tables to read, nothing to open
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)

    def reset(self, *columns: str) -> None:
        self.clear(columns=True)
        for column in columns:
            self.add_column(column, key=column)


def fill_board(table: StatsTable, board: Leaderboard) -> None:
    """Model x dimension means (the paper's rounding); each column's best in bold."""
    table.reset("model", "items", *board.dimensions)
    best = {d: max((r.cells[d].display for r in board.rows if d in r.cells), default=None)
            for d in board.dimensions}
    for row in board.rows:
        cells: list[Text] = [Text(row.model), Text(str(row.n_items), justify="right")]
        for dim in board.dimensions:
            cell = row.cells.get(dim)
            text = num(cell.display if cell else None)
            if cell is not None and cell.display == best[dim]:
                text.stylize("bold")
            cells.append(text)
        table.add_row(*cells, key=row.model)


def fill_judges(table: StatsTable, board: Leaderboard, dimension: str) -> None:
    """Each judge's mean of one dimension per model, and the spread between judges."""
    table.reset("model", *board.judges, "mean", "spread")
    for row in board.rows:
        cell = row.cells.get(dimension)
        if cell is None:
            continue
        table.add_row(Text(row.model), *(num(cell.judges.get(j)) for j in board.judges),
                      num(cell.display), num(cell.spread), key=row.model)


class AgreementView(Vertical):
    """U, p, n and mean absolute differences per dimension, the policy, judge correlations."""

    DEFAULT_CSS = """
    AgreementView { height: 1fr; }
    AgreementView #agree-policy { height: auto; color: $text-muted; padding: 0 1; }
    AgreementView #agree-corr { max-height: 10; }
    """

    def compose(self) -> ComposeResult:
        yield Label("", id="agree-title", classes="section-title")
        yield StatsTable(id="agree-table")
        yield Static("", id="agree-policy")
        yield Label("Judge vs judge rank correlation (Spearman)", classes="section-title")
        yield StatsTable(id="agree-corr")

    def show(self, rep: AgreementReport) -> None:
        self.query_one("#agree-title", Label).update(
            f"Human vs judge agreement · source {rep.source} · {rep.items} item(s), "
            f"{rep.reviewers} reviewer(s) · Mann-Whitney U, two-sided")
        table = self.query_one("#agree-table", StatsTable)
        table.reset("dimension", "n human-human", "n human-judge", "mean |h-h|", "mean |h-j|",
                    "U", "p")
        for d in rep.dimensions:
            table.add_row(Text(d.dimension), num(d.n_human_human, "{}"),
                          num(d.n_human_judge, "{}"), num(d.mean_human_human),
                          num(d.mean_human_judge), num(d.u, "{:.1f}"), num(d.p, "{:.3f}"),
                          key=d.dimension)
        missing = (f" {len(rep.items_without_judge)} item(s) have no judge scores and add no "
                   "human-judge differences." if rep.items_without_judge else "")
        self.query_one("#agree-policy", Static).update(Text(
            f"Duplicates ({rep.duplicate_rows} repeated row(s)): policy '{rep.policy}' — "
            f"{POLICY_TEXT.get(rep.policy, rep.policy)}.{missing} A high p means no evidence "
            "that judges differ from humans more than humans differ among themselves."))
        corr = self.query_one("#agree-corr", StatsTable)
        corr.reset("stage", "dimension", "judges", "n", "rho", "p")
        for c in rep.correlations:
            corr.add_row(Text(c.stage), Text(c.dimension), Text(f"{c.judge_a} / {c.judge_b}"),
                         num(c.n, "{}"), num(c.rho, "{:.3f}"), num(c.p, "{:.3g}"))
