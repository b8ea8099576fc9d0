"""Judging through the real OpenAI / Anthropic SDKs against the loopback server."""

from __future__ import annotations

import asyncio
import json

from judge_helpers import IDEA, PAPER, TASK, idea_reply, make_run
from loopback import Fault, wire

from mlrtui.judge.flags import list_flags
from mlrtui.judge.judging import find_targets, judge_batch, open_batch
from mlrtui.judge.reviews import list_reviews
from mlrtui.judge.rubrics import get_rubric
from mlrtui.providers.client import LLMClient


async def _batch(store, settings, rubric_id, judges, **kw):
    rubric = get_rubric(rubric_id)
    client = LLMClient(store, settings)
    try:
        return await judge_batch(store, settings, client, rubric, judges,
                                 find_targets(store, rubric), concurrency=1, **kw)
    finally:
        await client.aclose()


async def test_valid_reply_is_stored_with_scores_rubric_hash_and_ledger_link(
        store, llm_settings, loopback) -> None:
    _run, versions = make_run(store, {"idea": IDEA})
    loopback.script(json.dumps(idea_reply(overall=8)))
    summary = await _batch(store, llm_settings, "idea", ["fake-openai"])
    assert [o.status for o in summary.outcomes] == ["ok"]
    review = store.query("SELECT * FROM reviews")[0]
    rubric = get_rubric("idea")
    assert (review["version_id"], review["stage"], review["judge_model"]) == (
        versions["idea"], "idea", "gpt-4o")
    assert (review["rubric_id"], review["rubric_hash"]) == ("idea", rubric.hash)
    assert review["overall"] == 8 and review["target_model"] == "o4-mini"
    assert store.scalar("SELECT content FROM rubrics WHERE hash = ?", [rubric.hash]) \
        == rubric.content
    scores = dict(store.db.execute("SELECT dimension, score FROM review_scores").fetchall())
    assert scores == {"Consistency": 6, "Clarity": 6, "Novelty": 6, "Feasibility": 6,
                      "Significance": 6, "Overall": 8}
    calls = store.query("SELECT review_id, purpose, batch_id, status FROM llm_calls")
    assert calls == [{"review_id": review["id"], "purpose": "judge",
                      "batch_id": summary.batch_id, "status": "ok"}]
    sent = loopback.requests[0]
    assert wire.requested_schema("openai", sent.body) == rubric.schema_for(False)
    prompt = wire.request_text("openai", sent.body)
    assert IDEA in prompt and "Task description" in prompt
    assert store.scalar("SELECT status FROM batches WHERE id = ?", [summary.batch_id]) == "done"


async def test_malformed_reply_is_stored_raw_then_retried_once(
        store, llm_settings, loopback) -> None:
    make_run(store, {"idea": IDEA})
    loopback.script("Sure! The idea is great, 9 out of 10 overall.",
                    "```json\n" + json.dumps(idea_reply(overall=5)) + "\n```")
    summary = await _batch(store, llm_settings, "idea", ["fake-anthropic"])
    outcome = summary.outcomes[0]
    assert outcome.status == "ok" and outcome.retried and len(outcome.review_ids) == 2
    first, second = store.query("SELECT * FROM reviews ORDER BY id")
    assert first["parse_status"] == "invalid" and first["raw_text"].startswith("Sure!")
    assert first["error"] == "no JSON found"
    assert store.scalar("SELECT COUNT(*) FROM review_scores WHERE review_id = ?",
                        [first["id"]]) == 0
    assert second["parse_status"] == "ok" and second["overall"] == 5
    shown = list_reviews(store, run_id=first["run_id"])
    assert [r.parse_status for r in shown] == ["ok", "invalid"]          # newest first
    assert shown[1].raw_text.startswith("Sure!") and shown[0].scores["Overall"] == 5
    retry_prompt = wire.request_text("anthropic", loopback.requests[1].body)
    assert "could not be used (no JSON found)" in retry_prompt
    assert store.scalar("SELECT COUNT(DISTINCT call_key) FROM llm_calls") == 2


async def test_batch_completes_when_one_judge_stays_invalid_and_one_call_fails(
        store, llm_settings, loopback) -> None:
    make_run(store, {"idea": IDEA})
    make_run(store, {"idea": IDEA + " Second run."}, model="gpt-4o")
    loopback.script("not json at all", '{"Clarity": {"score": 14}}',   # run 1: invalid twice
                    Fault("401"),                                        # run 2: bad key
                    )
    summary = await _batch(store, llm_settings, "idea", ["fake-openai"])
    statuses = sorted(o.status for o in summary.outcomes)
    assert statuses == ["failed", "invalid"]
    invalid = next(o for o in summary.outcomes if o.status == "invalid")
    assert invalid.retried and len(invalid.review_ids) == 2
    assert [r["parse_status"] for r in store.query("SELECT parse_status FROM reviews")] == \
        ["invalid", "invalid"]
    failed = next(o for o in summary.outcomes if o.status == "failed")
    assert "401" in failed.error or "auth" in failed.error.lower()
    assert store.scalar("SELECT status FROM batches") == "done"


