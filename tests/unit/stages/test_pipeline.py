"""Stages and the pipeline against the loopback server through the real SDKs."""

from __future__ import annotations

import asyncio

import pytest
from loopback import Reply
from stages_helpers import BAD_CODE, GOOD_CODE, add_task, agent_responder, which_prompt

from mlrtui.experiment.executor import list_executions
from mlrtui.experiment.workspace import file_content, list_files
from mlrtui.kernel.progress import NullProgress
from mlrtui.providers.client import LLMClient
from mlrtui.runs import versions as V
from mlrtui.runs.pipeline import Pipeline
from mlrtui.runs.stage_runner import StageRunner


@pytest.fixture
def settings(llm_settings):
    return llm_settings.model_copy(update={"experiment_timeout_s": 20.0, "repair_rounds": 2,
                                           "experiment_memory_mb": 1024})


@pytest.fixture
async def client(store, settings):
    c = LLMClient(store, settings)
    yield c
    await c.aclose()


def _pipeline(store, settings, client, **kw) -> Pipeline:
    runner = StageRunner(store, settings, client)
    return Pipeline(runner, concurrency=kw.pop("concurrency", 4), **kw)


async def test_end_to_end_produces_all_stages_with_lineage(store, settings, client, loopback):
    loopback.responder = agent_responder()
    add_task(store, "iclr2026_toy")
    pipe = _pipeline(store, settings, client)
    runs = pipe.runs_for(["iclr2026_toy"], ["fake-openai"], "end-to-end")
    summary = await pipe.run(runs, list(V.STAGES), "end-to-end")
    assert summary.count("done") == 5, [o.error for o in summary.outcomes]
    run = V.get_run(store, runs[0].id)
    assert run.status == "done" and run.workspace
    heads = V.heads(store, run.id)
    assert set(heads) == set(V.STAGES)
    paper = V.get_version(store, heads["paper"])
    assert "plot.png" in paper.text and "missing.png" not in paper.text
    assert "figures/missing.png" in (paper.note or "")
    assert set(paper.inputs) == {heads[s] for s in V.STAGES[:-1]}
    execs = list_executions(store, run.id)
    assert execs and execs[-1]["status"] == "ok" and "accuracy:" in execs[-1]["stdout"]
    assert execs[-1]["version_id"] == heads["experiment"]
    files = {f["path"]: f for f in list_files(store, run.id)}
    assert {"experiment.py", "plot.png", "results.md", "log.txt"} <= set(files)
    assert files["plot.png"]["kind"] == "figure" and len(files["plot.png"]["sha256"]) == 64
    assert b"accuracy" in file_content(store, files["log.txt"]["id"])
    calls = store.query("SELECT * FROM llm_calls WHERE run_id=?", [run.id])
    assert len(calls) == len(loopback.requests) == 6   # 3 text stages, code, results, paper
    assert all(c["version_id"] is not None for c in calls)
    assert all(c["cost_usd"] is not None for c in calls)
    assert summary.cost_usd == pytest.approx(sum(c["cost_usd"] for c in calls))


async def test_rerun_skips_up_to_date_stages(store, settings, client, loopback):
    tasks = [add_task(store, f"iclr2026_t{i}") for i in range(6)]
    pipe = _pipeline(store, settings, client)
    runs = pipe.runs_for(tasks, ["fake-openai"], "stepwise")
    first = await pipe.run(runs, ["idea"], "stepwise")
    assert first.count("done") == 6
    loopback.clear()
    pipe2 = _pipeline(store, settings, client)
    again = await pipe2.run(pipe2.runs_for(tasks, ["fake-openai"], "stepwise"), ["idea"],
                            "stepwise")
    assert again.count("skipped") == 6 and loopback.requests == []
    forced = await _pipeline(store, settings, client, force=True).run(runs[:2], ["idea"],
                                                                       "stepwise")
    assert forced.count("done") == 2
    assert store.scalar("SELECT count(*) FROM versions") == 8


async def test_stepwise_many_models_uses_each_runs_own_idea(store, settings, client, loopback):
    tasks = [add_task(store, "icml2026_a"), add_task(store, "icml2026_b")]
    pipe = _pipeline(store, settings, client)
    runs = pipe.runs_for(tasks, ["fake-openai", "fake-anthropic"], "stepwise")
    assert len({r.id for r in runs}) == 4
    summary = await pipe.run(runs, ["idea", "proposal"], "stepwise")
    assert summary.count("done") == 8
    kinds = [which_prompt(r) for r in loopback.requests]
    assert kinds == ["idea"] * 4 + ["proposal"] * 4          # stage-major order
    assert {r.protocol for r in loopback.requests} == {"openai", "anthropic"}
    for run in runs:
        proposal = V.current(store, run.id, "proposal")
        assert proposal.inputs == [V.current(store, run.id, "idea").id]


