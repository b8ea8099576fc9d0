"""Budgets stop BEFORE the call that could cross a cap, for runs and batches, even concurrently."""

from __future__ import annotations

import asyncio

import pytest
from llm_helpers import ask
from loopback import Reply

from mlrtui.config import Price
from mlrtui.costs.budget import Budget, BudgetExceeded
from mlrtui.providers.client import CallContext
from mlrtui.store import Store


def make_batch(store: Store, budget: float | None = None) -> int:
    with store.transaction():
        return store.insert("batches", {"kind": "run", "budget_usd": budget,
                                        "created_at": "2026-01-01T00:00:00+00:00"})


def make_run(store: Store, budget: float | None = None) -> int:
    with store.transaction() as db:
        db.execute("INSERT OR IGNORE INTO tasks (id, venue, year, slug, title, body, category,"
                   " source, content_hash, created_at) VALUES ('t1', 'iclr', 2025, 's', 'T',"
                   " 'b', 'c', 'user', 'h', 'now')")
        return store.insert("runs", {"task_id": "t1", "mode": "stepwise", "model": "gpt-4o",
                                     "budget_usd": budget, "created_at": "now",
                                     "updated_at": "now"})


async def test_batch_budget_stops_before_the_call_that_would_exceed(make_client, store,
                                                                   loopback):
    """gpt-4o priced by genai-prices; replies use nearly all of max_tokens, as a worst case."""
    loopback.responder = lambda req: Reply(text="long answer", output_tokens=250)
    batch_id = make_batch(store)
    client = make_client(budget=Budget(store, batch_id=batch_id, batch_cap=0.01))
    ctx = CallContext(purpose="stage", batch_id=batch_id)
    request = ask(max_tokens=256)
    made = 0
    with pytest.raises(BudgetExceeded) as info:
        for _ in range(20):
            await client.complete("fake-openai", request, ctx)
            made += 1
    assert made == 3 and len(loopback.requests) == 3   # the 4th never reached the server
    spent = Budget(store, batch_id=batch_id).spent("batch")
    estimate = client.estimate_cost("fake-openai", request)
    assert spent <= 0.01 < spent + estimate
    err = info.value
    assert err.cap == 0.01 and err.spent == pytest.approx(spent)
    assert "$0.01" in str(err) and "\n" not in str(err)


async def test_run_cap_read_from_the_run_row(make_client, openai_cfg, store, loopback):
    """A loopback model priced by a config override ($1,000 per million tokens each way)."""
    price = Price(input_per_mtok=1000, output_per_mtok=1000)
    client = make_client({"pricey": openai_cfg(model="house-model-x", price=price)})
    run_id = make_run(store, budget=0.05)
    ctx = CallContext(purpose="stage", run_id=run_id, task_id="t1", stage="idea")
    request = ask("short", max_tokens=20)
    estimate = client.estimate_cost("pricey", request)
    assert estimate == pytest.approx((client.provider("pricey").count_tokens(request.messages)
                                      + 20) * 1000 / 1e6)
    results = []
    with pytest.raises(BudgetExceeded, match="run"):
        for _ in range(50):
            results.append(await client.complete("pricey", request, ctx))
    assert all(r.cost_usd and r.cost_usd > 0 for r in results)
    spent = Budget(store, run_id=run_id).spent()
    assert spent == pytest.approx(sum(r.cost_usd for r in results))
    assert spent <= 0.05 < spent + estimate
    assert len(loopback.requests) == len(results)


async def test_concurrent_calls_cannot_jointly_cross_the_cap(make_client, store, loopback):
    loopback.latency_s = 0.05
    loopback.responder = lambda req: Reply(text="x", output_tokens=250)
    batch_id = make_batch(store, budget=0.008)   # room for three worst cases of ~$0.0026
    client = make_client()
    ctx = CallContext(purpose="judge", batch_id=batch_id)
    outcomes = await asyncio.gather(
        *(client.complete("fake-openai", ask(max_tokens=256), ctx) for _ in range(10)),
        return_exceptions=True)
    done = [o for o in outcomes if not isinstance(o, BaseException)]
    refused = [o for o in outcomes if isinstance(o, BudgetExceeded)]
    assert len(done) == 3 and len(refused) == 7
    assert len(loopback.requests) == 3
    assert Budget(store, batch_id=batch_id).spent() <= 0.008


def test_unpriced_calls_pass_until_the_cap_is_spent(store):
    batch_id = make_batch(store)
    budget = Budget(store, batch_id=batch_id, batch_cap=0.001)
    budget.check(None)
    with store.transaction():
        store.insert("llm_calls", {"call_key": "k", "batch_id": batch_id, "provider": "openai",
                                   "model": "gpt-4o", "cost_usd": 0.001, "status": "ok",
                                   "created_at": "now"})
    with pytest.raises(BudgetExceeded):
        budget.check(None)
    with pytest.raises(BudgetExceeded):
        budget.check(0.0001)


def test_no_cap_means_no_limit(store):
    Budget(store, run_id=None, batch_id=None).check(1e9)
