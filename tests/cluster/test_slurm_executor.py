"""SlurmExecutor against a real single-node Slurm (slurmctld + slurmd + munge, see slurm_up.sh):
success, failure, cancellation while queued, a controller restart mid-job, re-attaching by job
id, and the same experiment giving the same result through Slurm as through the local sandbox."""

from __future__ import annotations

import asyncio
import json
import subprocess
import textwrap
from pathlib import Path

import pytest

from mlrtui.experiment.executor import ExecSpec, list_executions, record_execution
from mlrtui.experiment.sandbox import SandboxExecutor
from mlrtui.experiment.slurm import SlurmExecutor
from mlrtui.experiment.slurmstate import job_state
from mlrtui.runs.versions import create_run
from mlrtui.store.db import Store

pytestmark = pytest.mark.usefixtures("slurm_cluster")


@pytest.fixture
def run_id(store: Store) -> int:
    store.insert("tasks", {"id": "iclr2026_demo", "venue": "iclr", "year": 2026, "slug": "demo",
                           "title": "Demo", "body": "A demo task.", "category": "Others",
                           "source": "user", "content_hash": "x", "created_at": "now"})
    return create_run(store, "iclr2026_demo", "local").id


class States:
    """The state callback: every (job id, state) the executor reported, in order."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        self.changed = asyncio.Event()

    def __call__(self, job_id: str, state: str) -> None:
        self.seen.append((job_id, state))
        self.changed.set()

    async def wait_for(self, state: str, timeout: float = 60) -> str:
        async def _wait() -> str:
            while not any(s == state for _, s in self.seen):
                self.changed.clear()
                await self.changed.wait()
            return self.seen[-1][0]
        return await asyncio.wait_for(_wait(), timeout)

    def states(self) -> list[str]:
        return [s for _, s in self.seen]


def _workspace(tmp_path: Path, code: str, name: str = "ws") -> Path:
    ws = tmp_path / name
    ws.mkdir()
    (ws / "script.py").write_text(textwrap.dedent(code))
    return ws


def _executor(tmp_path: Path, states: States | None = None, **kw) -> SlurmExecutor:
    return SlurmExecutor(tmp_path / "shared", poll_s=0.25, on_state=states, **kw)


def _spec(ws: Path, **kw) -> ExecSpec:
    return ExecSpec(["python", "script.py"], ws, **{"timeout_s": 60, "memory_mb": 512, **kw})


class LoopLag:
    """Ticks every 50 ms and keeps the worst delay: submitting and polling must not block."""

    def __init__(self) -> None:
        self.worst = 0.0

    async def watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            t = loop.time()
            await asyncio.sleep(0.05)
            self.worst = max(self.worst, loop.time() - t - 0.05)


async def test_job_succeeds_and_job_id_is_stored(tmp_path, store, run_id) -> None:
    ws = _workspace(tmp_path, """
        import os
        open("out.txt", "w").write("from the node")
        print("threads", os.environ["OMP_NUM_THREADS"], "job", os.environ.get("SLURM_JOB_ID"))
    """)
    states = States()
    lag = LoopLag()
    ticker = asyncio.ensure_future(lag.watch())
    res = await _executor(tmp_path, states).run(_spec(ws, cpus=2))
    ticker.cancel()
    record_execution(store, run_id, res)
    assert lag.worst < 0.5, f"the event loop stalled {lag.worst:.2f}s while submitting/polling"
    row = list_executions(store, run_id)[-1]
    assert row["status"] == "ok" and row["exit_code"] == 0, row["reason"]
    assert row["executor"] == "slurm" and row["job_id"].isdigit()
    assert row["job_state"] == "COMPLETED" and states.states()[-1] == "COMPLETED"
    assert {job for job, _ in states.seen} == {row["job_id"]}
    assert "threads 2" in row["stdout"]            # thread count follows the CPUs asked for
    assert (ws / "out.txt").read_text() == "from the node"
    assert row["resources"]["cpus"] == 2 and row["resources"]["slurm"]["cpus_per_task"] == 2
    assert row["sandbox"]["pid"] == "pidns"          # the node ran the same sandbox
    assert f"job {row['job_id']}" in row["sandbox"]["slurm"]


async def test_failing_command_is_failed_with_its_exit_code(tmp_path, store, run_id) -> None:
    ws = _workspace(tmp_path, """
        import sys
        print("about to fail")
        sys.exit("diverged at step 3")
    """)
    res = await _executor(tmp_path).run(_spec(ws))
    record_execution(store, run_id, res)
    row = list_executions(store, run_id)[-1]
    assert row["status"] == "failed" and row["exit_code"] == 1
    assert "diverged at step 3" in row["reason"] and "about to fail" in row["stdout"]
    assert row["job_id"] and row["job_state"] == "COMPLETED"   # the job ran; the command failed


async def test_a_job_slurm_refuses_is_an_error_with_one_line(tmp_path, store, run_id) -> None:
    ws = _workspace(tmp_path, "print('never')\n")
    res = await _executor(tmp_path).run(_spec(ws, partition="no-such-partition"))
    record_execution(store, run_id, res)
    row = list_executions(store, run_id)[-1]
    assert row["status"] == "error" and row["job_id"] is None
    assert row["reason"].startswith("sbatch failed:") and "\n" not in row["reason"]
    assert "partition" in row["reason"].lower()


async def test_cancel_while_queued_cancels_the_job(tmp_path) -> None:
    ws = _workspace(tmp_path, "print('must not run')\n")
    states = States()
    held = _spec(ws, slurm_options={"begin": "now+1hour"})     # stays PENDING (BeginTime)
    task = asyncio.ensure_future(_executor(tmp_path, states).run(held))
    job_id = await states.wait_for("PENDING")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert states.states()[-1] == "CANCELLED"
    assert job_state(job_id)["state"] == "CANCELLED"       # asked of Slurm, not of us
    assert "RUNNING" not in states.states()


async def test_scancel_while_queued_is_recorded_as_killed(tmp_path, store, run_id) -> None:
    ws = _workspace(tmp_path, "print('must not run')\n")
    states = States()
    task = asyncio.ensure_future(_executor(tmp_path, states).run(
        _spec(ws, slurm_options={"begin": "now+1hour"})))
    job_id = await states.wait_for("PENDING")
    await asyncio.to_thread(subprocess.run, ["scancel", job_id], check=True)  # as a person would
    res = await asyncio.wait_for(task, 60)
    record_execution(store, run_id, res)
    row = list_executions(store, run_id)[-1]
    assert row["status"] == "killed" and "cancelled" in row["reason"]
    assert row["job_id"] == job_id and row["job_state"] == "CANCELLED"
    assert "must not run" not in row["stdout"]


async def test_job_survives_a_controller_restart(tmp_path, store, run_id,
                                                  restart_controller) -> None:
    ws = _workspace(tmp_path, """
        import time
        open("started", "w").close()
        time.sleep(6)
        print("finished after the restart")
    """)
    states = States()
    ex = _executor(tmp_path, states)
    spec = _spec(ws)
    task = asyncio.ensure_future(ex.run(spec))
    job_id = await states.wait_for("RUNNING")
    for _ in range(200):          # the command itself runs (not only allocated) on the node
        if (ws / "started").exists():
            break
        await asyncio.sleep(0.1)
    assert (ws / "started").exists(), states.seen
    restart = await asyncio.to_thread(restart_controller)
    assert restart.returncode == 0, restart.stderr
    res = await asyncio.wait_for(task, 120)
    record_execution(store, run_id, res)
    row = list_executions(store, run_id)[-1]
    assert row["status"] == "ok", row["reason"]
    assert "finished after the restart" in row["stdout"]
    assert row["job_id"] == job_id and row["job_state"] == "COMPLETED"
    # a new process (here: a new executor) collects the same job again from its id alone
    again = await _executor(tmp_path).attach(job_id, spec)
    assert again.status == "ok" and again.stdout == res.stdout and again.job_id == job_id


EXPERIMENT = """
    import json
    import numpy as np
    rng = np.random.default_rng(7)
    x = rng.normal(size=(200, 3))
    y = x @ np.array([1.5, -2.0, 0.5]) + rng.normal(scale=0.1, size=200)
    w, *_ = np.linalg.lstsq(x, y, rcond=None)
    mse = float(np.mean((x @ w - y) ** 2))
    json.dump({"w": [round(v, 6) for v in w], "mse": round(mse, 8)}, open("results.json", "w"))
    print(f"mse={mse:.8f}")
"""


async def test_same_experiment_same_result_on_slurm_and_locally(tmp_path) -> None:
    local_ws = _workspace(tmp_path, EXPERIMENT, "local")
    slurm_ws = _workspace(tmp_path, EXPERIMENT, "slurm")
    local = await SandboxExecutor().run(_spec(local_ws))
    slurm = await _executor(tmp_path).run(_spec(slurm_ws))
    assert local.status == slurm.status == "ok", (local.reason, slurm.reason)
    assert (local.executor, slurm.executor) == ("sandbox", "slurm")
    assert local.exit_code == slurm.exit_code == 0
    assert slurm.stdout == local.stdout and slurm.stdout.startswith("mse=")
    assert json.loads((slurm_ws / "results.json").read_text()) == json.loads(
        (local_ws / "results.json").read_text())
