"""The Slurm executor: the same sandboxed run, queued on a cluster through submitit.

The job runs `run_on_node(spec)`, i.e. the local sandbox on the compute node, so a cluster run
has the same isolation, limits and output capture as a local one; submitit carries the spec
there and the `ExecResult` back as pickles in `shared_dir` (a folder every node can read).
The state is read with `scontrol` (live jobs), then `sacct` (jobs the controller forgot), so
polling works on clusters without accounting too. Polling runs in threads and never blocks the
event loop; cancelling the asyncio task cancels the job (`scancel` through `job.cancel()`).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import math
import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from mlrtui.experiment.executor import ExecResult, ExecSpec, ExecStatus
from mlrtui.experiment.slurmstate import TERMINAL, job_state
from mlrtui.store.db import now

StateCallback = Callable[[str, str], None]     # (job id, state) on every change
OVERHEAD_MB = 256                              # the submitit runner beside the command
# Only these leave the submitting machine: never API keys (sbatch adds the SLURM_* ones).
EXPORTED = ("PATH", "PYTHONPATH", "HOME", "LANG", "LC_ALL", "VIRTUAL_ENV", "TZ")


def run_on_node(spec: ExecSpec) -> ExecResult:
    """Runs inside the Slurm job: the local sandbox, on the node."""
    from mlrtui.experiment.sandbox import SandboxExecutor

    return asyncio.run(SandboxExecutor().run(spec))


class SlurmExecutor:
    """Runs specs as Slurm jobs; cluster-wide defaults come from the `[executor]` config.

    A spec asks for minimums: the job gets the larger of the spec's and the defaults' CPUs,
    GPUs, memory and time, and the sandbox on the node applies the same numbers."""

    name = "slurm"

    def __init__(self, shared_dir: Path | str, *, partition: str | None = None,
                 account: str | None = None, gpus: int = 0, cpus: int = 1,
                 mem_mb: int = 0, time_min: int = 0, extra: dict[str, str] | None = None,
                 poll_s: float = 1.0, python: str | None = None,
                 on_state: StateCallback | None = None) -> None:
        self.shared_dir = Path(shared_dir)
        self.partition, self.account = partition, account
        self.gpus, self.cpus, self.mem_mb, self.time_min = gpus, cpus, mem_mb, time_min
        self.extra = dict(extra or {})
        self.poll_s, self.python, self.on_state = poll_s, python, on_state

    def watched(self, on_state: StateCallback) -> SlurmExecutor:
        """A copy that also reports every state change to `on_state` (one run's listener),
        so one configured executor can serve runs that are watched separately."""
        twin = copy.copy(self)
        first = self.on_state

        def both(job_id: str, state: str) -> None:
            if first is not None:
                first(job_id, state)
            on_state(job_id, state)
        twin.on_state = both
        return twin

    def effective(self, spec: ExecSpec) -> ExecSpec:
        """The spec as the job will run it: defaults fill what the spec leaves lower."""
        return replace(spec, gpus=max(spec.gpus, self.gpus), cpus=max(spec.cpus, self.cpus),
                       memory_mb=max(spec.memory_mb, self.mem_mb),
                       partition=spec.partition or self.partition,
                       account=spec.account or self.account,
                       slurm_options={**self.extra, **spec.slurm_options})

    def parameters(self, spec: ExecSpec) -> dict:
        """submitit `update_parameters` for an effective spec (sbatch options)."""
        minutes = max(self.time_min, math.ceil(spec.timeout_s / 60) + 1)  # sandbox limit first
        extra = {"mem": f"{spec.memory_mb + OVERHEAD_MB}M",
                 # srun in the batch script obeys the same list: submitit's marker must be on it
                 "export": ",".join(["SUBMITIT_EXECUTOR",
                                     *(k for k in EXPORTED if k in os.environ)]),
                 **spec.slurm_options}
        params: dict = {"time": minutes, "cpus_per_task": spec.cpus, "nodes": 1,
                        "ntasks_per_node": 1, "job_name": f"mlrtui-{spec.workspace.name}",
                        "additional_parameters": extra}
        if spec.gpus > 0:
            params["gpus_per_node"] = spec.gpus
        for key in ("partition", "account"):
            if getattr(spec, key):
                params[key] = getattr(spec, key)
        return params

    def _submit(self, spec: ExecSpec):  # -> submitit.SlurmJob
        import submitit

        # the pickled spec carries the command's environment (a coding agent's API key): private
        self.shared_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        folder = self.shared_dir / "%j"
        ex = submitit.SlurmExecutor(folder=folder, python=self.python, max_num_timeout=0)
        ex.update_parameters(**self.parameters(spec))
        return ex.submit(run_on_node, spec)

    async def run(self, spec: ExecSpec) -> ExecResult:
        spec = self.effective(spec)
        started, t0 = now(), time.monotonic()
        fut = asyncio.ensure_future(asyncio.to_thread(self._submit, spec))
        try:
            job = await asyncio.shield(fut)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                (await fut).cancel(check=False)
            raise
        except ImportError:
            return self._error(spec, started, t0, "the Slurm executor needs submitit: "
                               "pip install 'mlrtui[slurm]'")
        except (subprocess.CalledProcessError, RuntimeError, OSError, ValueError) as exc:
            return self._error(spec, started, t0, f"sbatch failed: {_one_line(exc)}")
        return await self._collect(job, spec, started, t0)

    async def attach(self, job_id: str, spec: ExecSpec) -> ExecResult:
        """Collect a job submitted earlier (by this or another process) from its id."""
        import submitit

        job = submitit.SlurmJob(folder=self.shared_dir / "%j", job_id=str(job_id))
        return await self._collect(job, self.effective(spec), now(), time.monotonic())

    async def _collect(self, job, spec: ExecSpec, started: str, t0: float) -> ExecResult:
        state, info, seen = "", {}, []
        try:
            while True:
                info = await asyncio.to_thread(job_state, job.job_id)
                if info["state"] != state:
                    state = info["state"]
                    seen.append(state)
                    self._notify(job.job_id, state)
                has_result = job.paths.result_pickle.exists()
                if state in TERMINAL or (state == "UNKNOWN" and has_result):
                    break
                await asyncio.sleep(self.poll_s)
        except asyncio.CancelledError:
            job.cancel(check=False)    # scancel; quick, and must happen before we go
            self._notify(job.job_id, "CANCELLED")
            raise
        result = await asyncio.to_thread(self._outcome, job, spec, state, started, t0)
        result.sandbox["slurm"] = (f"job {job.job_id} on {info.get('node') or '?'}; states seen: "
                                   + " > ".join(seen))
        return result

    def _outcome(self, job, spec: ExecSpec, state: str, started: str, t0: float) -> ExecResult:
        """The node's ExecResult when the job got that far, else one made from the state."""
        if job.paths.result_pickle.exists():
            try:
                res = job.result()
            except Exception as exc:  # noqa: BLE001 - submitit re-raises the job's exception
                res = self._error(spec, started, t0, f"job {state}: {_one_line(exc)}")
        else:
            status, reason = _from_state(state, spec, job.stderr() or "")
            res = ExecResult(" ".join(spec.argv), str(spec.workspace), None, status, reason,
                             0.0, "", "", started)
        res.executor, res.job_id, res.job_state = "slurm", str(job.job_id), state
        res.resources = {**spec.resources(), "slurm": _printable(self.parameters(spec))}
        res.duration_s = res.duration_s or round(time.monotonic() - t0, 3)
        return res

    def _error(self, spec: ExecSpec, started: str, t0: float, reason: str) -> ExecResult:
        return ExecResult(" ".join(spec.argv), str(spec.workspace), None, "error", reason,
                          round(time.monotonic() - t0, 3), "", "", started, executor="slurm",
                          resources=spec.resources())

    def _notify(self, job_id: str, state: str) -> None:
        if self.on_state is not None:
            self.on_state(str(job_id), state)


def _from_state(state: str, spec: ExecSpec, stderr: str) -> tuple[ExecStatus, str]:
    """(status, reason) of a job that ended without handing back a result."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    errors = [ln for ln in lines if "Error" in ln or "Exception" in ln or "error:" in ln]
    last = (errors or lines or [""])[-1][:300]
    if state == "CANCELLED":
        return "killed", "cancelled on the cluster (scancel) before it finished"
    if state in ("TIMEOUT", "DEADLINE"):
        return "timeout", f"Slurm time limit exceeded ({state})"
    if state == "OUT_OF_MEMORY":
        return "killed", f"Slurm memory limit of {spec.memory_mb + OVERHEAD_MB} MB exceeded"
    detail = f": {last}" if last else ""
    return "error", f"Slurm job ended {state} without a result{detail}"


def _one_line(exc: object) -> str:
    text = str(exc).strip()
    if isinstance(exc, subprocess.CalledProcessError) and exc.output:
        out = exc.output.decode("utf-8", "replace") if isinstance(exc.output, bytes) else exc.output
        text = out.strip() or text
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return (lines[-1] if lines else type(exc).__name__)[:300]


def _printable(params: dict) -> dict:
    flat = {k: v for k, v in params.items() if k != "additional_parameters"}
    flat.update({k: v for k, v in params.get("additional_parameters", {}).items()
                 if k != "export"})
    return flat
