"""Pricing, cost summaries, re-pricing and the `costs` / `models` commands."""

from __future__ import annotations

import json

import pytest
from llm_helpers import ask
from loopback import Fault, Reply

from mlrtui.cli import main
from mlrtui.config import ModelConfig, Price
from mlrtui.costs.pricing import price_provider
from mlrtui.costs.summary import price_usage, summarize, totals
from mlrtui.providers.base import Usage
from mlrtui.providers.client import CallContext
from mlrtui.providers.ledger import reprice
from mlrtui.providers.registry import model_statuses


def test_gpt_4o_price_matches_the_issue():
    cost, source, version = price_usage("gpt-4o", "openai", Usage(1234, 567))
    assert round(cost, 6) == 0.008755
    assert source == "genai-prices" and version


def test_unknown_model_is_unpriced_not_zero():
    cost, source, _ = price_usage("my-own-finetune-7b", "openai", Usage(1234, 567))
    assert cost is None and source == "genai-prices"


def test_config_override_prices_cache_tokens():
    price = Price(input_per_mtok=2.0, output_per_mtok=8.0, cache_read_per_mtok=0.5)
    cost, source, _ = price_usage("anything", "openai",
                                  Usage(input_tokens=1_000_000, output_tokens=500_000,
                                        cache_read_tokens=400_000), price)
    assert cost == pytest.approx(0.6 * 2.0 + 0.4 * 0.5 + 0.5 * 8.0)
    assert source == "config"


def test_local_model_is_free_and_router_urls_price_by_router():
    assert price_usage("smollm2", "local", Usage(10, 10))[0] == 0.0
    router = ModelConfig(provider="openai", model="x", base_url="https://openrouter.ai/api/v1")
    assert price_provider(router) == "openrouter"


async def _spend(make_client, loopback, store) -> None:
    """Three logical calls on two models and two stages, one with a failed first attempt."""
    client = make_client()
    loopback.script(Reply(text="a", input_tokens=1000, output_tokens=100))
    await client.complete("fake-openai", ask(), CallContext("stage", task_id="t1", stage="idea"))
    loopback.script(Fault("500"), Reply(text="b", input_tokens=1000, output_tokens=100))
    await client.complete("fake-openai", ask(), CallContext("stage", task_id="t1",
                                                            stage="proposal"))
    loopback.script(Reply(text="c", input_tokens=2000, output_tokens=200))
    await client.complete("fake-anthropic", ask(), CallContext("judge", task_id="t2",
                                                               stage="idea"))


async def test_summaries_count_each_success_once(make_client, loopback, store):
    await _spend(make_client, loopback, store)
    by_model = {line.key: line for line in summarize(store, "model")}
    assert by_model["gpt-4o"].calls == 2 and by_model["gpt-4o"].failed_attempts == 1
    assert by_model["gpt-4o"].input_tokens == 2000
    assert by_model["gpt-4o"].cost_usd == pytest.approx(2 * (1000 * 2.5 + 100 * 10) / 1e6)
    assert by_model["claude-sonnet-4-6"].cost_usd == pytest.approx((2000 * 3 + 200 * 15) / 1e6)
    by_stage = {line.key: line.calls for line in summarize(store, "stage")}
    assert by_stage == {"idea": 2, "proposal": 1}
    by_task = {line.key: line.calls for line in summarize(store, "task")}
    assert by_task == {"t1": 2, "t2": 1}
    [day] = summarize(store, "day")
    assert day.calls == 3 and len(day.key) == 10
    total = totals(store)
    assert (total.calls, total.failed_attempts) == (3, 1)
    assert total.cost_usd == pytest.approx(sum(line.cost_usd for line in by_model.values()))
    assert totals(store, task_id="t2").calls == 1


async def test_unpriced_calls_are_counted_not_summed(make_client, openai_cfg, loopback, store):
    client = make_client({"house": openai_cfg(model="house-model-unknown")})
    result = await client.complete("house", ask(), CallContext("test"))
    assert result.cost_usd is None
    [line] = summarize(store, "model")
    assert line.unpriced == 1 and line.cost_label == "unpriced"
    assert store.scalar("SELECT cost_usd FROM llm_calls") is None


async def test_reprice_applies_a_new_config_price(make_client, openai_cfg, loopback, store,
                                                  llm_settings):
    client = make_client({"house": openai_cfg(model="house-model-unknown")})
    loopback.script(Reply(text="x", input_tokens=1_000_000, output_tokens=0))
    await client.complete("house", ask(), CallContext("test"))
    priced = llm_settings.model_copy(update={"models": {**llm_settings.models, "house": openai_cfg(
        model="house-model-unknown", price=Price(input_per_mtok=3, output_per_mtok=4))}})
    report = reprice(store, priced)
    assert (report.rows, report.changed, report.unpriced) == (1, 1, 0)
    assert store.scalar("SELECT cost_usd FROM llm_calls") == pytest.approx(3.0)
    assert store.scalar("SELECT price_source FROM llm_calls") == "config"
    assert reprice(store, priced).changed == 0


async def test_costs_command_json_and_table(make_client, loopback, store, llm_settings, capsys):
    await _spend(make_client, loopback, store)
    store_path = str(store.path)
    assert main(["--db", store_path, "costs", "--by", "stage", "--json", "--failures"]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    groups = [line for line in out if line["kind"] == "group"]
    assert {line["key"]: line["calls"] for line in groups} == {"idea": 2, "proposal": 1}
    (total,) = [line for line in out if line["kind"] == "total"]
    assert total["failed_attempts"] == 1
    assert len([line for line in out if line["kind"] == "failure"]) == 1
    assert main(["--db", store_path, "costs", "--by", "model"]) == 0
    table = capsys.readouterr().out
    assert "gpt-4o" in table and "total" in table
    assert main(["--db", store_path, "costs", "reprice"]) == 0
    assert "repriced 3 calls: 0 changed" in capsys.readouterr().out


def test_models_list_says_why_unavailable(llm_settings, monkeypatch, capsys):
    statuses = {s.name: s for s in model_statuses(llm_settings)}
    assert statuses["fake-openai"].available and statuses["fake-openai"].priced
    gpt = statuses["gpt-4o"]
    assert not gpt.available and gpt.reason == "environment variable OPENAI_API_KEY is not set"
    assert main(["models", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {line["name"] for line in lines} >= {"local", "gpt-4o", "claude-sonnet"}


def test_models_test_command_against_loopback(loopback, tmp_path, monkeypatch, capsys):
    config = tmp_path / "config.toml"
    config.write_text(f'[models.loop]\nprovider = "openai"\nmodel = "gpt-4o"\n'
                      f'base_url = "{loopback.openai_base_url}"\napi_key_env = "LOOP_KEY"\n')
    monkeypatch.setenv("MLRTUI_CONFIG", str(config))
    monkeypatch.setenv("LOOP_KEY", "loop-key-value")
    loopback.script(Reply(text="A hypothesis is a claim an experiment can refute.",
                          input_tokens=20, output_tokens=11))
    assert main(["--db", str(tmp_path / "m.db"), "models", "test", "loop"]) == 0
    out = capsys.readouterr().out
    assert "A hypothesis is a claim" in out and "20 in / 11 out" in out and "$0.000160" in out
    loopback.script(Fault("401"))
    assert main(["--db", str(tmp_path / "m.db"), "models", "test", "loop"]) == 1
    err = capsys.readouterr().err
    assert "401" in err and "loop-key-value" not in err
