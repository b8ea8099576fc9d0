"""The Costs screen's budget bars (spent against each run's and batch's cap) and its plot of
spend per day. Both are drawn from plain values, so they render the same in every run.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static
from textual_plotext import PlotextPlot

from mlrtui.costs.calls import BudgetUse, DaySpend

BAR = 12
MAX_DAYS = 30
TICKS = 5


def budget_bar(use: BudgetUse, width: int = BAR) -> Text:
    """`run 3    ████░░░░ $1.20/$5.00`, green, then yellow, red when at the cap."""
    out = Text()
    out.append(f"{use.scope} {use.scope_id}".ljust(9) + " ")
    fraction = use.fraction
    if fraction is None:
        out.append("·" * width, style="dim")
        out.append(f" ${use.spent:.2f}, no cap")
    else:
        filled = min(width, round(fraction * width))
        style = "red" if fraction >= 1 else "yellow" if fraction >= 0.7 else "green"
        out.append("█" * filled, style=style)
        out.append("░" * (width - filled), style="dim")
        out.append(f" ${use.spent:.2f}/${use.cap:.2f}")
    if use.unpriced:
        out.append(f" +{use.unpriced} unpriced", style="yellow")
    return out


class BudgetBars(Static):
    DEFAULT_CSS = """
    BudgetBars { height: auto; max-height: 9; padding: 0 1; }
    """

    def show(self, uses: list[BudgetUse]) -> None:
        if not uses:
            self.update(Text("Budgets: no run or batch has made calls yet.", style="dim"))
            return
        out = Text("Budget use\n", style="bold")
        out.append_text(Text("\n").join(budget_bar(use) for use in uses))
        self.update(out)


def usd_axis(values: list[float], ticks: int = 1) -> tuple[float, list[float], list[str]]:
    """The y axis of a USD plot: from $0 up (never negative dollars, also when nothing is
    priced and every bar is 0), with dollar labels."""
    top = max([v for v in values if v > 0], default=0.0)
    top = top * 1.1 if top else 1.0
    marks = [top * i / ticks for i in range(ticks + 1)]
    digits = 2 if top >= 1 else 4
    return top, marks, [f"${m:.{digits}f}" for m in marks]


class SpendPlot(PlotextPlot):
    """Bars of USD per day (priced calls), the last MAX_DAYS days that had calls."""

    def show(self, days: list[DaySpend]) -> None:
        days = days[-MAX_DAYS:]
        plt = self.plt
        plt.clear_figure()
        unpriced = sum(d.unpriced for d in days)
        title = "USD per day"
        if unpriced:
            title += f" (+{unpriced} unpriced calls)"
        plt.title(title)
        if not days:
            plt.title("USD per day: no calls yet")
            self.refresh()
            return
        positions = list(range(len(days)))
        values = [round(d.cost_usd, 6) for d in days]
        plt.bar(positions, values, width=0.6)
        top, marks, labels = usd_axis(values)
        plt.ylim(0, top)
        plt.yticks(marks, labels)
        step = max(1, -(-len(days) // TICKS))
        ticks = positions[::step]
        plt.xticks(ticks, [days[i].day[5:] for i in ticks])
        self.refresh()
