"""The executor chosen per run: stored on the run (runs.executor), kept by `mlrtui run
--executor`, and picked by the StageRunner before the config's `[executor] kind`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from stages_helpers import add_task

from mlrtui.config import ExecutorConfig, Settings
from mlrtui.experiment.sandbox import SandboxExecutor
from mlrtui.experiment.slurm import SlurmExecutor
from mlrtui.kernel.errors import Fatal
from mlrtui.providers.client import LLMClient
from mlrtui.runs import versions as V
from mlrtui.runs.stage_runner import StageRunner
from mlrtui.services.stages import StageRequest, StageService


def test_the_run_keeps_its_executor_and_a_new_choice_replaces_it(store) -> None:
    task = add_task(store, "example2026_where")
    run = V.get_or_create_run(store, task, "local", "stepwise", executor="slurm")
    assert V.get_run(store, run.id).executor == "slurm"
    same = V.get_or_create_run(store, task, "local", "stepwise")       # no choice: kept
    assert same.id == run.id and same.executor == "slurm"
    again = V.get_or_create_run(store, task, "local", "stepwise", executor="local")
    assert again.id == run.id and again.executor == "local"
    V.set_run_executor(store, run.id, None)
    assert V.get_run(store, run.id).executor is None


async def test_runner_picks_the_runs_executor_then_the_configs(store, tmp_path: Path) -> None:
    task = add_task(store, "example2026_where")
    cfg = ExecutorConfig(kind="slurm", shared_dir=tmp_path / "shared", partition="gpu")
    settings = Settings(db=tmp_path / "x.db", executor=cfg)
    client = LLMClient(store, settings)
    try:
        runner = StageRunner(store, settings, client)
        on_slurm = V.create_run(store, task, "local")                  # follows the config
        local = V.create_run(store, task, "local", executor="local")
        chosen = runner.executor_for(on_slurm)
        assert isinstance(chosen, SlurmExecutor) and chosen.partition == "gpu"
        assert isinstance(runner.executor_for(local), SandboxExecutor)
        assert runner.executor_for(on_slurm) is chosen                  # made once per kind
        given = SandboxExecutor()
        assert StageRunner(store, settings, client, executor=given).executor_for(
            on_slurm) is given
    finally:
        await client.aclose()


async def test_an_unknown_executor_is_one_clear_line(store, tmp_path: Path) -> None:
    add_task(store, "example2026_where")
    service = StageService(store, Settings(db=tmp_path / "x.db"))
    with pytest.raises(Fatal, match=r"^unknown executor 'ray' \(known: local, slurm\)$"):
        await service.run(StageRequest(stages=["idea"], tasks=["example2026_where"],
                                       executor="ray"))


def test_cli_offers_local_and_slurm_only(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "mlrtui.cli", "--db", str(tmp_path / "c.db"),
                           "run", "--task", "x", "--executor", "ray"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and "invalid choice: 'ray'" in proc.stderr
    assert "Traceback" not in proc.stderr
