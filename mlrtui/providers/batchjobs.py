"""Submit, wait for and collect provider batches, with the bookkeeping that makes them resumable.

What a result is *for* (a review, a stage version) is the caller's: `collect` hands each
succeeded result to a writer inside the transaction that marks its item written and records
its ledger row at the batch price, so a result, its review and its cost land together or not
at all, once.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from mlrtui.config import ModelConfig, Settings
from mlrtui.costs.batch_pricing import price_batch
from mlrtui.costs.pricing import price_provider, price_usage
from mlrtui.providers import batchrows as rows
from mlrtui.providers.base import Completion, ProviderError, Request, Usage
from mlrtui.providers.batchapi import BatchBackend, BatchResult, check_batchable, make_backend
from mlrtui.providers.client import CallContext
from mlrtui.providers.ledger import Attempt, Ledger
from mlrtui.store import Store

# A writer turns one succeeded result into what it is for: {"review_id": ..} or
# {"out_version_id": ..}, or {"error": "..."} when the reply cannot be used.
Writer = Callable[[dict[str, Any], Completion], dict[str, Any]]
POLL_FAILURES = 10          # consecutive failed polls before giving up (the batch stays pending)


@dataclass
class Planned:
    custom_id: str
    request: Request
    item: dict[str, Any]                  # provider_batch_items columns: what it is for


@dataclass
class Collected:
    pb: int
    kind: str                             # judge | stage
    written: int = 0                      # results turned into reviews / versions now
    unusable: int = 0                     # succeeded, but the writer could not use the reply
    failed: dict[str, int] = field(default_factory=dict)   # errored / expired / canceled
    already: int = 0                      # handled by an earlier collect
    problems: list[str] = field(default_factory=list)


class BatchJobs:
    def __init__(self, store: Store, settings: Settings, *, poll_s: float = 30.0,
                 on_line: Callable[[str], None] | None = None) -> None:
        self.store, self.settings, self.poll_s = store, settings, poll_s
        self.say = on_line or (lambda line: None)
        self.ledger = Ledger(store, settings)
        self._backends: dict[str, BatchBackend] = {}

    def config(self, model_name: str) -> ModelConfig:
        cfg = self.settings.all_models().get(model_name)
        check_batchable(model_name, cfg)
        assert cfg is not None
        return cfg

    def backend(self, model_name: str) -> BatchBackend:
        if model_name not in self._backends:
            try:
                self._backends[model_name] = make_backend(model_name, self.config(model_name))
            except ProviderError as exc:
                raise ProviderError(str(exc), retryable=False) from None
        return self._backends[model_name]

    def estimate(self, model_name: str, planned: list[Planned]) -> tuple[float | None,
                                                                       float | None]:
        """Worst case (every reply max_tokens long) at live and at batch prices."""
        cfg = self.config(model_name)
        counter: Any = self.backend(model_name)
        usage = Usage()
        for p in planned:
            usage.input_tokens += counter.provider.count_tokens(p.request.messages)
            usage.output_tokens += min(p.request.max_tokens, cfg.max_tokens)
        provider = price_provider(cfg)
        live, _, _ = price_usage(cfg.model, provider, usage, cfg.price)
        batch, _, _ = price_batch(cfg.model, provider, usage, cfg.price)
        return live, batch

    async def submit(self, kind: str, model_name: str, planned: list[Planned], *,
                     batch_id: int | None, estimates: tuple[float | None, float | None]) -> int:
        cfg = self.config(model_name)
        backend = self.backend(model_name)
        pb = rows.create(self.store, batch_id=batch_id, kind=kind, provider=cfg.provider,
                         model_name=model_name, model=cfg.model,
                         items=[{"custom_id": p.custom_id, **p.item} for p in planned],
                         estimate_live=estimates[0], estimate_batch=estimates[1])
        reqs = [(p.custom_id, _capped(p.request, cfg)) for p in planned]
        try:
            provider_id, state, file_id = await backend.submit(reqs)
        except ProviderError as exc:
            rows.close(self.store, pb, "failed")
            raise ProviderError(f"{model_name}: {exc}", retryable=False) from None
        rows.submitted(self.store, pb, provider_id, state, file_id)
        self.say(f"provider batch {pb}: {len(planned)} request(s) to {model_name} submitted as "
                 f"{provider_id}; the provider may take up to 24 h (if mlrtui stops, "
                 "`mlrtui batches --resume` collects it later)")
        return pb

    async def wait(self, pb: int) -> rows.ProviderBatch:
        """Poll until the provider says the batch ended; the state is stored at every poll."""
        batch = rows.get(self.store, pb)
        assert batch.provider_batch_id is not None
        backend, failures, last = self.backend(batch.model_name), 0, ""
        while True:
            try:
                state = await backend.poll(batch.provider_batch_id)
            except ProviderError as exc:
                failures += 1
                if failures >= POLL_FAILURES:
                    raise ProviderError(f"provider batch {pb}: {exc} ({failures} tries; it stays"
                                        " pending: `mlrtui batches --resume` later)",
                                        retryable=False) from None
                await asyncio.sleep(self.poll_s)
                continue
            failures = 0
            rows.update(self.store, pb, state)
            line = f"provider batch {pb}: {state.provider_status} {state.counts}"
            if line != last:
                self.say(line)
                last = line
            if state.done:
                return rows.get(self.store, pb)
            await asyncio.sleep(self.poll_s)

    async def collect(self, pb: int, write: Writer) -> Collected:
        batch = rows.get(self.store, pb)
        out = Collected(pb, batch.kind)
        results = await self.backend(batch.model_name).results(batch.provider_batch_id or "")
        by_id = {r.custom_id: r for r in results}
        cfg = self.config(batch.model_name)
        for item in rows.items(self.store, pb):
            if item["status"] != "pending":
                out.already += 1
                continue
            res = by_id.get(item["custom_id"]) or _missing(item["custom_id"],
                                                           batch.provider_status)
            self._one(batch, cfg, item, res, write, out)
        rows.close(self.store, pb, "collected")
        return out

    def _one(self, batch: rows.ProviderBatch, cfg: ModelConfig, item: dict[str, Any],
             res: BatchResult, write: Writer, out: Collected) -> None:
        call_key = uuid.uuid4().hex
        ctx = CallContext(purpose="judge" if batch.kind == "judge" else "stage",
                          run_id=item["run_id"], version_id=item["version_id"],
                          batch_id=batch.batch_id, task_id=item["task_id"], stage=item["stage"])
        with rows.claim(self.store, item["id"], res.status, res.error) as mine:
            if not mine:
                out.already += 1
                return
            if res.completion is None:
                self.ledger.record(call_key, cfg, ctx, Attempt(1, "error", error=(
                    f"batch {batch.provider_batch_id}: {res.status}: {res.error}")))
                rows.link(self.store, item["id"], call_key=call_key)
                out.failed[res.status] = out.failed.get(res.status, 0) + 1
                out.problems.append(f"{item['custom_id']}: {res.status}: {res.error}")
                return
            comp = res.completion
            cost, source, version = price_batch(cfg.model, price_provider(cfg), comp.usage,
                                                cfg.price)
            made = write(item, comp)
            if "review_id" in made:
                ctx.review_id = made["review_id"]
            if made.get("out_version_id"):
                ctx.version_id = made["out_version_id"]
            self.ledger.record(call_key, cfg, ctx, Attempt(
                1, "ok", None, comp.usage, comp.model, cost, source, version))
            rows.link(self.store, item["id"], call_key=call_key, review_id=made.get("review_id"),
                      out_version_id=made.get("out_version_id"), error=made.get("error"))
            if made.get("error"):
                out.unusable += 1
                out.problems.append(f"{item['custom_id']}: {made['error']}")
            else:
                out.written += 1

    async def aclose(self) -> None:
        backends, self._backends = list(self._backends.values()), {}
        for backend in backends:
            await backend.aclose()


def _capped(request: Request, cfg: ModelConfig) -> Request:
    """The request as a live call would send it: max_tokens within the model's cap."""
    return replace(request, max_tokens=max(1, min(request.max_tokens, cfg.max_tokens)))


def _missing(custom_id: str, provider_status: str | None) -> BatchResult:
    """A request the batch ended without answering: rejected with the batch, or not reached."""
    if provider_status == "failed":
        return BatchResult(custom_id, "errored", error="the provider rejected the whole batch "
                                                        "(`mlrtui batches` shows it)")
    return BatchResult(custom_id, "expired", error="no result: the batch ended without it")
