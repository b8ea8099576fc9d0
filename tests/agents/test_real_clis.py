"""The real Claude Code, Codex and Gemini CLIs (pinned in package.json) run a scripted
experiment against the loopback server, with the adapters' own argv and environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from clis import InstalledClis
from loopback import LoopbackServer
from scripted import FINAL, METRIC, RESULTS_MD, RUN_PY, calls_and_results, cli_env, run_cli, turns

from mlrtui.runs.coding_agents import AGENTS

EXPECTED_CALLS = {"claude": ["Write", "Bash", "Write"],
                  "gemini": ["write_file", "run_shell_command", "write_file"]}


@pytest.mark.parametrize("cli", ["claude", "codex", "gemini"])
def test_real_cli_runs_scripted_experiment(cli: str, agent_clis: InstalledClis, cli_home: Path,
                                           tmp_path: Path) -> None:
    binary = agent_clis.binary(cli)
    if binary is None:
        pytest.skip(f"{cli} was not linked by npm in {agent_clis.bin_dir}")
    ws = tmp_path / "ws"
    ws.mkdir()
    agent = AGENTS[cli]
    with LoopbackServer() as server:
        talk = server.converse(*turns(cli, ws))
        env = agent.environment(cli_env(cli, server, cli_home, agent_clis.bin_dir), tmp_path)
        run = run_cli(agent.argv(str(binary), "Run the experiment in this folder.", env), ws, env)
        unknown = list(server.unknown)
    assert run.code == 0, f"{cli} exit {run.code}: {run.stderr[-2000:]}"
    # the files the scripted model asked for, written by the CLI's own tools
    assert (ws / "run.py").read_text() == RUN_PY
    assert (ws / "results.md").read_text() == RESULTS_MD
    # every turn was served once, and the CLI sent the metric printed by run.py back to us
    assert talk.served[-4:] == [0, 1, 2, 3] and sorted(set(talk.served)) == [0, 1, 2, 3]
    assert METRIC in talk.outputs[1]
    # its machine-readable transcript has the tool calls and their results
    events = run.events()
    calls, results = calls_and_results(cli, events)
    if cli == "codex":
        assert len(calls) == 3 and "run.py" in calls[0] and "python3 run.py" in calls[1]
    else:
        assert calls == EXPECTED_CALLS[cli]
    assert any(METRIC in r for r in results), results
    report = agent.parse(run.stdout)
    assert report.error is None and FINAL in report.text
    assert report.input_tokens and report.output_tokens
    if cli == "claude":
        result = next(e for e in events if e.get("type") == "result")
        assert result["total_cost_usd"] > 0 and report.cost_usd == result["total_cost_usd"]
        print(f"claude total_cost_usd={result['total_cost_usd']} model={report.model} "
              f"tokens={report.input_tokens}/{report.output_tokens}")
    print(f"{cli}: unknown paths {unknown}")
