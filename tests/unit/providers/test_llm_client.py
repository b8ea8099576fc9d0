"""LLMClient: retries, ledger rows, Retry-After, non-retryable errors, cache, cancellation, link."""

from __future__ import annotations

import asyncio

import pytest
from llm_helpers import ask
from loopback import Fault, LoopbackServer, Reply

from mlrtui.costs.summary import failed_attempts, totals
from mlrtui.providers.client import CallContext, CallFailed
from mlrtui.store import Store

CTX = CallContext(purpose="test")


def rows(store: Store, call_key: str | None = None) -> list[dict]:
    where, params = ("WHERE call_key = ?", [call_key]) if call_key else ("", [])
    return store.query(f"SELECT * FROM llm_calls {where} ORDER BY id", params)


async def test_one_ok_row_with_tokens_cost_and_price_source(make_client, store, loopback):
    loopback.script(Reply(text="An answer.", input_tokens=1234, output_tokens=567))
    result = await make_client().complete("fake-openai", ask(), CTX)
    assert result.completion.text == "An answer."
    assert result.cost_usd == pytest.approx(0.008755)
    [row] = rows(store)
    assert row["call_key"] == result.call_key and row["attempt"] == 1
    assert row["status"] == "ok" and row["purpose"] == "test"
    assert (row["input_tokens"], row["output_tokens"]) == (1234, 567)
    assert row["cost_usd"] == pytest.approx(0.008755)
    assert row["price_source"] == "genai-prices" and row["price_version"]
    assert row["provider"] == "openai" and row["model"] == "gpt-4o"
    assert row["latency_s"] is not None


async def test_200_calls_with_30_percent_faults_all_complete(make_client, openai_cfg, store):
    with LoopbackServer(fault_rate=0.3, fault_kinds=("429", "500", "hang"), seed=7) as server:
        cfg = openai_cfg(base_url=server.openai_base_url, timeout_s=0.5, max_attempts=12,
                         concurrency=25)
        client = make_client({"flaky": cfg})
        results = await asyncio.gather(*(
            client.complete("flaky", ask(f"question {i}", max_tokens=20), CTX)
            for i in range(200)))
        outcomes = server.outcomes()
    assert len({r.call_key for r in results}) == 200
    faults = [o for o in outcomes if o != "ok"]
    assert 30 < len(faults) < 120                      # the injected 30% did happen
    ledger = rows(store)
    ok = [r for r in ledger if r["status"] == "ok"]
    failed = [r for r in ledger if r["status"] == "error"]
    assert len(ok) == 200 and len({r["call_key"] for r in ok}) == 200
    # One row per attempt the server saw; every injected fault is a marked failed row (a slow
    # machine may time out a few more, which are failed rows too).
    assert len(ledger) == len(outcomes)
    assert len(failed) >= len(faults)
    for kind, text in (("429", "HTTP 429"), ("500", "HTTP 500")):
        assert sum(text in r["error"] for r in failed) == outcomes.count(kind)
    assert all(r["error"] for r in failed)
    for result in results:                             # attempts numbered 1..n, ok last
        mine = [r for r in ledger if r["call_key"] == result.call_key]
        assert [r["attempt"] for r in mine] == list(range(1, len(mine) + 1))
        assert [r["status"] for r in mine] == ["error"] * (len(mine) - 1) + ["ok"]
    total = totals(store)
    assert total.calls == 200 and total.failed_attempts == len(failed)
    assert total.cost_usd == pytest.approx(sum(r.cost_usd for r in results))


async def test_bad_key_stops_at_once(make_client, store, loopback):
    loopback.script(Fault("401"), "never reached")
    with pytest.raises(CallFailed) as info:
        await make_client().complete("fake-openai", ask(), CTX)
    assert len(loopback.requests) == 1
    message = str(info.value)
    assert "401" in message and "MLRTUI_TEST_KEY" in message and "\n" not in message
    assert "test-key-loopback" not in message
    [row] = rows(store)
    assert row["status"] == "error" and "401" in row["error"]


@pytest.mark.parametrize("kind", ["400", "context"])
async def test_bad_request_and_context_too_long_are_not_retried(make_client, loopback, kind):
    loopback.script(Fault(kind), "never reached")
    with pytest.raises(CallFailed):
        await make_client().complete("fake-anthropic", ask(), CTX)
    assert len(loopback.requests) == 1


async def test_attempts_exhausted(make_client, store, loopback):
    loopback.fail_next("500", n=10)
    with pytest.raises(CallFailed) as info:
        await make_client().complete("fake-openai", ask(), CTX)
    assert "gave up after 4 attempts" in str(info.value)
    assert len(loopback.requests) == 4
    assert [r["status"] for r in rows(store)] == ["error"] * 4