async def test_repair_round_fixes_a_failing_script(store, settings, client, loopback):
    loopback.responder = agent_responder([BAD_CODE, GOOD_CODE])
    add_task(store, "iclr2026_fix")
    run = V.create_run(store, "iclr2026_fix", "fake-openai")
    V.write_version(store, run.id, "proposal", "Measure a toy accuracy.\n", "fake-openai")
    out = await StageRunner(store, settings, client).run_stage(run, "experiment")
    assert out.status == "done", out.error
    execs = list_executions(store, run.id)
    assert [e["status"] for e in execs] == ["failed", "ok"]
    assert "ValueError" in execs[0]["reason"] and execs[0]["sandbox"]["pid"]
    assert [which_prompt(r) for r in loopback.requests] == ["code", "repair", "results"]


async def test_garbage_code_still_leaves_an_execution_and_results(store, settings, client,
                                                                 loopback):
    loopback.script("I am not code at all {{{", "still ]] not code", "((( nope", "")
    add_task(store, "iclr2026_junk")
    run = V.create_run(store, "iclr2026_junk", "fake-openai")
    V.write_version(store, run.id, "proposal", "Something.\n", "fake-openai")
    out = await StageRunner(store, settings, client).run_stage(run, "experiment")
    assert out.status == "done", out.error
    execs = list_executions(store, run.id)
    assert len(execs) == 3 and all(e["status"] == "failed" for e in execs)
    version = V.current(store, run.id, "experiment")
    assert "status **failed**" in version.text and "SyntaxError" in version.text
    assert "captured output" in (version.note or "")


async def test_missing_upstream_fails_with_a_clear_reason(store, settings, client, loopback):
    add_task(store, "iclr2026_up")
    run = V.create_run(store, "iclr2026_up", "fake-openai")
    out = await StageRunner(store, settings, client).run_stage(run, "proposal")
    assert out.status == "failed" and "needs a current idea version" in out.error
    assert loopback.requests == [] and V.get_run(store, run.id).status == "failed"


async def test_human_edit_then_rerun_proposal(store, settings, client, loopback):
    add_task(store, "iclr2026_edit")
    pipe = _pipeline(store, settings, client)
    runs = pipe.runs_for(["iclr2026_edit"], ["fake-openai"], "end-to-end")
    await pipe.run(runs, ["idea", "literature", "proposal"], "end-to-end")
    run = runs[0]
    edited = V.save_human_version(store, run.id, "idea", "A human idea.\n")
    assert V.stale_stages(store, run.id) == ["literature", "proposal"]
    runner = StageRunner(store, settings, client)
    stale, cost = runner.rerun_estimate(run.id)
    assert stale == ["literature", "proposal"] and cost is not None and cost > 0
    loopback.clear()
    streamed: list[str] = []
    out = await runner.run_stage(run, "proposal", on_text=streamed.append)
    assert out.status == "done" and "".join(streamed).strip()
    proposal = V.current(store, run.id, "proposal")
    assert edited.id in proposal.inputs and not proposal.stale
    assert "A human idea." in str(loopback.requests[0].body)
    assert V.stale_stages(store, run.id) == ["literature"]


async def test_cancel_stops_in_flight_calls_and_writes_nothing(store, settings, client,
                                                              loopback):
    loopback.latency_s = 3.0
    tasks = [add_task(store, f"iclr2026_c{i}") for i in range(4)]
    pipe = _pipeline(store, settings, client, concurrency=2)
    runs = pipe.runs_for(tasks, ["fake-openai"], "stepwise")
    job = asyncio.ensure_future(pipe.run(runs, ["idea", "proposal"], "stepwise"))
    while len(loopback.requests) < 2:
        await asyncio.sleep(0.02)
    pipe.cancel()
    summary = await asyncio.wait_for(job, 5)
    assert summary.cancelled_by_user and summary.count("cancelled") == 8
    assert store.scalar("SELECT count(*) FROM versions") == 0
    statuses = {r["status"] for r in store.query("SELECT status FROM runs")}
    assert "running" not in statuses
    rows = store.query("SELECT status, error FROM llm_calls")
    assert rows and all(r["error"] == "cancelled" for r in rows)


