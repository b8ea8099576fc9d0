"""What every long operation owns, assembled once: its batch row (one convention for the cap),
the LLM client's lifetime, the live budget, the budget-stop hook, cancellation and its end.

    async with Operation(store, settings, "judge", args, budget_usd=None, on_budget=ask) as op:
        ... op.client, op.gate, op.batch_id ...
        op.finish("done")

The command line gives no hook (a crossed cap stops the operation, the summary says so); the
console gives one that asks whether to raise the cap. Either way the raised cap is stored and
applied to the calls in flight.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Self

from mlrtui.costs.batches import batch_cap, batch_cost, close_batch, open_batch
from mlrtui.costs.budget import Budget, BudgetExceeded, BudgetGate
from mlrtui.services.caps import raise_cap

if TYPE_CHECKING:
    from mlrtui.config import Settings
    from mlrtui.providers.client import LLMClient
    from mlrtui.store import Store

# The budget-stop hook: given the stop, the raised cap to go on with, or None to stop.
CapHook = Callable[[BudgetExceeded], Awaitable[float | None]]


class Operation:
    """One long operation's resources; use as an async context manager."""

    def __init__(self, store: Store, settings: Settings, kind: str, args: dict[str, Any], *,
                 budget_usd: float | None = None, run_id: int | None = None,
                 on_budget: CapHook | None = None) -> None:
        self.store, self.settings, self.kind, self.args = store, settings, kind, args
        self.cap = batch_cap(settings, budget_usd)
        self.run_id = run_id
        self.batch_id: int | None = None
        self.budget: Budget | None = None
        self.client: LLMClient | None = None
        self.gate = BudgetGate(self._ask if on_budget else None)
        self._on_budget = on_budget
        self.status = "running"

    async def __aenter__(self) -> Self:
        from mlrtui.providers.client import LLMClient  # the SDKs load only when work starts

        self.batch_id = open_batch(self.store, self.kind, self.args, self.cap)
        # One live budget when the operation is about one run (the console's stage jobs);
        # otherwise the client keeps one per (run, batch) it calls for.
        if self.run_id is not None:
            self.budget = Budget.for_ids(self.store, self.settings, self.run_id, self.batch_id)
        self.client = LLMClient(self.store, self.settings, budget=self.budget)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: object) -> None:
        if exc_type is not None and issubclass(exc_type, (asyncio.CancelledError,
                                                          KeyboardInterrupt)):
            self.status = "cancelled"
        elif exc_type is not None:
            self.status = "failed"
        elif self.status == "running":
            self.status = "stopped" if self.gate.is_stopped else "done"
        try:
            if self.client is not None:
                await self.client.aclose()
        finally:
            if self.batch_id is not None:
                close_batch(self.store, self.batch_id, self.status)

    def finish(self, status: str) -> None:
        """How it ended, when not simply done: cancelled (by the user), stopped (a budget)."""
        self.status = status

    async def _ask(self, exc: BudgetExceeded) -> bool:
        """The budget-stop hook: the caller's answer, applied to the store and live calls."""
        assert self._on_budget is not None
        cap = await self._on_budget(exc)
        if cap is None:
            return False
        self.raise_cap(exc, cap)
        return True

    def raise_cap(self, exc: BudgetExceeded, cap: float) -> None:
        raise_cap(self.store, exc, cap, self.budget)
        if self.client is not None:
            self.client.apply_cap(exc.scope, exc.scope_id, cap)

    def cost(self) -> tuple[float | None, int]:
        """USD spent by this operation's calls (None: nothing priced) and unpriced calls."""
        return batch_cost(self.store, self.batch_id) if self.batch_id is not None else (None, 0)
