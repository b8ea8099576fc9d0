"""What the ledger says was spent: summaries by task, run, stage, model or day, and re-prices.

Each logical call (a call_key) that succeeded or came from the cache counts once, however many
attempts it took; failed attempts are counted separately. Unpriced calls are counted, never
summed as $0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mlrtui.config import ModelConfig, Settings
from mlrtui.costs.batch_pricing import is_batch_source, price_batch
from mlrtui.costs.pricing import price_provider, price_usage
from mlrtui.kernel.modelnames import canonical_model
from mlrtui.store import Store

__all__ = ["GROUPS", "CallFilter", "CostLine", "RepriceReport", "add_up", "call_where",
           "failed_attempts", "price_changes", "price_row", "price_usage", "summarize", "totals"]

GROUPS = {
    "task": "task_id",
    "run": "CAST(run_id AS TEXT)",
    "stage": "stage",
    "model": "model",
    "day": "substr(created_at, 1, 10)",
    "purpose": "purpose",
}

# One row per logical call: its successful (or cached) row with the lowest id. A call whose
# process was killed mid-attempt ("interrupted", see store/owners.py) counts with its worst-case
# estimate: the server may have answered and billed it.
_SUCCESS = """SELECT * FROM llm_calls WHERE id IN (
    SELECT MIN(id) FROM llm_calls WHERE status IN ('ok', 'cached', 'interrupted')
    GROUP BY call_key)"""


@dataclass
class CostLine:
    key: str | None
    calls: int = 0               # logical calls that succeeded or were cached
    cached: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0        # sum over priced calls only
    unpriced: int = 0            # calls with no known price
    failed_attempts: int = 0

    @property
    def cost_label(self) -> str:
        if self.calls and self.unpriced == self.calls:
            return "unpriced"
        label = f"${self.cost_usd:.4f}"
        return f"{label} + {self.unpriced} unpriced" if self.unpriced else label

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "calls": self.calls, "cached": self.cached,
                "input_tokens": self.input_tokens, "output_tokens": self.output_tokens,
                "cost_usd": round(self.cost_usd, 6), "unpriced": self.unpriced,
                "failed_attempts": self.failed_attempts}


@dataclass
class CallFilter:
    """The Costs screen's narrowing of the ledger; None means any. `task` is a substring."""

    model: str | None = None
    stage: str | None = None
    status: str | None = None          # ok | cached | error
    task: str | None = None

    def conditions(self) -> tuple[list[str], list[Any]]:
        parts: list[str] = []
        params: list[Any] = []
        for column in ("model", "stage", "status"):
            value = getattr(self, column)
            if value is not None:
                parts.append(f"{column} = ?")
                params.append(value)
        if self.task:
            escaped = self.task.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            parts.append("task_id LIKE ? ESCAPE '\\'")
            params.append(f"%{escaped}%")
        return parts, params


def call_where(flt: CallFilter | None = None, *, run_id: int | None = None,
               batch_id: int | None = None, task_id: str | None = None) -> tuple[str, list]:
    """The ` WHERE ...` clause (empty when nothing narrows) and its parameters, for llm_calls."""
    parts, params = [], []
    for column, value in (("run_id", run_id), ("batch_id", batch_id), ("task_id", task_id)):
        if value is not None:
            parts.append(f"{column} = ?")
            params.append(value)
    if flt is not None:
        more, values = flt.conditions()
        parts += more
        params += values
    return (" WHERE " + " AND ".join(parts)) if parts else "", params


def summarize(store: Store, by: str = "model", *, run_id: int | None = None,
              batch_id: int | None = None, task_id: str | None = None,
              flt: CallFilter | None = None) -> list[CostLine]:
    """Cost lines grouped by one of GROUPS, most expensive first."""
    if by not in GROUPS:
        raise ValueError(f"cannot group costs by {by!r}; choose one of {', '.join(GROUPS)}")
    expr = GROUPS[by]
    where, params = call_where(flt, run_id=run_id, batch_id=batch_id, task_id=task_id)
    lines: dict[str | None, CostLine] = {}
    for row in store.query(
            f"SELECT {expr} AS k, COUNT(*) AS calls, SUM(status = 'cached') AS cached, "
            "SUM(COALESCE(input_tokens, 0)) AS tin, SUM(COALESCE(output_tokens, 0)) AS tout, "
            "SUM(COALESCE(cost_usd, 0)) AS cost, SUM(cost_usd IS NULL) AS unpriced "
            f"FROM ({_SUCCESS}){where} GROUP BY k", params):
        lines[row["k"]] = CostLine(row["k"], row["calls"], row["cached"] or 0, row["tin"] or 0,
                                   row["tout"] or 0, float(row["cost"] or 0.0),
                                   row["unpriced"] or 0)
    sep = " AND " if where else " WHERE "
    for row in store.query(f"SELECT {expr} AS k, COUNT(*) AS n FROM llm_calls{where}{sep}"
                           "status = 'error' GROUP BY k", params):
        lines.setdefault(row["k"], CostLine(row["k"])).failed_attempts = row["n"]
    return sorted(lines.values(), key=lambda line: (-line.cost_usd, -line.calls,
                                                    str(line.key)))


