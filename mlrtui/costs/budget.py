"""USD caps per run and per batch, checked BEFORE each call against its worst-case cost.

Spending comes from the ledger (llm_calls.cost_usd), so a resumed run or batch counts what it
spent before. Calls in flight hold their worst-case estimate until their row is written, so
concurrent calls cannot jointly slip past a cap.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlrtui.config import Settings
    from mlrtui.store import Store


class BudgetExceeded(Exception):
    """The next call could cross a cap. The message is one line: cap, spent, estimate."""

    def __init__(self, scope: str, cap: float, spent: float, estimate: float,
                 scope_id: int | None = None) -> None:
        self.scope, self.cap, self.spent, self.estimate, self.scope_id = (
            scope, cap, spent, estimate, scope_id)
        name = f"{scope} {scope_id}" if scope_id is not None else scope
        super().__init__(f"{name} budget ${cap:.2f} would be exceeded: spent ${spent:.4f}, "
                         f"next call may cost up to ${estimate:.4f}")


# Asked when a call would cross a cap: True once the cap was raised (the call is tried again).
OnBudget = Callable[[BudgetExceeded], Awaitable[bool]]


class BudgetGate:
    """The one budget-stop rule of every long operation (stages and judging alike).

    When a call would cross a cap, the operation's `on_budget` hook is asked, one call at a
    time; concurrent calls stopped by the same cap do not ask again once it was raised. No
    hook, or a hook that declines, stops the operation: `stopped` says why.
    """

    def __init__(self, on_budget: OnBudget | None) -> None:
        self.on_budget = on_budget
        self.raised = 0                 # caps raised through the hook so far
        self.stopped: BudgetExceeded | None = None
        self._asking = asyncio.Lock()

    @property
    def is_stopped(self) -> bool:
        return self.stopped is not None

    async def go_on(self, exc: BudgetExceeded, seen: int) -> bool:
        """After `exc` (the caller saw `raised == seen` before its call): True to try again."""
        if self.on_budget is not None and not self.is_stopped:
            async with self._asking:
                if self.is_stopped:
                    return False
                if self.raised != seen:
                    return True         # another call raised the cap meanwhile
                if await self.on_budget(exc):
                    self.raised += 1
                    return True
        if self.stopped is None:
            self.stopped = exc
        return False


class Budget:
    """Caps for one run and/or one batch. A cap of None means no limit for that scope."""

    def __init__(self, store: Store, run_id: int | None = None, batch_id: int | None = None,
                 run_cap: float | None = None, batch_cap: float | None = None) -> None:
        self.store = store
        self.run_id = run_id
        self.batch_id = batch_id
        self.run_cap = run_cap
        self.batch_cap = batch_cap
        self._held: dict[tuple[str, int | None], float] = {}
        self._lock = threading.Lock()

    @classmethod
    def for_ids(cls, store: Store, settings: Settings, run_id: int | None,
                batch_id: int | None) -> Budget:
        """Caps stored on the run / batch rows, else the config defaults."""
        run_cap = batch_cap = None
        if run_id is not None:
            stored = store.scalar("SELECT budget_usd FROM runs WHERE id = ?", [run_id])
            run_cap = stored if stored is not None else settings.run_budget_usd
        if batch_id is not None:
            stored = store.scalar("SELECT budget_usd FROM batches WHERE id = ?", [batch_id])
            batch_cap = stored if stored is not None else settings.batch_budget_usd
        return cls(store, run_id, batch_id, run_cap, batch_cap)

    def bind(self, run_id: int | None, batch_id: int | None) -> Budget:
        """This budget with missing ids filled from a call's context; holds are shared."""
        if (self.run_id is not None or run_id is None) and (
                self.batch_id is not None or batch_id is None):
            return self
        bound = Budget(self.store, self.run_id if self.run_id is not None else run_id,
                       self.batch_id if self.batch_id is not None else batch_id,
                       self.run_cap, self.batch_cap)
        bound._held, bound._lock = self._held, self._lock
        return bound

    def spent(self, scope: str | None = None) -> float:
        """USD recorded so far for the run (default when set) or the batch."""
        scope = scope or ("run" if self.run_id is not None else "batch")
        scope_id = self.run_id if scope == "run" else self.batch_id
        if scope_id is None:
            return 0.0
        column = "run_id" if scope == "run" else "batch_id"
        total = self.store.scalar(
            f"SELECT SUM(cost_usd) FROM llm_calls WHERE {column} = ? AND cost_usd IS NOT NULL"
            " AND status != 'in_flight'",   # an attempt in flight is held by its reservation
            [scope_id])
        return float(total or 0.0)

    def _scopes(self) -> list[tuple[str, int | None, float]]:
        out = []
        if self.run_cap is not None:
            out.append(("run", self.run_id, self.run_cap))
        if self.batch_cap is not None:
            out.append(("batch", self.batch_id, self.batch_cap))
        return out

    def check(self, estimate: float | None) -> None:
        """Raise BudgetExceeded if a call costing up to `estimate` could cross a cap.

        An unpriced call (None) cannot be capped; it only stops once a cap is already spent.
        """
        with self._lock:
            self._check_locked(estimate)

    def _check_locked(self, estimate: float | None) -> None:
        amount = estimate or 0.0
        for scope, scope_id, cap in self._scopes():
            spent = self.spent(scope) + self._held.get((scope, scope_id), 0.0)
            if spent + amount > cap or (estimate is None and spent >= cap):
                raise BudgetExceeded(scope, cap, spent, amount, scope_id)

    @contextlib.contextmanager
    def reserve(self, estimate: float | None) -> Iterator[None]:
        """Check, then hold the estimate while the call runs (released once it is recorded)."""
        amount = estimate or 0.0
        with self._lock:
            self._check_locked(estimate)
            keys = [(scope, scope_id) for scope, scope_id, _ in self._scopes()]
            for key in keys:
                self._held[key] = self._held.get(key, 0.0) + amount
        try:
            yield
        finally:
            with self._lock:
                for key in keys:
                    self._held[key] = self._held.get(key, 0.0) - amount
