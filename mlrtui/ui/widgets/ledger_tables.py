"""The Costs screen's tables: ledger attempts (keyed by llm_calls id) and totals per group.

Unpriced calls say "unpriced", never $0; failed attempts are red with "–" as their cost.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from mlrtui.costs.calls import CallRow, cost_text
from mlrtui.costs.summary import CostLine
from mlrtui.ui.widgets.keytable import KeyTable

STATUS_STYLE = {"ok": "green", "cached": "cyan", "error": "bold red", "cancelled": "yellow"}


def _clip(text: str | None, width: int) -> str:
    text = text or "–"
    return text if len(text) <= width else text[: width - 1] + "…"


def _tokens(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"


def what(row: CallRow) -> str:
    """What the call was for: its purpose and the stage it served."""
    purpose = row.purpose or "?"
    return f"{purpose}·{row.stage}" if row.stage and row.stage != purpose else purpose


class LedgerTable(KeyTable):
    COLUMNS = ("when", "task", "for", "model", "try", "status", "in", "out", "cost", "secs")
    NUMERIC = frozenset({"try", "in", "out", "cost", "secs"})

    def show(self, rows: list[CallRow]) -> None:
        if not self.columns:
            for label in self.COLUMNS:
                justify = "right" if label in self.NUMERIC else "left"
                self.add_column(Text(label, justify=justify), key=label)
        keep = self.current_key
        self.clear()
        for row in rows:
            cost = Text(row.cost_label, justify="right",
                        style="yellow" if row.cost_label == "unpriced" else "")
            self.add_row(
                row.created_at[5:16].replace("T", " "),
                _clip(row.task_id, 24), _clip(what(row), 16), _clip(row.model, 18),
                Text(str(row.attempt), justify="right"),
                Text(row.status, style=STATUS_STYLE.get(row.status, "")),
                Text(_tokens(row.input_tokens), justify="right"),
                Text(_tokens(row.output_tokens), justify="right"),
                cost,
                Text("–" if row.latency_s is None else f"{row.latency_s:.2f}", justify="right"),
                key=str(row.id))
        if keep:
            self.move_to_key(keep)


class TotalsTable(DataTable):
    """One line per group plus the total; read-only, so no cursor.

    Numbers are never cut: the group names get what room is left (at least KEY_MIN cells) and
    are clipped with an ellipsis; a resize, or a refresh after re-pricing, sizes them again."""

    KEY_MIN, KEY_MAX = 8, 20

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("cursor_type", "none")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)
        self._shown: tuple[str, list[CostLine], CostLine] | None = None

    def show(self, by: str, lines: list[CostLine], total: CostLine) -> None:
        self._shown = (by, lines, total)
        rows = [(line, str(line.calls), f"{line.input_tokens + line.output_tokens:,}",
                 cost_text(line.calls, line.unpriced, line.cost_usd),
                 str(line.failed_attempts)) for line in [*lines, total]]
        labels = ("calls", "tokens", "cost", "failed")
        numbers = sum(max(len(label), *(len(r[i + 1]) for r in rows)) + 2
                      for i, label in enumerate(labels))
        room = (self.size.width or self.app.size.width) - numbers - 3
        key_width = max(self.KEY_MIN, min(self.KEY_MAX, room))
        self.clear(columns=True)
        self.add_column(by, key="key")
        for label in labels:
            self.add_column(Text(label, justify="right"), key=label)
        for line, calls, tokens, cost, failed_n in rows:
            bold = "bold" if line is total else ""
            failed = "red" if line.failed_attempts else "dim"
            self.add_row(
                Text(_clip(line.key if line.key is not None else f"(no {by})", key_width),
                     style=bold),
                Text(calls, justify="right", style=bold),
                Text(tokens, justify="right"),
                Text(cost, justify="right", style="yellow" if "unpriced" in cost else bold),
                Text(failed_n, justify="right", style=failed))

    def on_resize(self) -> None:
        if self._shown is not None:
            self.show(*self._shown)
