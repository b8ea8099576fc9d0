"""Terminal plots for the Stats screen (textual-plotext): score histograms per model, and one
judge's scores against another's.

Scores are judge means, so they can fall on halves; the histograms count them in whole-point
bins (rounded half up), which the titles say.
"""

from __future__ import annotations

from collections import Counter
from statistics import fmean

from textual.containers import Grid
from textual.widgets import Static
from textual_plotext import PlotextPlot

from mlrtui.scores.aggregate import round_half_up
from mlrtui.ui.widgets.scoretable import short

SCALE = list(range(1, 11))
BAR_OFFSETS = (-0.15, 0.0, 0.15)
COLUMNS = 3


def histogram(scores: list[float]) -> list[int]:
    """Counts per whole score 1-10 (half up), for a bar chart."""
    counts = Counter(int(round_half_up(s, 0)) for s in scores)
    return [counts.get(v, 0) for v in SCALE]


class ScorePlot(PlotextPlot):
    """A plot drawn from data given once; plotext keeps it and redraws on resize."""

    DEFAULT_CSS = """
    ScorePlot { height: 1fr; min-height: 8; }
    """


class DistributionGrid(Grid):
    """One small histogram per model for one dimension."""

    DEFAULT_CSS = f"""
    DistributionGrid {{ grid-size: {COLUMNS}; grid-gutter: 0 1; height: 1fr; }}
    DistributionGrid .empty {{ color: $text-muted; padding: 1 2; }}
    """

    async def show(self, dimension: str, per_model: dict[str, list[float]],
                   means: dict[str, float] | None = None) -> None:
        """`means`: the leaderboard's value per model, so both tabs print the same number
        (one rounding rule); without it the title says it is the mean of the items."""
        await self.remove_children()
        if not per_model:
            await self.mount(Static(f"No {dimension} scores for this stage.", classes="empty"))
            return
        plots = []
        for model, scores in per_model.items():
            plot = ScorePlot(classes="dist-plot")
            plt = plot.plt
            counts = histogram(scores)
            # Each bar is three vertical lines: plotext's own bar() draws empty bins as marks
            # on the baseline and sizes bars by the data's spacing.
            for x, n in zip(SCALE, counts):
                for dx in BAR_OFFSETS if n else ():
                    plt.plot([x + dx, x + dx], [0, n], marker="█", color="cyan")
            top = max(counts)
            plt.xlim(0.5, 10.5)
            plt.ylim(0, top)
            plt.xticks(SCALE)
            plt.yticks(list(range(0, top + 1, max(1, -(-top // 4)))))
            if means and model in means:
                label = f"mean {means[model]:.2f}"
            else:
                label = f"item mean {fmean(scores):.2f}"
            plt.title(f"{short(model, 22)} n={len(scores)} {label}")
            plt.xlabel(f"{dimension}, judge mean rounded")
            plots.append(plot)
        rows = -(-len(plots) // COLUMNS)
        self.styles.grid_size_rows = rows
        await self.mount_all(plots)


class JudgeScatter(ScorePlot):
    """Judge A's score (x) against judge B's (y) on the same items, with the y = x line.

    Scores repeat a lot (whole numbers on ten points), so each point is drawn as the number of
    items at it rather than a dot that hides how many it stands for.
    """

    def show(self, dimension: str, judge_a: str, judge_b: str,
             pairs: list[tuple[float, float]]) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        if pairs:
            plt.plot([1, 10], [1, 10], marker="dot", color="gray")
            for (x, y), n in sorted(Counter(pairs).items()):
                plt.text(str(n), x, y, color="cyan", alignment="center")
        plt.xlim(0.5, 10.5)
        plt.ylim(0.5, 10.5)
        plt.xticks(SCALE)
        plt.yticks(SCALE)
        plt.xlabel(judge_a)
        plt.ylabel(judge_b)
        plt.title(f"{dimension}: {judge_a} (x) vs {judge_b} (y) · {len(pairs)} items · "
                  "numbers count the items at a point")
        self.refresh()
