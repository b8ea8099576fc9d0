"""The experiment stage with a real agent CLI: StageRunner → run_agent → the pinned binary →
loopback, with the workspace files, the execution and the ledger row in a real temp store."""

from __future__ import annotations

from pathlib import Path

import pytest
from clis import InstalledClis
from loopback import LoopbackServer
from scripted import METRIC, RESULTS_MD, RUN_PY, cli_env, turns

from mlrtui.experiment.executor import list_executions
from mlrtui.experiment.workspace import list_files, workspace_dir
from mlrtui.providers.client import LLMClient
from mlrtui.runs import versions as V
from mlrtui.runs.stage_runner import StageRunner


def _run_with_proposal(store, agent: str) -> V.Run:
    store.insert("tasks", {"id": "iclr2026_e2e", "venue": "iclr", "year": 2026, "slug": "e2e",
                           "title": "Agents end to end", "body": "Task body.",
                           "category": "Others", "source": "user", "content_hash": "x",
                           "created_at": "now"}, ignore=True)
    run = V.create_run(store, "iclr2026_e2e", "fake-openai", "end-to-end", agent=agent)
    for stage, text in (("idea", "Idea."), ("literature", "Related work."),
                        ("proposal", "Proposal: measure accuracy on four outcomes.")):
        V.write_version(store, run.id, stage, text + "\n", "fake-openai")
    return run


@pytest.mark.parametrize("cli", ["claude", "codex", "gemini"])
async def test_experiment_stage_with_real_cli(cli: str, agent_clis: InstalledClis, cli_home: Path,
                                              store, llm_settings,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    if agent_clis.binary(cli) is None:
        pytest.skip(f"{cli} was not linked by npm in {agent_clis.bin_dir}")
    run = _run_with_proposal(store, cli)
    ws = workspace_dir(run.id)
    settings = llm_settings.model_copy(update={"experiment_timeout_s": 60.0})
    client = LLMClient(store, settings)
    with LoopbackServer() as server:
        talk = server.converse(*turns(cli, ws))
        for key, value in cli_env(cli, server, cli_home, agent_clis.bin_dir).items():
            monkeypatch.setenv(key, value)
        try:
            out = await StageRunner(store, settings, client).run_stage(run, "experiment")
        finally:
            await client.aclose()
    assert out.status == "done", out.error
    assert (ws / "run.py").read_text() == RUN_PY
    assert (ws / "results.md").read_text() == RESULTS_MD
    assert METRIC in talk.outputs[1]
    version = V.current(store, run.id, "experiment")
    assert version.author == cli and version.text == RESULTS_MD
    execs = list_executions(store, run.id)
    assert len(execs) == 1 and execs[0]["executor"] == cli, execs
    assert execs[0]["status"] == "ok" and execs[0]["exit_code"] == 0, execs[0]["reason"]
    assert METRIC in execs[0]["stdout"]                     # the transcript has the tool result
    files = {f["path"]: f["kind"] for f in list_files(store, run.id)}
    assert files["run.py"] == "code" and files["results.md"] == "result"
    assert files[f"transcript_{cli}.json"] == "transcript"
    call = store.query("SELECT * FROM llm_calls WHERE run_id=?", [run.id])[0]
    assert call["purpose"] == "agent" and call["status"] == "ok"
    assert call["input_tokens"] > 0 and call["output_tokens"] > 0
    if cli == "claude":
        assert call["cost_usd"] > 0 and call["price_source"] == "reported by claude"
        print(f"claude via run_agent: cost_usd={call['cost_usd']} model={call['model']} "
              f"tokens={call['input_tokens']}/{call['output_tokens']}")
    else:
        assert call["cost_usd"] is None                     # codex and gemini report no cost
