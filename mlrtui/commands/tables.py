"""Tables for the headless commands that stay readable in an 80-column terminal.

Left alone, rich shrinks a table that is too wide by cutting cells and headers with "…".
Here the widths are planned before rich draws: numbers and short codes keep their full width
(a cost is never shown cut), text columns share what is left and fold onto more lines, full
headers give way to short ones with a legend under the table, and optional columns are left out
(and said so) before a number would be cut. `COLUMNS` sets the width when output is not a
terminal (rich reads it). Cells, titles and notes are data: escape sequences and control
characters are removed before anything is measured or drawn (kernel/sanitize.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from mlrtui.kernel.sanitize import terminal_safe

PAD = 3                               # a column's padding (2) and its left border (1)
FLOOR = 4                             # no text column gets narrower than this


@dataclass
class Col:
    header: str
    short: str | None = None          # the header used, with a legend, when the table is too wide
    meaning: str | None = None        # the legend text for `short` (default: `header`)
    numeric: bool = False             # right-aligned, never wrapped nor cut
    min_width: int | None = None      # for text columns: shrink no further while others can
    no_wrap: bool = False             # a short text column (status, hash) kept on one line
    optional: bool = False            # left out first when the table does not fit
    prose: bool = False               # words that wrap at spaces: narrowed before names are

    def label(self, short: bool) -> str:
        return self.short if short and self.short else self.header

    @property
    def fixed(self) -> bool:
        return self.numeric or self.no_wrap


def _natural(col: Col, rows: Sequence[Sequence[str]], index: int, short: bool) -> int:
    cells = [line for row in rows for line in row[index].splitlines()] + [col.label(short)]
    return max(cell_len(c) for c in cells)


def plan_widths(columns: Sequence[Col], rows: Sequence[Sequence[str]], width: int, *,
                short: bool, floor_only: bool = False) -> list[int | None] | None:
    """Widths of the text columns (None: leave to rich), or None when the table cannot fit."""
    natural = [_natural(c, rows, i, short) for i, c in enumerate(columns)]
    budget = width - 1 - sum(n + PAD for n, c in zip(natural, columns, strict=True) if c.fixed)
    texts = [i for i, c in enumerate(columns) if not c.fixed]
    budget -= PAD * len(texts)
    if sum(natural[i] for i in texts) <= budget:
        return [None] * len(columns)
    least = {i: min(natural[i], FLOOR if floor_only else max(columns[i].min_width or 0, FLOOR))
             for i in texts}
    if sum(least.values()) > budget:
        return None
    # Prose (which wraps at spaces) gives way before names (which fold mid-word).
    names = [i for i in texts if not columns[i].prose]
    prose = [i for i in texts if columns[i].prose]
    room = budget - sum(natural[i] for i in names)
    if prose and sum(least[i] for i in prose) <= room:
        widths = _share(prose, natural, least, room)
        widths.update({i: natural[i] for i in names})
    else:
        widths = _share(texts, natural, least, budget)
    return [widths.get(i) for i in range(len(columns))]


def _share(cols: list[int], natural: list[int], least: dict[int, int],
           budget: int) -> dict[int, int]:
    """The widest columns give way first: the largest cap on widths that fits the budget."""
    cap = max(natural[i] for i in cols)
    while cap > 0 and sum(min(natural[i], max(cap, least[i])) for i in cols) > budget:
        cap -= 1
    widths = {i: min(natural[i], max(cap, least[i])) for i in cols}
    spare = budget - sum(widths.values())
    for i in cols:
        if spare > 0 and widths[i] < natural[i]:
            widths[i] += 1
            spare -= 1
    return widths


def make_table(columns: Sequence[Col], rows: Sequence[Sequence[str]], *, title: str | None = None,
               short: bool = False, widths: Sequence[int | None] | None = None,
               row_styles: Sequence[str | None] | None = None,
               sections: Sequence[int] = ()) -> Table:
    table = Table(title=terminal_safe(title) if title else None)
    for i, col in enumerate(columns):
        if col.fixed:
            table.add_column(col.label(short), justify="right" if col.numeric else "left",
                             no_wrap=True)
        else:
            table.add_column(col.label(short), overflow="fold",
                             width=widths[i] if widths else None)
    for i, row in enumerate(rows):
        table.add_row(*(Text(terminal_safe(cell)) for cell in row), style=row_styles[i] if row_styles else None,
                      end_section=i in sections)
    return table


def legend_line(columns: Sequence[Col]) -> str:
    return "; ".join(f"{c.short} = {c.meaning or c.header}" for c in columns
                     if c.short and c.short != c.header)


def print_table(console: Console, columns: Sequence[Col], rows: Sequence[Sequence[str]], *,
                title: str | None = None, row_styles: Sequence[str | None] | None = None,
                notes: Sequence[str] = (), sections: Sequence[int] = ()) -> None:
    """Draw the table to fit the console (see the module docstring), then legend and notes.

    `sections`: indexes of the rows a rule is drawn under."""
    width = console.width
    cols, data = list(columns), [[terminal_safe(c) for c in r] for r in rows]
    title = terminal_safe(title) if title else title
    notes = [terminal_safe(n) for n in notes]
    widths = plan_widths(cols, data, width, short=False)
    short = widths is None and any(c.short for c in cols)
    if short:
        widths = plan_widths(cols, data, width, short=True)
    hidden: list[str] = []
    while widths is None and any(c.optional for c in cols):
        i = max(i for i, c in enumerate(cols) if c.optional)
        hidden.append(cols.pop(i).header)
        for row in data:
            row.pop(i)
        widths = plan_widths(cols, data, width, short=short)
    if widths is None:
        widths = plan_widths(cols, data, width, short=short, floor_only=True)
    console.print(make_table(cols, data, title=title, short=short, widths=widths,
                             row_styles=row_styles, sections=sections))
    lines = [legend_line(cols)] if short else []
    if hidden:
        lines.append(f"not shown at this width: {', '.join(reversed(hidden))}")
    for line in [*lines, *notes]:
        if line:
            console.print(Text(line, style="dim"))


PREFERRED = {"Novelty": "Nov", "Significance": "Sig", "Soundness": "Snd",
             "Insightfulness": "Ins", "Overall": "Ovr", "Confidence": "Conf"}


def abbreviations(names: Sequence[str], size: int = 4) -> dict[str, str]:
    """Distinct short forms of dimension names (Consistency -> Cons, Clarity -> Clar)."""
    out: dict[str, str] = {}
    for name in names:
        n = size
        label = PREFERRED.get(name, name[:n])
        while label in out.values() and n < len(name):
            n += 1
            label = name[:n]
        out[name] = label if label not in out.values() else name
    return out
