"""The Stats mode: leaderboards by stage x model x dimension, score distributions, one judge
against another, and how far judges agree with humans (Mann-Whitney U).

Everything is computed by core services in thread workers (the imported corpus holds tens of
thousands of scores); the screen only draws the results.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, Label, TabbedContent, TabPane

from mlrtui.kernel.vocab import REVIEW_STAGES
from mlrtui.scores import agreement as agr
from mlrtui.scores.aggregate import Leaderboard, distribution, judge_pairs, leaderboard
from mlrtui.scores.hallucination import HallucinationReport
from mlrtui.scores.hallucination import report as hallucination_report
from mlrtui.ui.screens.base import TabbedScreen
from mlrtui.ui.widgets.flagviews import HallucinationView
from mlrtui.ui.widgets.scoretable import short
from mlrtui.ui.widgets.statsplots import DistributionGrid, JudgeScatter
from mlrtui.ui.widgets.statsviews import AgreementView, StatsTable, fill_board, fill_judges

STAGES = list(dict.fromkeys(REVIEW_STAGES.values()))
SOURCES = ["all", "corpus", "user"]

JUDGE_TCSS = Path(__file__).parents[1] / "judge.tcss"   # absolute: subclasses work


@dataclass
class StageData:
    """What the stage-dependent tabs show, computed off the UI thread."""
    board: Leaderboard
    dimension: str
    pair: tuple[str, str] | None
    per_model: dict[str, list[float]] = field(default_factory=dict)
    pairs: list[tuple[float, float]] = field(default_factory=list)


def _cycle(values: list[str], current: str, step: int = 1) -> str:
    if not values:
        return current
    index = values.index(current) if current in values else -step
    return values[(index + step) % len(values)]


class StatsScreen(TabbedScreen):
    CSS_PATH = JUDGE_TCSS
    MODE_TITLE = "Stats"
    MODE_HELP = "Leaderboards, score distributions, judge-vs-judge and human agreement"
    HELP = """\
