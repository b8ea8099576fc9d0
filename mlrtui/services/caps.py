"""Budget caps a person sets: on a run (runs.budget_usd) or on a batch (batches.budget_usd).

Each table has one writer: the runs owner stores a run's cap, the batches owner a batch's. This
module, above both, picks by scope, so the Costs screen's modal and the operations that stop at
a cap share one way of raising it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlrtui.costs.batches import set_batch_budget
from mlrtui.runs.versions import set_run_budget

if TYPE_CHECKING:
    from mlrtui.costs.budget import Budget, BudgetExceeded
    from mlrtui.store import Store

SCOPES = ("run", "batch")


def set_budget_cap(store: Store, scope: str, scope_id: int, cap: float) -> bool:
    """Store a run's or batch's cap; False when there is no such row."""
    if scope not in SCOPES:
        raise ValueError(f"no budget scope {scope!r}; use run or batch")
    if cap < 0:
        raise ValueError("a budget cap cannot be negative")
    if scope == "run":
        return set_run_budget(store, scope_id, cap)
    return set_batch_budget(store, scope_id, cap)


def raise_cap(store: Store, exc: BudgetExceeded, cap: float,
              budget: Budget | None = None) -> None:
    """After the user raised the cap that stopped a call: persist it, and update the live
    Budget (if the caller holds one) so the retried call sees the new cap at once."""
    if exc.scope_id is not None:
        set_budget_cap(store, exc.scope, exc.scope_id, cap)
    if budget is not None:
        if exc.scope == "run":
            budget.run_cap = cap
        else:
            budget.batch_cap = cap
