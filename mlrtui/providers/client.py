"""LLMClient: the one way the rest of mlrtui calls a model.

It wraps any provider with what every call needs: the response cache, a budget check before the
call, per-model concurrency and rate limits, retries with backoff (honouring Retry-After), prompt
cancellation, and one ledger row per attempt with its USD cost computed at call time. The row
is written before the attempt is sent (in flight, worst-case cost) and completed after, so a
killed process leaves no unrecorded request. A garbage body is retried once at most; a streamed
reply cut and retried sends STREAM_RESET to the callback so the reader drops the fragment.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
import uuid
from dataclasses import dataclass, replace
from typing import Any

from mlrtui.config import ModelConfig, Settings
from mlrtui.costs.budget import Budget, BudgetExceeded
from mlrtui.costs.pricing import SOURCE_CACHE, price_provider, price_usage
from mlrtui.providers.base import (
    STREAM_RESET,
    Completion,
    Provider,
    ProviderError,
    Request,
    StreamCallback,
    Usage,
    estimate_tokens,
)
from mlrtui.providers.ledger import Attempt, Ledger, cache_key
from mlrtui.providers.ratelimit import ModelGate
from mlrtui.providers.registry import make_provider
from mlrtui.store import Store

logger = logging.getLogger(__name__)

__all__ = ["BudgetExceeded", "CallContext", "CallFailed", "CallResult", "LLMClient",
           "RetryPolicy"]


@dataclass
class CallContext:
    purpose: str                   # stage | judge | test | agent
    run_id: int | None = None
    version_id: int | None = None
    review_id: int | None = None
    batch_id: int | None = None
    task_id: str | None = None
    stage: str | None = None


@dataclass
class CallResult:
    completion: Completion
    call_key: str                  # the logical call id shared by its attempt rows
    cost_usd: float | None         # None = unpriced
    cached: bool


class CallFailed(Exception):
    """Non-retryable, or attempts exhausted. One line; `attempts` and `last` for details."""

    def __init__(self, message: str, *, attempts: int = 0,
                 last: ProviderError | None = None) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.last = last


@dataclass
class RetryPolicy:
    """Exponential backoff with jitter; a Retry-After above max_retry_after_s ends the call."""

    base_s: float = 1.0
    max_s: float = 30.0
    jitter: float = 0.5            # the delay is scaled by a random factor in [1 - jitter, 1]
    max_retry_after_s: float = 120.0

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float:
        backoff = min(self.max_s, self.base_s * 2 ** (attempt - 1))
        backoff *= 1 - self.jitter * rng.random()
        return max(backoff, retry_after or 0.0)


class LLMClient:
    def __init__(self, store: Store, settings: Settings, *, budget: Budget | None = None,
                 retry: RetryPolicy | None = None) -> None:
        self.store = store
        self.settings = settings
        self.budget = budget
        self.retry = retry or RetryPolicy()
        self.ledger = Ledger(store, settings)
        self._providers: dict[str, Provider] = {}
        self._gates: dict[str, ModelGate] = {}
        self._budgets: dict[tuple[int | None, int | None], Budget] = {}
        self._rng = random.Random()

    # -- lookups ------------------------------------------------------------------------------
    def config(self, model_name: str) -> ModelConfig:
        cfg = self.settings.all_models().get(model_name)
        if cfg is None:
            raise CallFailed(f"unknown model {model_name!r}: add it under [models] in the config")
        return cfg

    def provider(self, model_name: str) -> Provider:
        if model_name not in self._providers:
            try:
                self._providers[model_name] = make_provider(model_name, self.config(model_name))
            except ProviderError as exc:
                raise CallFailed(str(exc), last=exc) from None
        return self._providers[model_name]

    def _budget_for(self, ctx: CallContext) -> Budget | None:
        if self.budget is not None:
            return self.budget.bind(ctx.run_id, ctx.batch_id)
        if ctx.run_id is None and ctx.batch_id is None:
            return None
        key = (ctx.run_id, ctx.batch_id)
        if key not in self._budgets:
            self._budgets[key] = Budget.for_ids(self.store, self.settings, *key)
        return self._budgets[key]

    def apply_cap(self, scope: str, scope_id: int | None, cap: float) -> None:
        """A cap was raised while calls run: every live budget of that scope sees it at once."""
        for budget in [self.budget, *self._budgets.values()]:
            if budget is None:
                continue
            if scope == "run" and budget.run_id in (scope_id, None):
                budget.run_cap = cap
            elif scope == "batch" and budget.batch_id in (scope_id, None):
                budget.batch_cap = cap

    @staticmethod
    def _effective(cfg: ModelConfig, request: Request, stage: str | None = None) -> Request:
        limit = cfg.output_limit(stage)
        return replace(request, max_tokens=max(1, min(request.max_tokens, limit)))

    def estimate_cost(self, model_name: str, request: Request,
                      stage: str | None = None) -> float | None:
        """Worst case in USD: the counted input plus max_tokens of output. None = unpriced."""
        cfg = self.config(model_name)
        request = self._effective(cfg, request, stage)
        try:
            counted = self.provider(model_name).count_tokens(request.messages)
        except CallFailed:
            counted = sum(estimate_tokens(m.content) + 4 for m in request.messages)
        usage = Usage(input_tokens=counted, output_tokens=request.max_tokens)
        cost, _, _ = price_usage(cfg.model, price_provider(cfg), usage, cfg.price)
        return cost

    # -- the call -----------------------------------------------------------------------------
    async def complete(self, model_name: str, request: Request, ctx: CallContext, *,
                       on_text: StreamCallback | None = None,
                       on_retry: Any = None) -> CallResult:
        """One logical call. `on_retry(attempt, error)` runs before a retry, e.g. to clear a
        streamed partial reply."""
        cfg = self.config(model_name)
        stage = ctx.stage if ctx.purpose in ("stage", "agent") else None
        request = self._effective(cfg, request, stage)
        call_key = uuid.uuid4().hex
        key = cache_key(cfg, request) if cfg.cache else None
        if key is not None:
            hit = self.ledger.cache_get(key)
            if hit is not None:
                self.ledger.record(call_key, cfg, ctx, Attempt(
                    1, "cached", 0.0, hit.usage, hit.model, 0.0, SOURCE_CACHE, None,
                    finish_reason=hit.finish_reason))
                if on_text is not None and hit.text:
                    on_text(hit.text)
                return CallResult(hit, call_key, 0.0, True)
        provider = self.provider(model_name)
        budget = self._budget_for(ctx)
        estimate = self.estimate_cost(model_name, request, stage)
        with budget.reserve(estimate) if budget else contextlib.nullcontext():
            return await self._attempts(model_name, cfg, provider, request, ctx, call_key, key,
                                        estimate, on_text, on_retry)

    async def _attempts(self, model_name: str, cfg: ModelConfig, provider: Provider,
                        request: Request, ctx: CallContext, call_key: str, key: str | None,
                        estimate: float | None, on_text: StreamCallback | None,
                        on_retry: Any) -> CallResult:
        gate = self._gates.setdefault(model_name, ModelGate(cfg.concurrency,
                                                            cfg.requests_per_minute))
        attempt, started, row, malformed = 1, time.monotonic(), None, 0
        streamed = [False]

        def feed(piece: str) -> None:
            streamed[0] = True
            if on_text is not None:
                on_text(piece)

        try:
            while True:
                async with gate.slot():
                    started = time.monotonic()
                    row = self.ledger.begin(call_key, cfg, ctx, attempt, estimate)
                    try:
                        comp = await provider.complete(request,
                                                       feed if on_text is not None else None)
                    except ProviderError as exc:
                        error = exc
                    except asyncio.CancelledError:
                        raise
                    except Exception as exc:   # a provider bug: record it, then let it surface
                        self._fail_row(row, cfg, ctx, attempt, started,
                                       f"{type(exc).__name__}: {exc}")
                        raise
                    else:
                        error = None
                if error is None:   # the model's slot is free already: it covers the exchange
                    return self._success(row, call_key, cfg, attempt, started, comp, key)
                error = self.ledger.scrub(error)
                self._fail_row(row, cfg, ctx, attempt, started, str(error))
                row = None
                malformed += error.malformed
                if not error.retryable or malformed > 1:
                    raise CallFailed(f"{model_name}: {error}", attempts=attempt, last=error)
                if attempt >= cfg.max_attempts:
                    raise CallFailed(f"{model_name}: gave up after {attempt} attempts; "
                                     f"last error: {error}", attempts=attempt, last=error)
                if error.retry_after and error.retry_after > self.retry.max_retry_after_s:
                    raise CallFailed(f"{model_name}: server asks to wait "
                                     f"{error.retry_after:.0f}s (limit "
                                     f"{self.retry.max_retry_after_s:.0f}s): {error}",
                                     attempts=attempt, last=error)
                if streamed[0] and on_text is not None:
                    streamed[0] = False
                    on_text(STREAM_RESET)
                if on_retry is not None:
                    on_retry(attempt, str(error))
                attempt, started = attempt + 1, time.monotonic()
                await asyncio.sleep(self.retry.delay(attempt - 1, error.retry_after, self._rng))
        except asyncio.CancelledError:
            # Stopping a call is the user's choice, not a failure: its own ledger status.
            self._fail_row(row, cfg, ctx, attempt, started, "cancelled", "cancelled")
            raise

    def _success(self, row: int | None, call_key: str, cfg: ModelConfig, attempt: int,
                 started: float, comp: Completion, key: str | None) -> CallResult:
        cost, source, version = price_usage(cfg.model, price_provider(cfg), comp.usage, cfg.price)
        self.ledger.finish(row, cfg, Attempt(
            attempt, "ok", time.monotonic() - started, comp.usage, comp.model, cost, source,
            version, finish_reason=comp.finish_reason))
        if key is not None:
            self.ledger.cache_put(key, cfg, comp)
        return CallResult(comp, call_key, cost, False)

    def _fail_row(self, row: int | None, cfg: ModelConfig, ctx: CallContext, attempt: int,
                  started: float, error: str, status: str = "error") -> None:
        """Complete the attempt's in-flight row as failed, or cancelled (none left when
        cancelled between attempts: that wait sent nothing)."""
        logger.log(logging.INFO if error == "cancelled" else logging.WARNING,
                   "LLM call failed: %s %s attempt %d (%s, run %s, task %s): %s", cfg.provider,
                   cfg.model, attempt, ctx.purpose, ctx.run_id, ctx.task_id, error)
        if row is not None:
            self.ledger.finish(row, cfg, Attempt(
                max(1, attempt), status, time.monotonic() - started, error=error))

    def link(self, call_key: str, *, version_id: int | None = None,
             review_id: int | None = None) -> None:
        """Attach a call's ledger rows to the version or review it produced."""
        self.ledger.link(call_key, version_id, review_id)

    async def aclose(self) -> None:
        providers, self._providers = list(self._providers.values()), {}
        for provider in providers:
            await provider.aclose()