### Stats
`1` leaderboard: per model and dimension the mean of the judges' means (the paper's table
rounding; the best of each column in bold), and below, each judge's mean of the chosen
dimension with the spread between judges. `2` the distribution of each model's scores,
`3` one judge's scores against another's on the same items, `4` agreement: per dimension the
absolute differences between two humans scoring the same item versus between a human and the
judges' mean, compared with a two-sided Mann-Whitney U test, and how repeated human rows count.
`5` hallucination: per run and type the human label beside each judge's verdict, and per type
how often each judge agrees with the humans (counts, Cohen's kappa or "undefined").

`s` switches the stage, `d` the dimension, `v` the pair of judges; `a` the human scores used
(imported experts *corpus*, your blind scores *user*, or *all*), `p` the duplicate policy.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="stats.back", tooltip="Back to the tasks"),
        Binding("1", "tab('tab-board')", "Leaderboard", show=False, id="stats.board",
                tooltip="Leaderboard by model and dimension"),
        Binding("2", "tab('tab-dist')", "Distributions", show=False, id="stats.dist",
                tooltip="Each model's score distribution"),
        Binding("3", "tab('tab-scatter')", "Judges", show=False, id="stats.scatter",
                tooltip="One judge's scores against another's"),
        Binding("4", "tab('tab-agree')", "Agreement", show=False, id="stats.agree",
                tooltip="Human vs judge agreement (Mann-Whitney U)"),
        Binding("5", "tab('tab-hallu')", "Hallucination", show=False, id="stats.hallu",
                tooltip="Judges vs humans on hallucination, per run and type"),
        Binding("s", "stage", "Stage", id="stats.stage", tooltip="Next review stage"),
        Binding("d", "dimension", "Dimension", id="stats.dimension",
                tooltip="Next dimension (distributions, judges, per-judge table)"),
        Binding("v", "pair", "Judge pair", id="stats.pair", tooltip="Next pair of judges"),
        Binding("a", "source", "Humans", id="stats.source",
                tooltip="Human scores for agreement: all, corpus experts, or yours"),
        Binding("p", "policy", "Duplicates", id="stats.policy",
                tooltip="How a reviewer's repeated rows for one item count"),
    ]

    def __init__(self, stage: str = "idea") -> None:
        super().__init__()
        self.stage = stage
        self.dimension = "Overall"
        self.pair: tuple[str, str] | None = None
        self.source = "all"
        self.policy = "authors"
        self.data: StageData | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="stats-bar")
        with TabbedContent(id="stats-tabs"):
            with TabPane("Leaderboard", id="tab-board"):
                yield Label("", id="board-title", classes="section-title")
                yield StatsTable(id="stats-board")
                yield Label("", id="judges-title", classes="section-title")
                yield StatsTable(id="stats-judges")
            with TabPane("Distributions", id="tab-dist"):
                yield DistributionGrid(id="stats-dist")
            with TabPane("Judge vs judge", id="tab-scatter"):
                yield JudgeScatter(id="stats-scatter")
            with TabPane("Agreement", id="tab-agree"):
                yield AgreementView(id="stats-agree")
            with TabPane("Hallucination", id="tab-hallu"):
                yield HallucinationView(id="stats-hallu")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        self.load_stage()
        self.load_agreement()
        self.load_hallucination()

    def _bar(self) -> None:
        pair = " vs ".join(short(j, 18) for j in self.pair) if self.pair else "–"
        self.query_one("#stats-bar", Label).update(
            f"[b]{self.stage}[/b] (s) · [b]{self.dimension}[/b] (d) · {pair} (v) · humans "
            f"[b]{self.source}[/b] (a) · duplicates [b]{self.policy}[/b] (p) · tabs 1-5")

    # -- loading (thread workers) ------------------------------------------------------------
    @work(thread=True, exclusive=True, group="stats-stage", exit_on_error=False,
          description="Stats: leaderboard and plots")
    def load_stage(self) -> None:
        board = leaderboard(self.store, self.stage)
        dims = board.dimensions
        dimension = self.dimension if self.dimension in dims else \
            ("Overall" if "Overall" in dims else (dims[0] if dims else self.dimension))
        pairs_of = list(itertools.combinations(board.judges, 2))
        pair = self.pair if self.pair in pairs_of else (pairs_of[0] if pairs_of else None)
        data = StageData(board, dimension, pair)
        if dims:
            data.per_model = distribution(self.store, self.stage, dimension)
            if pair:
                data.pairs = judge_pairs(self.store, self.stage, dimension, *pair)
        self.app.call_from_thread(self._show_stage, data)

    @work(thread=True, exclusive=True, group="stats-agree", exit_on_error=False,
          description="Stats: agreement")
    def load_agreement(self) -> None:
        try:
            report = agr.from_store(self.store, self.source, self.policy)
        except agr.AgreementError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self._show_agreement, report)

    @work(thread=True, exclusive=True, group="stats-hallu", exit_on_error=False,
          description="Stats: hallucination, judges vs humans")
    def load_hallucination(self) -> None:
        rep = hallucination_report(self.store)
        self.app.call_from_thread(self._show_hallucination, rep)

    def _show_hallucination(self, rep: HallucinationReport) -> None:
        self.query_one(HallucinationView).show(rep)

    def _show_agreement(self, report: agr.AgreementReport) -> None:
        self.query_one(AgreementView).show(report)

    async def _show_stage(self, data: StageData) -> None:
        self.data = data
        self.dimension, self.pair = data.dimension, data.pair
        board = data.board
        judges = ", ".join(board.judges) or "none"
        self.query_one("#board-title", Label).update(
            f"{self.stage} leaderboard · {len(board.rows)} model(s) · mean of "
            f"{len(board.judges)} judge(s): {judges}" if board.rows
            else f"No valid {self.stage} reviews in the database yet.")
        fill_board(self.query_one("#stats-board", StatsTable), board)
        self.query_one("#judges-title", Label).update(
            f"{self.dimension} by judge (each judge's mean over its items) and the spread")
        fill_judges(self.query_one("#stats-judges", StatsTable), board, self.dimension)
        board_means = {r.model: r.cells[self.dimension].display for r in data.board.rows
                       if self.dimension in r.cells}
        await self.query_one(DistributionGrid).show(self.dimension, data.per_model, board_means)
        a, b = data.pair or ("judge A", "judge B")
        self.query_one(JudgeScatter).show(self.dimension, a, b, data.pairs)
        self._bar()
        self.refresh_bindings()

    # -- actions -----------------------------------------------------------------------------
    TAB_ACTIONS: ClassVar[dict[str, tuple[str, ...]]] = {
        "dimension": ("tab-board", "tab-dist", "tab-scatter"), "pair": ("tab-scatter",),
        "source": ("tab-agree",), "policy": ("tab-agree",)}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if (ok := super().check_action(action, parameters)) is not True:
            return ok
        if action == "dimension" and (self.data is None or len(self.data.board.dimensions) < 2):
            return None
        if action == "pair" and (self.data is None or len(self.data.board.judges) < 3):
            return None
        return True

    def action_back(self) -> None:
        self.mlr.go_to("tasks")

    def action_stage(self) -> None:
        self.stage = _cycle(STAGES, self.stage)
        self._bar()
        self.load_stage()

    def action_dimension(self) -> None:
        if self.data is not None:
            self.dimension = _cycle(self.data.board.dimensions, self.dimension)
            self._bar()
            self.load_stage()

    def action_pair(self) -> None:
        if self.data is not None:
            pairs = list(itertools.combinations(self.data.board.judges, 2))
            index = pairs.index(self.pair) + 1 if self.pair in pairs else 0
            self.pair = pairs[index % len(pairs)] if pairs else None
            self._bar()
            self.load_stage()

    def action_source(self) -> None:
        self.source = _cycle(SOURCES, self.source)
        self._bar()
        self.load_agreement()

    def action_policy(self) -> None:
        self.policy = _cycle(list(agr.POLICIES), self.policy)
        self._bar()
        self.load_agreement()
