"""Coding-agent adapters against fake CLIs: real subprocesses on PATH that speak each tool's
output format, write files in the workspace and report cost/tokens."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from mlrtui.experiment.executor import list_executions
from mlrtui.experiment.workspace import list_files
from mlrtui.providers.client import LLMClient
from mlrtui.runs import versions as V
from mlrtui.runs.coding_agents import AGENTS, ClaudeCode, Codex, GeminiCli
from mlrtui.runs.stage_runner import StageRunner

FAKE = r'''#!{python}
import json, os, pathlib, sys, time
name = pathlib.Path(sys.argv[0]).name
args = sys.argv[1:]
prompt = args[args.index("-p") + 1] if "-p" in args else args[-1]
assert "proposal.md" in prompt, "the prompt must point at the workspace files"
if os.environ.get("FAKE_AGENT_SLEEP"):
    time.sleep(float(os.environ["FAKE_AGENT_SLEEP"]))
seen = {{k: k in os.environ for k in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GEMINI_API_KEY")}}
proposal = pathlib.Path("proposal.md").read_text()
pathlib.Path("experiment.py").write_text("print('accuracy: 0.75')\n")
pathlib.Path("results").mkdir(exist_ok=True)
pathlib.Path("results/results.md").write_text(
    "## Results\n\n| metric | value |\n|---|---|\n| accuracy | 0.75 |\n\nFrom: " + proposal[:20])
pathlib.Path("results/curve.png").write_bytes(b"\x89PNG fake")
if name == "claude":
    print(json.dumps({{"type": "result", "subtype": "success", "is_error": False,
        "result": "done " + json.dumps(seen), "total_cost_usd": 0.0421, "model": "claude-x",
        "usage": {{"input_tokens": 1000, "cache_read_input_tokens": 200, "output_tokens": 300}}}}))
elif name == "codex":
    for ev in ({{"type": "thread.started", "thread_id": "t1"}},
               {{"type": "item.completed", "item": {{"type": "agent_message",
                                                    "text": "done " + json.dumps(seen)}}}},
               {{"type": "turn.completed", "usage": {{"input_tokens": 500, "output_tokens": 50}}}},
               {{"type": "turn.completed", "usage": {{"input_tokens": 700, "output_tokens": 70}}}}):
        print(json.dumps(ev))
    print("not json noise")
else:
    print(json.dumps({{"response": "done " + json.dumps(seen), "stats": {{"models": {{
        "gemini-2.5-pro": {{"tokens": {{"prompt": 900, "candidates": 90, "total": 990}}}}}}}}}}))
'''


@pytest.fixture
def fake_bin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    for name in ("claude", "codex", "gemini"):
        path = folder / name
        path.write_text(FAKE.format(python=sys.executable))
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "mk-ant-fake-key-1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-fake-key-2")
    return folder


@pytest.fixture
async def runner(store, llm_settings):
    settings = llm_settings.model_copy(update={"experiment_timeout_s": 15.0})
    client = LLMClient(store, settings)
    yield StageRunner(store, settings, client)
    await client.aclose()


def _run_with_proposal(store, agent: str) -> V.Run:
    store.insert("tasks", {"id": "iclr2026_ag", "venue": "iclr", "year": 2026, "slug": "ag",
                           "title": "Agents", "body": "Task body.", "category": "Others",
                           "source": "user", "content_hash": "x", "created_at": "now"},
                 ignore=True)
    run = V.create_run(store, "iclr2026_ag", "fake-openai", "end-to-end", agent=agent)
    V.write_version(store, run.id, "idea", "Idea text.\n", "fake-openai")
    V.write_version(store, run.id, "literature", "Related work text.\n", "fake-openai")
    V.write_version(store, run.id, "proposal", "Proposal: measure accuracy.\n", "fake-openai")
    return run


@pytest.mark.parametrize("agent,cost,tokens_in,tokens_out", [
    ("claude", 0.0421, 1200, 300), ("codex", None, 1200, 120), ("gemini", None, 900, 90)])
async def test_agent_run_is_recorded(store, runner, fake_bin, agent, cost, tokens_in,
                                     tokens_out) -> None:
    run = _run_with_proposal(store, agent)
    out = await runner.run_stage(run, "experiment")
    assert out.status == "done", out.error
    version = V.current(store, run.id, "experiment")
    assert version.author == agent and "| accuracy | 0.75 |" in version.text
    assert "From: Proposal: measure" in version.text     # it read the workspace's proposal.md
    execs = list_executions(store, run.id)
    assert len(execs) == 1 and execs[0]["executor"] == agent and execs[0]["status"] == "ok"
    assert execs[0]["version_id"] == version.id
    files = {f["path"]: f["kind"] for f in list_files(store, run.id)}
    assert files["results/curve.png"] == "figure" and files["experiment.py"] == "code"
    assert files[f"transcript_{agent}.json"] == "transcript"
    assert "proposal.md" not in files                    # inputs are not outputs
    call = store.query("SELECT * FROM llm_calls WHERE run_id=?", [run.id])[0]
    assert call["purpose"] == "agent" and call["version_id"] == version.id
    assert call["cost_usd"] == cost
    assert (call["input_tokens"], call["output_tokens"]) == (tokens_in, tokens_out)
    keys = {"claude": "ANTHROPIC_API_KEY", "codex": "OPENAI_API_KEY", "gemini": None}[agent]
    transcript = execs[0]["stdout"]
    for name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY"):
        # each agent sees its own key only; other tools' secrets are removed from its env
        expected = "true" if name == keys else "false"
        assert f'\\"{name}\\": {expected}' in transcript, transcript


async def test_missing_cli_is_a_clear_not_installed_state(store, runner, monkeypatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    run = _run_with_proposal(store, "codex")
    out = await runner.run_stage(run, "experiment")
    assert out.status == "failed" and "codex is not installed" in out.error
    execs = list_executions(store, run.id)
    assert execs[0]["status"] == "error" and "not installed" in execs[0]["reason"]
    assert V.current(store, run.id, "experiment") is None


async def test_agent_time_limit(store, llm_settings, fake_bin, monkeypatch) -> None:
    monkeypatch.setenv("FAKE_AGENT_SLEEP", "30")
    settings = llm_settings.model_copy(update={"experiment_timeout_s": 1.0})
    client = LLMClient(store, settings)
    try:
        run = _run_with_proposal(store, "gemini")
        out = await StageRunner(store, settings, client).run_stage(run, "experiment")
    finally:
        await client.aclose()
    assert out.status == "done"       # the stage keeps a record even when the agent timed out
    execs = list_executions(store, run.id)
    assert execs[0]["status"] == "timeout" and "time limit" in execs[0]["reason"]
    assert execs[0]["duration_s"] < 10
    assert "produced no results" in V.current(store, run.id, "experiment").text


def test_parsers_survive_junk() -> None:
    for agent in (ClaudeCode(), Codex(), GeminiCli()):
        for junk in ("", "not json", "[1, 2]", '{"type": "result", "usage": "weird"}'):
            report = agent.parse(junk)
            assert isinstance(report.text, str)
    assert set(AGENTS) == {"claude", "codex", "gemini"}
    assert os.path.basename(ClaudeCode().argv("/x/claude", "P")[0]) == "claude"