def totals(store: Store, *, run_id: int | None = None, batch_id: int | None = None,
           task_id: str | None = None, flt: CallFilter | None = None) -> CostLine:
    """All matching calls as one line."""
    return add_up(summarize(store, "purpose", run_id=run_id, batch_id=batch_id,
                            task_id=task_id, flt=flt))


def add_up(lines: Iterable[CostLine]) -> CostLine:
    """The lines of one grouping summed: a grouping partitions the calls, so this is the total."""
    total = CostLine("total")
    for line in lines:
        total.calls += line.calls
        total.cached += line.cached
        total.input_tokens += line.input_tokens
        total.output_tokens += line.output_tokens
        total.cost_usd += line.cost_usd
        total.unpriced += line.unpriced
        total.failed_attempts += line.failed_attempts
    return total


def failed_attempts(store: Store, *, run_id: int | None = None, limit: int = 100) -> list[dict]:
    """The most recent failed attempts, newest first, for listing apart from the costs."""
    where, params = call_where(run_id=run_id)
    sep = " AND " if where else " WHERE "
    return store.query(f"SELECT id, call_key, attempt, model, purpose, error, created_at "
                       f"FROM llm_calls{where}{sep}status = 'error' "
                       "ORDER BY id DESC LIMIT ?", [*params, limit])


@dataclass
class RepriceReport:
    rows: int = 0
    changed: int = 0
    unpriced: int = 0


def _config_for(settings: Settings, provider: str, model: str) -> ModelConfig | None:
    for cfg in settings.all_models().values():
        if cfg.provider == provider and canonical_model(cfg.model) == model:
            return cfg
    return None


def price_row(row: dict[str, Any], settings: Settings | None = None
              ) -> tuple[float | None, str, str]:
    """(usd or None, source, version) of one ledger row (provider, model, model_original,
    token counts, created_at) at the price in force when the call was made. Without settings
    only the price data is used (what an import does: the corpus has no prices of its own)."""
    cfg = _config_for(settings, row["provider"], row["model"]) if settings else None
    provider = price_provider(cfg) if cfg else row["provider"]
    usage = _RowUsage(row.get("input_tokens") or 0, row.get("output_tokens") or 0,
                      row.get("cache_read_tokens") or 0, row.get("cache_write_tokens") or 0)
    when = _parse_time(row.get("created_at"))
    # A call sent through a provider batch API keeps its batch price.
    price = price_batch if is_batch_source(row.get("price_source")) else price_usage
    cost, source, version = price(row.get("model_original") or row["model"], provider,
                                  usage, cfg.price if cfg else None, when=when)
    if cost is None and row.get("model_original"):
        cost, source, version = price(row["model"], provider, usage, None, when=when)
    return cost, source, version


def price_changes(store: Store, settings: Settings
                  ) -> tuple[RepriceReport, list[tuple[Any, ...]]]:
    """What re-pricing every successful row with today's price data and config overrides
    would change, each at the price in force when the call was made: the report and the
    (cost, source, version, id) of each changed row. providers.ledger.reprice writes them."""
    report = RepriceReport()
    updates: list[tuple[Any, ...]] = []
    for row in store.query("SELECT * FROM llm_calls WHERE status = 'ok'"):
        cost, source, version = price_row(row, settings)
        report.rows += 1
        report.unpriced += cost is None
        if (cost, source, version) != (row["cost_usd"], row["price_source"],
                                       row["price_version"]):
            report.changed += 1
            updates.append((cost, source, version, row["id"]))
    return report, updates


@dataclass
class _RowUsage:
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int


def _parse_time(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
