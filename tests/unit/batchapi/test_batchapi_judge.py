"""Judging through provider batch APIs: the real OpenAI and Anthropic SDKs against the
loopback's batch desks, a real temp SQLite store."""

from __future__ import annotations

import pytest
from batch_helpers import idea_reply, reviews_per_version, tiny_ideas

from mlrtui.costs.pricing import price_usage
from mlrtui.judge.rubrics import rubric_for_stage
from mlrtui.kernel.errors import Fatal
from mlrtui.providers import batchrows
from mlrtui.providers.base import Usage
from mlrtui.services.batch_api import BatchApiService
from mlrtui.services.judging import JudgeRequest, targets_for


def _request(store, judge: str, **kw) -> JudgeRequest:
    rubric = rubric_for_stage("idea")
    return JudgeRequest(rubric=rubric, judges=[judge], targets=targets_for(store, rubric), **kw)


def _service(store, settings, lines=None) -> BatchApiService:
    return BatchApiService(store, settings, on_line=(lines.append if lines is not None
                                                     else None), poll_s=0.05)


async def test_201_ideas_are_judged_through_one_openai_batch_at_half_price(
        store, llm_settings, loopback) -> None:
    loopback.responder = lambda rec: idea_reply(8)
    loopback.batches.complete_after_s = 0.3
    versions = tiny_ideas(store, 201)
    lines: list[str] = []
    report = await _service(store, llm_settings, lines).judge(_request(store, "fake-openai"))

    assert loopback.batches.creates() == 1
    assert len(loopback.requests) == 201         # every one answered inside the batch
    assert all(r.path == "batch:/v1/chat/completions" for r in loopback.requests)
    assert "POST /v1/files" in loopback.batches.calls
    assert report.total("written") == 201 and report.exit_code == 0
    assert reviews_per_version(store) == {v: 1 for v in versions}
    assert {r["overall"] for r in store.query("SELECT overall FROM reviews")} == {8.0}
    # the saving was said before submitting
    assert any(line.startswith("batch estimate fake-openai: 201 request(s)") for line in lines)
    saving = report.savings[0]
    assert saving.batch_usd == pytest.approx(saving.live_usd / 2, rel=1e-6)
    # one ledger row per review, at half the live price of the same usage
    calls = store.query("SELECT * FROM llm_calls")
    assert len(calls) == 201
    assert {c["purpose"] for c in calls} == {"judge"} and {c["status"] for c in calls} == {"ok"}
    assert {c["batch_id"] for c in calls} == {report.batch_id}
    assert all(c["review_id"] is not None for c in calls)
    one = calls[0]
    live, _, _ = price_usage("gpt-4o", "openai", Usage(one["input_tokens"],
                                                       one["output_tokens"]))
    assert one["cost_usd"] == pytest.approx(live / 2, rel=1e-6)
    assert one["price_source"].startswith("batch")
    assert report.cost_usd == pytest.approx(sum(c["cost_usd"] for c in calls))

    again = await _service(store, llm_settings).judge(_request(store, "fake-openai"))
    assert loopback.batches.creates() == 1          # nothing left to send
    assert again.total("written") == 0
    assert len(store.query("SELECT id FROM reviews")) == 201


async def test_anthropic_batch_that_expires_reports_unfinished_items_then_retries_them(
        store, llm_settings, loopback) -> None:
    loopback.responder = lambda rec: idea_reply(6)
    loopback.batches.expire_unfinished = 4
    versions = tiny_ideas(store, 15)
    report = await _service(store, llm_settings).judge(_request(store, "fake-anthropic"))

    assert report.total("written") == 11 and report.total("expired") == 4
    assert report.exit_code == 1
    expired = batchrows.items(store, report.collected[0].pb, status="expired")
    assert len(expired) == 4 and all(not i["result_written"] for i in expired)
    errors = store.query("SELECT error FROM llm_calls WHERE status = 'error'")
    assert len(errors) == 4 and all("expired" in e["error"] for e in errors)
    assert len(reviews_per_version(store)) == 11

    loopback.batches.expire_unfinished = None
    retry = await _service(store, llm_settings).judge(_request(store, "fake-anthropic"))
    assert loopback.batches.creates() == 2
    assert retry.total("written") == 4 and retry.savings[0].requests == 4
    assert reviews_per_version(store) == {v: 1 for v in versions}
    sent = [c for c in loopback.batches.calls if c == "POST /v1/messages/batches"]
    assert len(sent) == 2


async def test_collecting_a_batch_twice_writes_each_review_once(
        store, llm_settings, loopback) -> None:
    loopback.responder = lambda rec: idea_reply(5)
    tiny_ideas(store, 7)
    report = await _service(store, llm_settings).judge(_request(store, "fake-openai"))
    pb = report.collected[0].pb
    assert report.total("written") == 7
    # as if a second process had collected the same ended batch again
    with store.transaction() as db:
        db.execute("UPDATE provider_batches SET status = 'ended' WHERE id = ?", [pb])
    again = await _service(store, llm_settings).resume()
    assert again.resumed == [pb]
    assert again.total("written") == 0 and again.total("already") == 7
    assert len(store.query("SELECT id FROM reviews")) == 7
    assert len(store.query("SELECT id FROM llm_calls")) == 7
    assert loopback.batches.creates() == 1


async def test_an_errored_request_is_reported_and_not_written(
        store, llm_settings, loopback) -> None:
    from loopback import Fault

    loopback.responder = lambda rec: idea_reply(7)
    loopback.script(Fault("400"))                 # the first request of the batch fails
    tiny_ideas(store, 3)
    report = await _service(store, llm_settings).judge(_request(store, "fake-openai"))
    assert report.total("written") == 2 and report.total("errored") == 1
    assert any("HTTP 400" in p for p in report.collected[0].problems)


async def test_the_local_model_has_no_batch_api(store, llm_settings, loopback) -> None:
    tiny_ideas(store, 1)
    with pytest.raises(Fatal, match="local .*has no batch API"):
        await _service(store, llm_settings).judge(_request(store, "local"))
    assert loopback.batches.calls == []