async def test_hallucination_findings_and_experiment_verdict_become_flags(
        store, llm_settings, loopback) -> None:
    run, versions = make_run(store, {"experiment": "Results: accuracy 97.3%.", "paper": PAPER})
    loopback.script(json.dumps({"findings": [
        {"type": "faked_results", "description": "97.3% is in no log", "evidence": "97.3%"},
        {"type": "nonexistent_citation", "description": "no such paper",
         "evidence": "Smith et al. (2031)"}], "summary": "two problems"}))
    summary = await _batch(store, llm_settings, "hallucination", ["fake-openai"])
    assert summary.flags == 2 and summary.outcomes[0].status == "ok"
    flags = list_flags(store)
    assert {f.type for f in flags} == {"faked_results", "nonexistent_citation"}
    assert all(f.source == "gpt-4o" and f.version_id == versions["paper"] and f.run_id == run
               for f in flags)
    assert all(f.review_id == summary.outcomes[0].review_ids[0] for f in flags)
    # the experiment judge's positive verdict (the loopback's schema sample says True)
    summary = await _batch(store, llm_settings, "experiment", ["fake-anthropic"])
    assert summary.outcomes[0].status == "ok" and summary.flags == 1
    assert list_flags(store)[0].source == "claude-sonnet-4-6"


async def test_already_judged_versions_are_skipped_unless_forced(
        store, llm_settings, loopback) -> None:
    make_run(store, {"idea": IDEA})
    await _batch(store, llm_settings, "idea", ["fake-openai", "fake-anthropic"])
    again = await _batch(store, llm_settings, "idea", ["fake-openai", "fake-anthropic"])
    assert [o.status for o in again.outcomes] == ["skipped", "skipped"]
    assert len(loopback.requests) == 2
    forced = await _batch(store, llm_settings, "idea", ["fake-openai"], force=True)
    assert forced.outcomes[0].status == "ok" and len(loopback.requests) == 3


async def test_budget_stop_ends_the_batch_early_with_a_reason(
        store, llm_settings, loopback) -> None:
    from mlrtui.config import Price

    llm_settings.models["fake-openai"].price = Price(input_per_mtok=1e6, output_per_mtok=1e6)
    make_run(store, {"idea": IDEA})
    summary = await _batch(store, llm_settings, "idea", ["fake-openai"], budget_usd=0.01)
    assert summary.stopped and "budget" in summary.stopped
    assert summary.outcomes == [] and loopback.requests == []
    assert store.scalar("SELECT status FROM batches") == "stopped"


async def test_experiment_judge_reads_cut_executions_logs_and_code(
        store, llm_settings, loopback) -> None:
    run, _ = make_run(store, {"proposal": "Plan.", "experiment": "We ran it."})
    store.insert("executions", {"run_id": run, "executor": "sandbox", "command": "python run.py",
                                "exit_code": 0, "status": "ok", "stdout": "acc 0.71\n" * 30000,
                                "stderr": "", "started_at": "now"})
    for i, (kind, size) in enumerate([("log", 200_000), ("code", 900)]):
        body = (f"line {i}\n" * (size // 7)).encode()
        store.insert("files", {"run_id": run, "path": f"f{i}.{kind}", "kind": kind,
                               "content": body, "sha256": str(i), "size": len(body),
                               "created_at": "now"})
    llm_settings.models["fake-openai"].context_tokens = 8000
    await _batch(store, llm_settings, "experiment", ["fake-openai"])
    prompt = wire.request_text("openai", loopback.requests[0].body)
    assert "python run.py" in prompt and "--- f1.code ---" in prompt
    assert "characters cut" in prompt and "Note: some inputs were cut to fit" in prompt
    assert len(prompt) < 8000 * 3
    notes = json.loads(store.scalar("SELECT notes FROM reviews"))
    assert any("f0.log cut" in n for n in notes)
    assert any("execution" in n for n in notes)
    assert TASK in store.scalar("SELECT task_id FROM reviews")


async def test_on_budget_asks_once_at_a_time_and_a_raised_cap_lets_the_batch_go_on(
        store, llm_settings, loopback) -> None:
    from mlrtui.config import Price
    from mlrtui.costs.budget import Budget

    llm_settings.models["fake-anthropic"].price = Price(input_per_mtok=1, output_per_mtok=1)
    make_run(store, {"idea": IDEA})
    rubric = get_rubric("idea")
    targets, judges = find_targets(store, rubric), ["fake-openai", "fake-anthropic"]
    batch_id = open_batch(store, rubric, judges, targets, budget_usd=0.0001)
    budget = Budget.for_ids(store, llm_settings, None, batch_id)
    client = LLMClient(store, llm_settings, budget=budget)
    asked: list[int | None] = []

    async def raise_cap(exc) -> bool:
        asked.append(exc.scope_id)
        await asyncio.sleep(0.05)      # meanwhile the other judge's call crosses the cap too
        budget.batch_cap = 1.0
        return True

    loopback.script(json.dumps(idea_reply()), json.dumps(idea_reply()))
    try:
        summary = await judge_batch(store, llm_settings, client, rubric, judges, targets,
                                    concurrency=2, batch_id=batch_id, on_budget=raise_cap)
    finally:
        await client.aclose()
    assert asked == [batch_id]         # the second judge retried under the raised cap
    assert sorted(o.status for o in summary.outcomes) == ["ok", "ok"]
    assert summary.stopped is None and len(loopback.requests) == 2
    assert store.query("SELECT id, status FROM batches") == [{"id": batch_id, "status": "done"}]