async def test_batch_budget_stops_the_batch(store, settings, client, loopback):
    tasks = [add_task(store, f"iclr2026_b{i}") for i in range(5)]
    with store.transaction():
        batch = store.insert("batches", {"kind": "run", "budget_usd": 1e-7, "status": "running",
                                         "created_at": "now"})
    runner = StageRunner(store, settings, client, batch_id=batch)
    pipe = Pipeline(runner, concurrency=1, progress=NullProgress())
    summary = await pipe.run(pipe.runs_for(tasks, ["fake-openai"], "stepwise"), ["idea"],
                             "stepwise")
    assert summary.count("failed") == 1 and "budget" in summary.failures[0].error
    assert summary.count("skipped") == 4 and loopback.requests == []


async def test_streaming_callback_and_failed_call(store, settings, client, loopback):
    add_task(store, "iclr2026_s")
    run = V.create_run(store, "iclr2026_s", "fake-openai")
    loopback.script(Reply(text="one two three four"))
    pieces: list[str] = []
    out = await StageRunner(store, settings, client).run_stage(run, "idea", on_text=pieces.append)
    assert out.status == "done" and "".join(pieces) == "one two three four"
    loopback.fail_next("400")
    out = await StageRunner(store, settings, client).run_stage(run, "idea", force=True)
    assert out.status == "failed" and out.error
    assert len(V.history(store, run.id, "idea")) == 1


class _Watch:
    """A stage listener (the console's hook) noting what the store holds as each stage starts,
    and optionally cancelling the pipeline when a given run's stage starts."""

    def __init__(self, store, cancel_on: int | None = None) -> None:
        self.store, self.cancel_on, self.pipe = store, cancel_on, None
        self.seen: dict[int, tuple[list[dict], list[dict]]] = {}

    def stage_started(self, run_id: int, stage: str) -> None:
        self.seen[run_id] = (self.store.query("SELECT run_id, stage FROM versions"),
                             self.store.query("SELECT run_id, status, cost_usd FROM llm_calls"))
        if run_id == self.cancel_on:
            self.pipe.cancel()

    def stage_text(self, run_id: int, piece: str) -> None:
        pass

    def stage_event(self, run_id: int, line: str) -> None:
        pass


async def test_slot_goes_to_the_next_call_once_the_reply_is_in(store, settings, client,
                                                                loopback):
    """One slot, two stages: the second starts when the first's reply is in and its cost is in
    the ledger (a budget check sees it), before the first's version is written."""
    tasks = [add_task(store, f"iclr2026_r{i}") for i in range(2)]
    watch = _Watch(store)
    pipe = _pipeline(store, settings, client, concurrency=1, listener=watch)
    first, second = pipe.runs_for(tasks, ["fake-openai"], "stepwise")
    summary = await pipe.run([first, second], ["idea"], "stepwise")
    assert summary.count("done") == 2
    versions, calls = watch.seen[second.id]
    assert versions == []                              # not written yet when the next began
    assert [(c["run_id"], c["status"]) for c in calls] == [(first.id, "ok")]
    assert calls[0]["cost_usd"] is not None
    assert set(V.heads(store, first.id)) == {"idea"}   # ... and written after


async def test_cancel_after_the_reply_keeps_the_paid_version(store, settings, client, loopback):
    """A cancellation landing between a reply and its version: the version is still written
    and linked to its ledger row; the stage reports cancelled, no run stays running."""
    tasks = [add_task(store, f"iclr2026_k{i}") for i in range(2)]
    pipe = _pipeline(store, settings, client, concurrency=1)
    first, second = pipe.runs_for(tasks, ["fake-openai"], "stepwise")
    watch = _Watch(store, cancel_on=second.id)
    pipe.listener, watch.pipe = watch, pipe
    summary = await pipe.run([first, second], ["idea"], "stepwise")
    assert summary.cancelled_by_user and summary.count("cancelled") == 2
    idea = V.current(store, first.id, "idea")
    assert idea is not None
    row = store.query("SELECT status, version_id, cost_usd FROM llm_calls WHERE run_id = ?",
                      [first.id])
    assert row == [{"status": "ok", "version_id": idea.id, "cost_usd": row[0]["cost_usd"]}]
    assert V.heads(store, second.id) == {}
    assert "running" not in {r["status"] for r in store.query("SELECT status FROM runs")}
