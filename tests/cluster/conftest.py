"""A real single-node Slurm for the cluster tests, started once per session by slurm_up.sh.

Skips (with the script's reason line) when it cannot be installed or started: not root, no
apt, daemons that fail. The cluster is left running for later sessions; the script is
idempotent, so a second session only checks that the node is idle.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parents[1]
SLURM_UP = HERE / "slurm_up.sh"


def slurm_up(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SLURM_UP), *args], capture_output=True, text=True,
                          timeout=timeout, check=False)


@pytest.fixture(scope="session")
def slurm_cluster() -> dict:
    """{"conf": path, "up_s": seconds the bring-up took}; the environment points at it."""
    if os.geteuid() != 0:
        pytest.skip(f"slurm cluster: needs root to install and start daemons (uid {os.geteuid()})")
    t0 = time.monotonic()
    try:
        proc = slurm_up()
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"slurm cluster: {SLURM_UP.name} did not finish: {exc}")
    if proc.returncode != 0:
        lines = [ln for ln in (proc.stderr + proc.stdout).splitlines() if ln.strip()]
        reason = next((ln for ln in lines if ln.startswith("slurm_up:")), lines[-1] if lines
                      else f"exit code {proc.returncode}")
        pytest.skip(f"slurm cluster could not be started: {reason}")
    conf = proc.stdout.strip().splitlines()[-1].partition("=")[2]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SLURM_CONF", conf)
        # the job's interpreter must import this checkout's mlrtui, as the tests do
        path = os.environ.get("PYTHONPATH", "")
        mp.setenv("PYTHONPATH", os.pathsep.join(p for p in (str(PROJECT_ROOT), path) if p))
        yield {"conf": conf, "up_s": round(time.monotonic() - t0, 1)}


@pytest.fixture
def restart_controller(slurm_cluster: dict):
    """Restart slurmctld (running jobs go on under slurmd); returns the script's result."""
    return lambda: slurm_up("restart-ctld", timeout=120)
