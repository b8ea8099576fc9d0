"""The core services behind the Models and Costs screens (no Textual): ledger listing and
filters, spend per day, budget use, and what a model's row may show."""

from __future__ import annotations

from ui.seed_costs import seed_costs

from mlrtui.config import ModelConfig, load_settings
from mlrtui.costs.calls import (
    budget_uses,
    call_facets,
    count_calls,
    list_calls,
    spend_by_day,
    usd,
)
from mlrtui.costs.summary import CallFilter, totals
from mlrtui.services.models import endpoint, model_infos
from mlrtui.store import Store


def test_filters_combine_and_task_search_is_literal(store: Store):
    seed_costs(store)
    assert count_calls(store) == 13 and len(list_calls(store, limit=5)) == 5
    assert [r.id for r in list_calls(store)] == sorted((r.id for r in list_calls(store)),
                                                       reverse=True)
    flt = CallFilter(model="gpt-4o", stage="proposal")
    assert {(r.model, r.stage) for r in list_calls(store, flt)} == {("gpt-4o", "proposal")}
    assert count_calls(store, flt) == 4
    assert count_calls(store, CallFilter(task="tide_gauges")) == 9
    assert count_calls(store, CallFilter(task="tide%gauges")) == 0      # % is not a wildcard
    assert count_calls(store, CallFilter(task="e_g")) == 9
    assert count_calls(store, CallFilter(task="tid__gauges")) == 0      # _ is not a wildcard
    assert call_facets(store)["status"] == ["cached", "error", "ok"]
    failed = totals(store, flt=CallFilter(status="error"))
    assert (failed.calls, failed.failed_attempts, failed.cost_usd) == (0, 4, 0.0)


def test_spend_by_day_is_oldest_first_and_counts_unpriced(store: Store):
    seed_costs(store)
    days = spend_by_day(store)
    assert [d.day for d in days] == [f"2025-05-0{i}" for i in range(1, 6)]
    assert round(days[0].cost_usd, 6) == 0.021055 and days[1].unpriced == 1
    assert [d.day for d in spend_by_day(store, CallFilter(model="my-vllm-7b"))] == [
        "2025-05-02", "2025-05-03"]


def test_budget_use_takes_stored_caps_else_config_defaults(store: Store):
    ids = seed_costs(store)
    settings = load_settings(db=store.path, run_budget_usd=2.0)
    uses = {(u.scope, u.scope_id): u for u in budget_uses(store, settings)}
    run_a = uses[("run", ids["run_a"])]
    assert run_a.cap == 0.05 and run_a.fraction > 1
    assert uses[("run", ids["run_b"])].cap == 2.0 and uses[("run", ids["run_b"])].unpriced == 2
    assert uses[("batch", ids["batch"])].cap == 0.5
    assert usd(0.0000104) == "$0.000010" and usd(0.0641) == "$0.0641" and usd(0) == "$0.0000"


def test_model_rows_name_the_key_variable_never_its_value(monkeypatch, store: Store):
    monkeypatch.setenv("MY_LAB_KEY", "sk-never-shown-1234")
    settings = load_settings(db=store.path, models={
        "lab": ModelConfig(provider="openai", model="lab-7b", api_key_env="MY_LAB_KEY",
                           base_url="https://user:pw@lab.example.org:8443/v1?token=abc")})
    infos = {i.name: i for i in model_infos(settings)}
    lab = infos["lab"]
    assert (lab.available, lab.key_env, lab.key_set, lab.price) == (True, "MY_LAB_KEY", True,
                                                                    "unpriced")
    assert lab.endpoint == "lab.example.org:8443"
    assert "sk-never-shown" not in repr(infos)
    assert infos["gpt-4o"].short_reason == "OPENAI_API_KEY is not set"
    assert endpoint(ModelConfig(provider="anthropic")) == "api.anthropic.com"
