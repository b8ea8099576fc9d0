"""One execution of an experiment, watched: its cluster job's states reach the stage's listener,
and a cancelled execution still leaves a record.

The built-in loop and the coding agents both run their command through `run_watched`. On Slurm
a job waits in the queue before it runs; every state change becomes an event line ("job 123
PENDING → RUNNING") and a structured `on_state(job_id, state)` call, so the console can show
queued / running / done while the execution is not yet stored (it is recorded when it ends).
Cancelling (the Run screen's `c`, Ctrl-C on `mlrtui run`) cancels the job (scancel, in the
executor) and records the execution as killed with the job's last state.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from mlrtui.experiment.executor import ExecResult, ExecSpec, record_execution
from mlrtui.experiment.executors import watched
from mlrtui.store.db import now

if TYPE_CHECKING:
    from mlrtui.runs.experiment_loop import ExperimentJob

CANCEL_REASON = "cancelled by the user before it finished"


class JobStates:
    """The cluster jobs of one execution and their last states, reported as they change."""

    def __init__(self, on_event: Callable[[str], None] | None,
                 on_state: Callable[[str, str], None] | None) -> None:
        self.on_event, self.on_state = on_event, on_state
        self.last: dict[str, str] = {}

    def __call__(self, job_id: str, state: str) -> None:
        before = self.last.get(job_id)
        if before == state:
            return
        self.last[job_id] = state
        line = f"job {job_id} {before} → {state}" if before else f"job {job_id} {state}"
        if self.on_event is not None:
            self.on_event(line)
        if self.on_state is not None:
            self.on_state(job_id, state)

    @property
    def job(self) -> tuple[str | None, str | None]:
        """(job id, last state) of the latest job, (None, None) before one was queued."""
        if not self.last:
            return None, None
        job_id = next(reversed(self.last))
        return job_id, self.last[job_id]


async def run_watched(job: ExperimentJob, spec: ExecSpec, *, label: str | None = None,
                      command: str | None = None) -> ExecResult:
    """Run `spec` on the job's executor; a cancellation records a killed execution and goes on.

    `label` names the executor in the record (a coding agent's name), `command` replaces the
    command line shown (an agent's prompt is long)."""
    states = JobStates(job.on_event, job.on_state)
    executor = watched(job.executor, states)
    started, t0 = now(), time.monotonic()
    try:
        result = await executor.run(spec)
    except asyncio.CancelledError:
        job_id, state = states.job
        record_execution(job.store, job.run_id, ExecResult(
            command or " ".join(spec.argv), str(spec.workspace), None, "killed",
            CANCEL_REASON + (f" (Slurm job {job_id}: {state})" if job_id else ""),
            round(time.monotonic() - t0, 3), "", "", started,
            executor=label or getattr(executor, "name", "sandbox"), job_id=job_id,
            job_state=state, resources=spec.resources()))
        raise
    if label is not None:
        result.sandbox["executor"] = result.executor
        result.executor = label
    if command is not None:
        result.command = command
    return result
