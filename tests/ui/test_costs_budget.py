"""The budget dialog: raise the cap (returned, stored, applied to the live Budget) or stop."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from mlrtui.config import Settings, load_settings
from mlrtui.costs.budget import Budget, BudgetExceeded
from mlrtui.providers.base import Message, Request
from mlrtui.providers.client import CallContext, LLMClient
from mlrtui.services.caps import raise_cap, set_budget_cap
from mlrtui.store import Store
from mlrtui.store.db import now
from mlrtui.ui.app import make_app
from mlrtui.ui.modals.budget import BudgetExceededScreen, ask_to_raise, suggested_cap

SIZE = (120, 36)


def make_run(store: Store, cap: float | None = None) -> int:
    with store.transaction():
        store.insert("tasks", {"id": "acme2025_budget", "venue": "acme", "year": 2025,
                               "slug": "budget", "title": "Budget test", "body": "ours",
                               "category": "other", "source": "user", "content_hash": "x",
                               "created_at": now()})
        return store.insert("runs", {"task_id": "acme2025_budget", "mode": "stepwise",
                                     "model": "gpt-4o", "budget_usd": cap,
                                     "created_at": now(), "updated_at": now()})


async def show(pilot, screen: BudgetExceededScreen) -> list[float | None]:
    results: list[float | None] = []
    await pilot.app.push_screen(screen, results.append)
    await pilot.pause()
    return results


def test_suggested_cap_doubles_but_always_covers_the_next_call():
    assert suggested_cap(5.0, 4.99, 0.02) == 10.0
    assert suggested_cap(0.01, 0.009, 0.5) == 0.51
    assert suggested_cap(0.0, 0.0, 0.0) == 0.01


async def test_raise_returns_the_typed_cap(store: Store):
    app = make_app(load_settings(db=store.path), store, corpus_path="")
    async with app.run_test(size=SIZE) as pilot:
        results = await show(pilot, BudgetExceededScreen("run", 0.05, 0.048, 0.012, 7))
        field = app.screen.query_one("#budget-cap", Input)
        assert field.value == "0.10"                       # double the cap by default
        field.value = ""
        await pilot.press(*"0.25", "enter")
        await pilot.pause()
    assert results == [0.25]


async def test_escape_stops_and_a_too_small_cap_is_refused(store: Store):
    app = make_app(load_settings(db=store.path), store, corpus_path="")
    async with app.run_test(size=SIZE) as pilot:
        results = await show(pilot, BudgetExceededScreen("batch", 1.0, 0.9, 0.2, 3))
        field = app.screen.query_one("#budget-cap", Input)
        field.value = "1.05"                               # below spent + next call
        await pilot.press("enter")
        await pilot.pause()
        assert results == [] and field.has_class("-error")
        assert isinstance(app.screen, BudgetExceededScreen)
        await pilot.press("escape")
        await pilot.pause()
    assert results == [None]


async def test_a_run_stopped_by_its_budget_goes_on_after_a_raise(store: Store,
                                                                 llm_settings: Settings,
                                                                 loopback):
    """What the Run screen does: catch BudgetExceeded in a worker, ask, retry."""
    run_id = make_run(store, cap=0.0001)
    budget = Budget.for_ids(store, llm_settings, run_id, None)
    client = LLMClient(store, llm_settings, budget=budget)
    request = Request([Message("user", "Name one tide gauge.")], max_tokens=50)
    app = make_app(llm_settings, store, corpus_path="")
    outcome: list[object] = []

    async def job() -> None:
        ctx = CallContext("stage", run_id=run_id, stage="idea")
        try:
            await client.complete("fake-openai", request, ctx)
        except BudgetExceeded as exc:
            outcome.append(exc)
            cap = await ask_to_raise(app, store, exc, budget)
            outcome.append(cap)
            if cap is not None:
                outcome.append(await client.complete("fake-openai", request, ctx))
        finally:
            await client.aclose()

    async with app.run_test(size=SIZE) as pilot:
        worker = app.run_worker(job(), exit_on_error=False)
        for _ in range(100):
            if isinstance(app.screen, BudgetExceededScreen):
                break
            await pilot.pause()
        assert isinstance(app.screen, BudgetExceededScreen), outcome
        await pilot.press("enter")                         # accept the suggested cap
        await worker.wait()
    exc, cap, result = outcome
    assert isinstance(exc, BudgetExceeded) and exc.scope == "run" and exc.cap == 0.0001
    assert cap == suggested_cap(0.0001, exc.spent, exc.estimate) and cap >= exc.estimate
    assert store.scalar("SELECT budget_usd FROM runs WHERE id = ?", [run_id]) == cap
    assert budget.run_cap == cap
    assert result.completion.text and len(loopback.requests) == 1


def test_set_budget_cap_refuses_bad_input(store: Store):
    run_id = make_run(store)
    assert set_budget_cap(store, "run", run_id, 2.5) is True
    assert set_budget_cap(store, "batch", 999, 2.5) is False
    with pytest.raises(ValueError):
        set_budget_cap(store, "task", run_id, 1.0)
    with pytest.raises(ValueError):
        set_budget_cap(store, "run", run_id, -1.0)
    budget = Budget(store, batch_id=None, batch_cap=1.0)
    raise_cap(store, BudgetExceeded("batch", 1.0, 1.0, 0.1), 3.0, budget)   # no row: live only
    assert budget.batch_cap == 3.0
    assert store.scalar("SELECT budget_usd FROM runs WHERE id = ?", [run_id]) == 2.5