async def test_retry_after_is_honoured(make_client, loopback):
    loopback.script(Fault("429", retry_after=1), "after the wait")
    result = await make_client().complete("fake-openai", ask(), CTX)
    assert result.completion.text == "after the wait"
    first, second = loopback.requests
    assert second.at - first.at >= 1.0


async def test_cache_hit_is_a_cached_row_with_zero_cost(make_client, openai_cfg, store, loopback):
    client = make_client({"cached-model": openai_cfg(cache=True)})
    first = await client.complete("cached-model", ask("same question"), CTX)
    pieces: list[str] = []
    second = await client.complete("cached-model", ask("same question"), CTX,
                                   on_text=pieces.append)
    other = await client.complete("cached-model", ask("same question", temperature=0.1), CTX)
    assert len(loopback.requests) == 2                 # the repeat never reached the server
    assert (first.cached, second.cached, other.cached) == (False, True, False)
    assert second.completion.text == first.completion.text == "".join(pieces)
    assert second.cost_usd == 0.0 and first.cost_usd > 0
    statuses = [(r["status"], r["cost_usd"]) for r in rows(store)]
    assert statuses[1] == ("cached", 0.0)
    assert totals(store).cached == 1 and totals(store).calls == 3


async def test_cancellation_propagates_and_is_recorded(make_client, store, loopback):
    loopback.script(Fault("hang"))
    task = asyncio.create_task(make_client().complete("fake-openai", ask(), CTX))
    while not loopback.requests:
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 5)
    [row] = rows(store)
    assert row["status"] == "cancelled" and row["error"] == "cancelled"
    # Stopping a call is not a failed attempt: the costs say 0 failures, the list is empty.
    assert totals(store).failed_attempts == 0 and failed_attempts(store) == []


async def test_link_attaches_rows_afterwards(make_client, store, loopback):
    loopback.script(Fault("500"), "fine")
    client = make_client()
    result = await client.complete("fake-openai", ask(), CTX)
    with store.transaction() as db:
        db.execute("INSERT INTO tasks (id, venue, year, slug, title, body, category, source,"
                   " content_hash, created_at) VALUES ('t1', 'iclr', 2025, 's', 'T', 'b', 'c',"
                   " 'user', 'h', 'now')")
        run_id = store.insert("runs", {"task_id": "t1", "mode": "stepwise", "model": "gpt-4o",
                                       "created_at": "now", "updated_at": "now"})
        version_id = store.insert("versions", {"run_id": run_id, "stage": "idea", "text": "x",
                                               "author": "gpt-4o", "content_hash": "h",
                                               "created_at": "now"})
    client.link(result.call_key, version_id=version_id)
    assert [r["version_id"] for r in rows(store, result.call_key)] == [version_id] * 2


async def test_unknown_and_unavailable_models_fail_in_one_line(make_client, monkeypatch):
    client = make_client()
    with pytest.raises(CallFailed, match="unknown model 'nope'"):
        await client.complete("nope", ask(), CTX)
    monkeypatch.delenv("MLRTUI_TEST_KEY")
    with pytest.raises(CallFailed, match="MLRTUI_TEST_KEY is not set"):
        await client.complete("fake-openai", ask(), CTX)


async def test_on_retry_hears_each_failed_attempt(make_client, loopback):
    loopback.script(Fault("cutoff", after_chunks=3), "whole reply")
    heard: list[tuple[int, str]] = []
    pieces: list[str] = []
    result = await make_client().complete(
        "fake-openai", ask(stream=True), CTX, on_text=pieces.append,
        on_retry=lambda n, err: (heard.append((n, err)), pieces.clear()))
    assert [n for n, _ in heard] == [1] and "connection dropped" in heard[0][1]
    assert "".join(pieces) == result.completion.text == "whole reply"


async def test_requests_per_minute_spaces_the_starts(make_client, openai_cfg, loopback):
    client = make_client({"slow-rate": openai_cfg(requests_per_minute=300)})   # one per 0.2 s
    await client.complete("slow-rate", ask("warm-up"), CTX)   # opens the connection
    await asyncio.gather(*(client.complete("slow-rate", ask(f"q{i}"), CTX) for i in range(3)))
    times = sorted(r.at for r in loopback.requests[1:])
    assert times[-1] - times[0] >= 0.3    # two 0.2 s intervals, less scheduling slack


async def test_concurrency_limit_holds_back_the_third_call(make_client, openai_cfg, loopback):
    loopback.latency_s = 0.2
    client = make_client({"two-at-once": openai_cfg(concurrency=2)})
    await asyncio.gather(*(client.complete("two-at-once", ask(f"q{i}"), CTX)
                           for i in range(3)))
    first, _, third = sorted(r.at for r in loopback.requests)
    assert third - first >= 0.2      # it waited for a slot: a lower bound, not a speed goal
