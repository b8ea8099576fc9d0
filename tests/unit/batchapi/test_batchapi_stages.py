"""Stepwise stages through a provider batch API: one batch per stage wave, versions written
once with their inputs, priced at the batch rate; and the batch price rules themselves."""

from __future__ import annotations

import pytest
from batch_helpers import tiny_task

from mlrtui.costs.batch_pricing import SOURCE_BATCH, SOURCE_BATCH_GENAI, price_batch
from mlrtui.costs.pricing import price_usage
from mlrtui.providers.base import Usage
from mlrtui.runs import versions as V
from mlrtui.services.batch_api import BatchApiService
from mlrtui.services.stages import StageRequest


async def test_three_stage_waves_write_one_version_per_run_and_stage(
        store, llm_settings, loopback) -> None:
    for i in range(4):
        tiny_task(store, i)
    req = StageRequest(stages=["idea", "literature", "proposal"], tasks=["toy2026_*"],
                       models=["fake-anthropic"])
    report = await BatchApiService(store, llm_settings, poll_s=0.05).stages(req)

    assert loopback.batches.creates() == 3                 # idea, then literature, then proposal
    assert report.total("written") == 12 and report.exit_code == 0
    runs = V.list_runs(store)
    assert len(runs) == 4
    for run in runs:
        assert set(V.heads(store, run.id)) == {"idea", "literature", "proposal"}
        proposal = V.current(store, run.id, "proposal")
        idea = V.current(store, run.id, "idea")
        assert proposal is not None and idea is not None and not proposal.stale
        inputs = store.query("SELECT input_version_id FROM version_inputs WHERE version_id = ?",
                             [proposal.id])
        assert idea.id in {r["input_version_id"] for r in inputs}
    calls = store.query("SELECT purpose, stage, cost_usd, price_source, version_id "
                        "FROM llm_calls")
    assert len(calls) == 12 and {c["purpose"] for c in calls} == {"stage"}
    assert all(c["version_id"] is not None and c["price_source"].startswith("batch")
               for c in calls)
    # the same command again has nothing to send
    again = await BatchApiService(store, llm_settings, poll_s=0.05).stages(req)
    assert loopback.batches.creates() == 3 and again.total("written") == 0


def test_batch_price_is_half_the_live_price_from_genai_prices_or_by_discount() -> None:
    usage = Usage(input_tokens=120_000, output_tokens=30_000)
    live, _, _ = price_usage("gpt-4o", "openai", usage)
    batch, source, _ = price_batch("gpt-4o", "openai", usage)
    assert source == SOURCE_BATCH_GENAI and batch == pytest.approx(live / 2)
    # a model genai-prices has no batch rate for: the documented 50%, labelled "batch"
    live, _, _ = price_usage("claude-3-7-sonnet-20250219", "anthropic", usage)
    batch, source, _ = price_batch("claude-3-7-sonnet-20250219", "anthropic", usage)
    assert source == SOURCE_BATCH and batch == pytest.approx(live / 2)
    assert price_batch("no-such-model-xyz", "openai", usage)[0] is None
