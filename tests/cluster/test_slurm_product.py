"""The Slurm executor in the product, against the real single-node cluster: a run's own executor
choice, job states reaching the stage listener while the job waits and runs, cancelling a held
job through the stage service and with Ctrl-C on `mlrtui run`, and a coding agent as a job."""

from __future__ import annotations

import asyncio
import os
import select
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from loopback import LoopbackServer
from unit.experiment.test_agents import FAKE
from unit.stages.stages_helpers import GOOD_CODE, add_task, agent_responder

from mlrtui.config import ExecutorConfig
from mlrtui.experiment.executor import list_executions
from mlrtui.experiment.slurmstate import job_state
from mlrtui.runs import versions as V
from mlrtui.services.stages import StageRequest, StageService
from mlrtui.store import open_store

pytestmark = pytest.mark.usefixtures("slurm_cluster")
HELD = {"begin": "now+1hour"}            # sbatch --begin: the job stays PENDING


class Listener:
    """A stage listener keeping the event lines and the (job id, state) calls."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.states: list[tuple[int, str, str]] = []
        self.changed = asyncio.Event()

    def stage_started(self, run_id: int, stage: str) -> None:
        pass

    def stage_text(self, run_id: int, piece: str) -> None:
        pass

    def stage_event(self, run_id: int, line: str) -> None:
        self.events.append(line)

    def stage_job_state(self, run_id: int, job_id: str, state: str) -> None:
        self.states.append((run_id, job_id, state))
        self.changed.set()

    async def wait_for(self, state: str, timeout: float = 60) -> str:
        async def _wait() -> str:
            while not any(s == state for *_, s in self.states):
                self.changed.clear()
                await self.changed.wait()
            return next(j for _, j, s in self.states if s == state)
        return await asyncio.wait_for(_wait(), timeout)


def _settings(llm_settings, tmp_path: Path, **extra):
    cfg = ExecutorConfig(kind="local", shared_dir=tmp_path / "shared", poll_s=0.25, extra=extra)
    return llm_settings.model_copy(update={"executor": cfg, "experiment_timeout_s": 60.0})


def _ready_run(store, task_id: str, *, agent: str | None = None,
               executor: str | None = "slurm") -> V.Run:
    run = V.create_run(store, task_id, "fake-openai", "end-to-end", agent=agent,
                       executor=executor)
    for stage, text in (("idea", "An idea."), ("literature", "Some work."),
                        ("proposal", "A proposal: measure accuracy of a threshold rule.")):
        V.write_version(store, run.id, stage, text, "fake-openai")
    return V.get_run(store, run.id)


async def test_the_runs_executor_wins_and_states_reach_the_listener(
        store, llm_settings, loopback: LoopbackServer, tmp_path: Path) -> None:
    loopback.responder = agent_responder([GOOD_CODE])
    run = _ready_run(store, add_task(store, "example2026_threshold_rule"))
    listener = Listener()
    settings = _settings(llm_settings, tmp_path)           # the config says local
    report = await StageService(store, settings, listener=listener).run(
        StageRequest(stages=["experiment"], run_ids=[run.id], mode="end-to-end"))
    assert report.exit_code == 0, report.summary.failures
    rows = list_executions(store, run.id)
    assert [r["executor"] for r in rows] == ["slurm"] and rows[0]["status"] == "ok"
    job_id = rows[0]["job_id"]
    seen = [s for r, j, s in listener.states if r == run.id and j == job_id]
    assert seen[-1] == "COMPLETED" and rows[0]["job_state"] == "COMPLETED"
    assert len(seen) == len(set(seen)) >= 2            # each change once; queued/running first
    assert any(e.startswith(f"job {job_id} ") and "→ COMPLETED" in e for e in listener.events)


async def test_cancelling_the_stage_cancels_its_held_job(
        store, llm_settings, loopback: LoopbackServer, tmp_path: Path) -> None:
    loopback.responder = agent_responder([GOOD_CODE])
    run = _ready_run(store, add_task(store, "example2026_threshold_rule"))
    listener = Listener()
    service = StageService(store, _settings(llm_settings, tmp_path, **HELD), listener=listener)
    task = asyncio.ensure_future(service.run(
        StageRequest(stages=["experiment"], run_ids=[run.id], mode="end-to-end")))
    job_id = await listener.wait_for("PENDING")
    assert job_state(job_id)["state"] == "PENDING"
    service.cancel()
    report = await asyncio.wait_for(task, 60)
    assert report.summary.cancelled_by_user and report.exit_code == 130
    assert job_state(job_id)["state"] == "CANCELLED"        # asked of Slurm
    row = list_executions(store, run.id)[-1]
    assert (row["executor"], row["status"], row["job_id"], row["job_state"]) == (
        "slurm", "killed", job_id, "CANCELLED")
    assert "cancelled by the user" in row["reason"]
    assert V.get_run(store, run.id).status == "cancelled"
    assert V.current(store, run.id, "experiment") is None


def _read_until(proc: subprocess.Popen, needle: str, timeout: float = 90) -> str:
    """stderr lines of `proc` until one contains `needle`; that line."""
    deadline, buf = time.monotonic() + timeout, ""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stderr], [], [], 0.5)
        if ready:
            chunk = os.read(proc.stderr.fileno(), 4096).decode()
            if not chunk:
                break
            buf += chunk
            for line in buf.splitlines():
                if needle in line:
                    return line
    raise AssertionError(f"no {needle!r} on stderr: {buf[-2000:]}")


def test_ctrl_c_on_mlrtui_run_cancels_the_slurm_job(loopback: LoopbackServer,
                                                     tmp_path: Path) -> None:
    loopback.responder = agent_responder([GOOD_CODE])
    db = tmp_path / "cli.db"
    store = open_store(db)
    run = _ready_run(store, add_task(store, "example2026_threshold_rule"), agent="builtin",
                     executor=None)
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        "[models.fake-openai]\nprovider = \"openai\"\nmodel = \"gpt-4o\"\n"
        f"base_url = \"{loopback.openai_base_url}\"\napi_key_env = \"MLRTUI_TEST_KEY\"\n"
        "max_tokens = 256\n\n[executor]\nkind = \"local\"\n"
        f"shared_dir = \"{tmp_path / 'shared'}\"\npoll_s = 0.25\n"
        "extra = { begin = \"now+1hour\" }\n", encoding="utf-8")
    env = {**os.environ, "MLRTUI_CONFIG": str(cfg), "MLRTUI_TEST_KEY": "k-loopback"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mlrtui.cli", "--db", str(db), "run", "--task", run.task_id,
         "--model", "fake-openai", "--mode", "end-to-end", "--stages", "experiment",
         "--executor", "slurm", "--quiet"], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)
    try:
        line = _read_until(proc, "PENDING")
        job_id = line.split("Slurm job ")[1].split()[0]
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, out
    assert job_state(job_id)["state"] == "CANCELLED"
    assert V.get_run(store, run.id).executor == "slurm"       # --executor is kept on the run
    row = list_executions(store, run.id)[-1]
    assert (row["status"], row["job_id"], row["job_state"]) == ("killed", job_id, "CANCELLED")
    store.close()


@pytest.fixture
def fake_claude(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    path = folder / "claude"
    path.write_text(FAKE.format(python=sys.executable))
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "mk-ant-fake-key-1")
    return path


async def test_a_coding_agent_runs_as_a_slurm_job(store, llm_settings, fake_claude: Path,
                                                  tmp_path: Path) -> None:
    run = _ready_run(store, add_task(store, "example2026_threshold_rule"), agent="claude")
    listener = Listener()
    report = await StageService(store, _settings(llm_settings, tmp_path),
                                listener=listener).run(
        StageRequest(stages=["experiment"], run_ids=[run.id], mode="end-to-end"))
    assert report.exit_code == 0, report.summary.failures
    row = list_executions(store, run.id)[-1]
    assert row["executor"] == "claude" and row["sandbox"]["executor"] == "slurm"
    assert row["status"] == "ok" and row["job_state"] == "COMPLETED", row["reason"]
    assert row["job_id"] == listener.states[-1][1]
    assert '\\"ANTHROPIC_API_KEY\\": true' in row["stdout"]    # its own key reached the node
    version = V.current(store, run.id, "experiment")
    assert version.author == "claude" and "| accuracy | 0.75 |" in version.text
