"""The ledger as the Costs screen browses it: attempt rows, filter choices, spend per day, and
budget use per run and batch. (A cap the user raised is stored by services.caps.)

Totals live in `mlrtui.costs.summary`; this module lists what they are made of.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mlrtui.costs.summary import CallFilter, CostLine, add_up, call_where, summarize

if TYPE_CHECKING:
    from mlrtui.config import Settings
    from mlrtui.store import Store

__all__ = ["BudgetUse", "CallRow", "DaySpend", "LedgerView", "budget_uses", "call_facets",
           "count_calls", "ledger_view", "list_calls", "spend_by_day", "usd"]


def usd(amount: float) -> str:
    """Dollars with enough digits that a tiny priced call never reads as $0.0000."""
    if amount == 0 or abs(amount) >= 0.0001:
        return f"${amount:.4f}"
    return f"${amount:.6f}"


def cost_text(calls: int, unpriced: int, amount: float) -> str:
    """A group's cost: "unpriced" when nothing in it has a price, else USD (+ n unpriced)."""
    if calls and unpriced >= calls:
        return "unpriced"
    return usd(amount) + (f" + {unpriced} unpriced" if unpriced else "")


@dataclass
class CallRow:
    """One attempt of one call, as a ledger line."""

    id: int
    created_at: str
    task_id: str | None
    run_id: int | None
    version_id: int | None
    stage: str | None
    purpose: str | None
    provider: str
    model: str
    attempt: int
    status: str                        # ok | cached | error | cancelled
    input_tokens: int | None
    output_tokens: int | None
    cost_usd: float | None             # None = unpriced (or a failed attempt)
    price_source: str | None
    latency_s: float | None
    error: str | None

    @property
    def cost_label(self) -> str:
        """What the cost column says: never $0 for a call we could not price."""
        if self.status in ("error", "cancelled"):
            return "–"
        if self.status == "cached":
            return "cached"
        if self.cost_usd is None:
            return "unpriced"
        if self.price_source == "local":
            return "free"
        return usd(self.cost_usd)


def list_calls(store: Store, flt: CallFilter | None = None, limit: int = 500) -> list[CallRow]:
    """The newest attempts matching the filter, newest first."""
    where, params = call_where(flt)
    fields = ", ".join(CallRow.__dataclass_fields__)
    rows = store.query(f"SELECT {fields} FROM llm_calls{where} ORDER BY id DESC LIMIT ?",
                       [*params, limit])
    return [CallRow(**row) for row in rows]


def count_calls(store: Store, flt: CallFilter | None = None) -> int:
    """How many attempts match (the table shows at most `limit` of them)."""
    where, params = call_where(flt)
    return int(store.scalar(f"SELECT COUNT(*) FROM llm_calls{where}", params) or 0)


def call_facets(store: Store) -> dict[str, list[str]]:
    """The values each filter can take, from what the ledger holds."""
    out: dict[str, list[str]] = {}
    for column in ("model", "stage", "status"):
        out[column] = [r["v"] for r in store.query(
            f"SELECT DISTINCT {column} AS v FROM llm_calls WHERE {column} IS NOT NULL "
            "ORDER BY v")]
    return out


@dataclass
class DaySpend:
    day: str                           # YYYY-MM-DD (UTC)
    cost_usd: float                    # priced calls only
    calls: int
    unpriced: int


def spend_by_day(store: Store, flt: CallFilter | None = None) -> list[DaySpend]:
    """Spend per calendar day, oldest first, for the plot."""
    lines = summarize(store, "day", flt=flt)
    return sorted((DaySpend(str(line.key), line.cost_usd, line.calls, line.unpriced)
                   for line in lines if line.key), key=lambda d: d.day)


@dataclass
class BudgetUse:
    """Spent against the cap of one run or batch."""

    scope: str                         # run | batch
    scope_id: int
    label: str                         # e.g. "run 12 · acme2025_x" or "batch 3 · judge"
    cap: float | None                  # None: no cap
    spent: float
    unpriced: int                      # calls that count nothing against the cap

    @property
    def fraction(self) -> float | None:
        if self.cap is None:
            return None
        return 1.0 if self.cap <= 0 else self.spent / self.cap


def budget_uses(store: Store, settings: Settings, limit: int = 4) -> list[BudgetUse]:
    """The most recently active batches, then runs, that made calls."""
    out: list[BudgetUse] = []
    for scope, table, label_sql, default in (
            ("batch", "batches", "t.kind", settings.batch_budget_usd),
            ("run", "runs", "t.task_id", settings.run_budget_usd)):
        column = f"{scope}_id"
        for row in store.query(
                f"SELECT t.id, {label_sql} AS label, t.budget_usd AS cap, "
                "SUM(COALESCE(c.cost_usd, 0)) AS spent, "
                "SUM(c.cost_usd IS NULL AND c.status IN ('ok', 'cached')) AS unpriced "
                f"FROM {table} t JOIN llm_calls c ON c.{column} = t.id "
                "GROUP BY t.id ORDER BY MAX(c.id) DESC LIMIT ?", [limit]):
            cap = row["cap"] if row["cap"] is not None else default
            out.append(BudgetUse(scope, row["id"], f"{scope} {row['id']} · {row['label']}",
                                 cap, float(row["spent"] or 0.0), row["unpriced"] or 0))
    return out


@dataclass
class LedgerView:
    """Everything the Costs screen shows for one filter and grouping, fetched in one go."""

    rows: list[CallRow]                # the newest `limit` attempts
    matching: int                      # attempts matching the filter
    groups: list[CostLine]
    total: CostLine
    budgets: list[BudgetUse]
    days: list[DaySpend]


def ledger_view(store: Store, settings: Settings, flt: CallFilter, by: str = "task",
                limit: int = 500) -> LedgerView:
    rows = list_calls(store, flt, limit)
    groups = summarize(store, by, flt=flt)
    total = add_up(groups)
    matching = count_calls(store, flt) if len(rows) >= limit else len(rows)
    return LedgerView(rows, matching, groups, total, budget_uses(store, settings),
                      spend_by_day(store, flt))
