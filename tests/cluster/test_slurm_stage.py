"""The built-in experiment loop of an example task, its scripts run as Slurm jobs: the store
shows their job ids, and the result equals a local run's."""

from __future__ import annotations

from pathlib import Path

from loopback import LoopbackServer
from unit.stages.stages_helpers import GOOD_CODE, add_task, agent_responder

from mlrtui.experiment.sandbox import SandboxExecutor
from mlrtui.experiment.slurm import SlurmExecutor
from mlrtui.providers.client import LLMClient
from mlrtui.runs import versions as V
from mlrtui.runs.stage_runner import StageRunner


async def _experiment(store, settings, executor, task_id: str) -> tuple[V.Run, list[dict]]:
    run = V.create_run(store, task_id, "fake-openai", "end-to-end")
    for stage, text in (("idea", "An idea."), ("literature", "Some work."),
                        ("proposal", "A proposal: measure accuracy of a threshold rule.")):
        V.write_version(store, run.id, stage, text, "fake-openai")
    client = LLMClient(store, settings)
    try:
        out = await StageRunner(store, settings, client, executor=executor).run_stage(
            V.get_run(store, run.id), "experiment")
    finally:
        await client.aclose()
    assert out.status == "done", out.error
    rows = store.query("SELECT * FROM executions WHERE run_id = ? ORDER BY id", [run.id])
    return run, rows


async def test_builtin_loop_runs_its_scripts_as_slurm_jobs(slurm_cluster, store, llm_settings,
                                                          loopback: LoopbackServer,
                                                          tmp_path: Path) -> None:
    loopback.responder = agent_responder([GOOD_CODE])
    task = add_task(store, "example2026_threshold_rule")
    shared = tmp_path / "shared"
    _, on_slurm = await _experiment(store, llm_settings,
                                    SlurmExecutor(shared, poll_s=0.25), task)
    _, local = await _experiment(store, llm_settings, SandboxExecutor(), task)
    assert on_slurm and local
    assert all(r["executor"] == "slurm" and r["job_id"] for r in on_slurm)
    assert all(r["job_state"] == "COMPLETED" for r in on_slurm)
    assert [r["status"] for r in on_slurm] == [r["status"] for r in local] == ["ok"]
    assert [r["stdout"] for r in on_slurm] == [r["stdout"] for r in local]
    assert "accuracy:" in on_slurm[0]["stdout"]
