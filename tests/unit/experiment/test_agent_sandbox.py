"""Coding agents through the local sandbox executor: fake CLIs (real subprocesses of our own
writing) that report what the sandbox let them see and do."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from mlrtui.experiment.executor import list_executions
from mlrtui.experiment.sandbox import SandboxExecutor
from mlrtui.providers.client import LLMClient
from mlrtui.runs import versions as V
from mlrtui.runs.agent_spec import launch_argv, passed_env
from mlrtui.runs.stage_runner import StageRunner

# A "codex" that tries to write outside its workspace, reads its config home and writes there,
# then reports what happened in the JSON lines Codex prints.
PROBE = r'''#!{python}
import json, os, pathlib, sys, time
if os.environ.get("PROBE_SLEEP"):
    time.sleep(float(os.environ["PROBE_SLEEP"]))
report = {{"home": os.environ.get("HOME"), "codex_home": os.environ.get("CODEX_HOME"),
           "key": "OPENAI_API_KEY" in os.environ, "pid": os.getpid()}}
try:
    pathlib.Path(os.environ["PROBE_OUTSIDE"]).write_text("escaped")
    report["outside"] = "written"
except OSError as exc:
    report["outside"] = type(exc).__name__
home = pathlib.Path(os.environ.get("CODEX_HOME", "."))
report["config"] = (home / "config.toml").read_text() if (home / "config.toml").exists() else None
(home / "sessions").mkdir(exist_ok=True)
(home / "sessions" / "s1.jsonl").write_text("{{}}")
pathlib.Path("results.md").write_text("## Results\n\naccuracy 0.5\n")
print(json.dumps({{"type": "item.completed",
                  "item": {{"type": "agent_message", "text": json.dumps(report)}}}}))
print(json.dumps({{"type": "turn.completed", "usage": {{"input_tokens": 10, "output_tokens": 2}}}}))
'''


@pytest.fixture
def probe_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    folder = tmp_path / "bin"
    folder.mkdir()
    cli = folder / "codex"
    cli.write_text(PROBE.format(python=sys.executable))
    cli.chmod(0o755)
    codex_home = tmp_path / "codex-home"
    codex_home.mkdir()
    (codex_home / "config.toml").write_text('model = "probe-model"\n')
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-probe-key")
    monkeypatch.setenv("CODEX_HOME", str(codex_home))
    monkeypatch.setenv("PROBE_OUTSIDE", str(tmp_path / "outside.txt"))
    return {"cli": cli, "codex_home": codex_home, "outside": tmp_path / "outside.txt"}


def _ready_run(store) -> V.Run:
    store.insert("tasks", {"id": "iclr2026_sb", "venue": "iclr", "year": 2026, "slug": "sb",
                           "title": "Sandboxed agents", "body": "Task body.",
                           "category": "Others", "source": "user", "content_hash": "x",
                           "created_at": "now"}, ignore=True)
    run = V.create_run(store, "iclr2026_sb", "fake-openai", "end-to-end", agent="codex")
    for stage in ("idea", "literature", "proposal"):
        V.write_version(store, run.id, stage, f"{stage} text, see proposal.md\n", "fake-openai")
    return run


async def _run_stage(store, settings, run: V.Run):
    client = LLMClient(store, settings)
    try:
        return await StageRunner(store, settings, client, executor=SandboxExecutor()).run_stage(
            run, "experiment")
    finally:
        await client.aclose()


async def test_agent_runs_in_the_sandbox_confined_to_its_workspace(store, llm_settings,
                                                                   probe_cli) -> None:
    run = _ready_run(store)
    settings = llm_settings.model_copy(update={"experiment_timeout_s": 30.0})
    out = await _run_stage(store, settings, run)
    assert out.status == "done", out.error
    row = list_executions(store, run.id)[0]
    assert row["executor"] == "codex" and row["status"] == "ok", row["reason"]
    assert row["sandbox"]["executor"] == "sandbox" and row["sandbox"]["pid"] == "pidns"
    assert row["sandbox"]["filesystem"].startswith("landlock")
    text = json.loads(row["stdout"].splitlines()[0])["item"]["text"]
    seen = json.loads(text)
    ws = Path(V.get_run(store, run.id).workspace)
    assert seen["outside"] == "PermissionError" and not probe_cli["outside"].exists()
    assert seen["home"] == str(ws.resolve() / ".home")      # not the caller's HOME
    assert seen["key"] is True and seen["pid"] == 1          # own key; pid 1 of its namespace
    assert seen["config"] == 'model = "probe-model"\n'       # the user's config, as a copy
    assert seen["codex_home"] != str(probe_cli["codex_home"])
    assert not Path(seen["codex_home"]).exists()              # the copy is gone after the run
    assert not (probe_cli["codex_home"] / "sessions").exists()   # the original is untouched
    assert V.current(store, run.id, "experiment").text.startswith("## Results")


async def test_cancelled_agent_is_recorded_killed(store, llm_settings, probe_cli,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROBE_SLEEP", "30")
    run = _ready_run(store)
    settings = llm_settings.model_copy(update={"experiment_timeout_s": 60.0})
    task = asyncio.ensure_future(_run_stage(store, settings, run))
    ws = None
    for _ in range(200):                       # until the sandbox has started the agent
        ws = V.get_run(store, run.id).workspace
        if ws and (Path(ws) / ".tmp").exists():
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    row = list_executions(store, run.id)[-1]
    assert (row["executor"], row["status"]) == ("codex", "killed")
    assert "cancelled by the user" in row["reason"] and row["duration_s"] < 10
    assert V.get_run(store, run.id).status == "cancelled"


def test_passed_env_keeps_keys_and_drops_what_points_outside() -> None:
    env = passed_env({"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": "http://x", "HOME": "/root",
                      "TMPDIR": "/tmp", "XDG_CONFIG_HOME": "/root/.config", "OMP_NUM_THREADS": "8",
                      "SLURM_JOB_ID": "7", "PATH": "/usr/bin", "CODEX_HOME": "/c"})
    assert env == {"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": "http://x", "PATH": "/usr/bin",
                   "CODEX_HOME": "/c"}


def test_a_script_only_its_owner_may_run_starts_through_its_interpreter(tmp_path: Path) -> None:
    script = tmp_path / "tool"
    script.write_text("#!/usr/bin/env python3\nprint('hi')\n")
    script.chmod(0o744)
    argv = launch_argv(str(script), os.environ.get("PATH"))
    assert Path(argv[0]).name.startswith("python3") and argv[-1] == str(script.resolve())
    script.chmod(0o755)
    assert launch_argv(str(script), os.environ.get("PATH")) == [str(script)]

