"""Choosing an executor from `[executor]`, the sbatch options a spec turns into, Slurm state
parsing and the stored job id / state / resources. No cluster needed (tests/cluster has one)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlrtui.config import ConfigError, load_settings
from mlrtui.experiment.executor import ExecResult, ExecSpec, list_executions, record_execution
from mlrtui.experiment.executors import ExecutorConfigError, make_executor
from mlrtui.experiment.sandbox import SandboxExecutor
from mlrtui.experiment.slurm import SlurmExecutor
from mlrtui.experiment.slurmstate import parse_scontrol
from mlrtui.paths import config_file
from mlrtui.runs.versions import create_run

SLURM_TOML = """
[executor]
kind = "slurm"
partition = "gpu"
account = "lab42"
shared_dir = "{shared}"
gpus = 1
cpus = 4
mem = 8000
time = 30
extra = {{ qos = "short" }}
"""


def test_local_is_the_default(tmp_path: Path) -> None:
    settings = load_settings()
    assert settings.executor.kind == "local"
    assert isinstance(make_executor(settings), SandboxExecutor)


def test_slurm_from_the_config_file(tmp_path: Path) -> None:
    config_file().parent.mkdir(parents=True, exist_ok=True)
    config_file().write_text(SLURM_TOML.format(shared=tmp_path / "shared"))
    settings = load_settings()
    ex = make_executor(settings)
    assert isinstance(ex, SlurmExecutor) and ex.shared_dir == tmp_path / "shared"
    assert isinstance(make_executor(settings, kind="local"), SandboxExecutor)
    # the config gives minimums: a bigger spec wins, a smaller one is raised
    spec = ex.effective(ExecSpec(["python", "x.py"], tmp_path / "w1", cpus=8, timeout_s=3600,
                                 slurm_options={"constraint": "a100"}))
    assert (spec.gpus, spec.cpus, spec.memory_mb) == (1, 8, 8000)
    params = ex.parameters(spec)
    assert params["gpus_per_node"] == 1 and params["cpus_per_task"] == 8
    assert params["partition"] == "gpu" and params["account"] == "lab42"
    assert params["time"] == 61                 # one minute past the sandbox's own wall limit
    extra = params["additional_parameters"]
    assert extra["qos"] == "short" and extra["constraint"] == "a100"
    assert extra["mem"] == "8256M"              # the limit plus the submitit runner
    assert "SUBMITIT_EXECUTOR" in extra["export"].split(",")


def test_no_api_key_is_exported_to_the_job(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-must-stay-here")
    params = SlurmExecutor(tmp_path).parameters(ExecSpec(["python"], tmp_path))
    assert "OPENAI_API_KEY" not in params["additional_parameters"]["export"]
    assert "gpus_per_node" not in params and "partition" not in params


def test_bad_kind_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ExecutorConfigError, match="unknown executor kind 'ray'"):
        make_executor(load_settings(), kind="ray")
    config_file().parent.mkdir(parents=True, exist_ok=True)
    config_file().write_text('[executor]\nkind = "kubernetes"\n')
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert "config.toml" in str(err.value) and "\n" not in str(err.value)


def test_parse_scontrol_line() -> None:
    line = ("JobId=12 JobName=mlrtui-ws UserId=root(0) JobState=PENDING Reason=BeginTime "
            "Dependency=(null) NodeList=(null) ExitCode=0:0 Command=/x/y JobState=IGNORED")
    fields = parse_scontrol(line)
    assert fields["JobState"] == "PENDING" and fields["Reason"] == "BeginTime"
    assert fields["ExitCode"] == "0:0" and fields["NodeList"] == "(null)"


def test_job_id_state_and_resources_are_stored(store, tmp_path: Path) -> None:
    store.insert("tasks", {"id": "iclr2026_demo", "venue": "iclr", "year": 2026, "slug": "demo",
                           "title": "Demo", "body": "A demo task.", "category": "Others",
                           "source": "user", "content_hash": "x", "created_at": "now"})
    run_id = create_run(store, "iclr2026_demo", "local").id
    spec = ExecSpec(["python", "x.py"], tmp_path, gpus=2, cpus=4, partition="gpu")
    res = ExecResult("python x.py", str(tmp_path), 0, "ok", None, 1.5, "out", "", "now",
                     executor="slurm", job_id="4711", job_state="COMPLETED",
                     resources=spec.resources())
    record_execution(store, run_id, res)
    local = ExecResult("python x.py", str(tmp_path), 0, "ok", None, 1.0, "", "", "now")
    record_execution(store, run_id, local)
    slurm_row, local_row = list_executions(store, run_id)
    assert (slurm_row["job_id"], slurm_row["job_state"]) == ("4711", "COMPLETED")
    assert slurm_row["resources"] == {"gpus": 2, "cpus": 4, "memory_mb": 2048,
                                      "timeout_s": 600.0, "partition": "gpu"}
    assert local_row["job_id"] is None and local_row["resources"] == {}
