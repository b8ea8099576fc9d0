"""Running stages of one run from the Run screen: a thin adapter over `StageService`.

The stages run in order as one end-to-end chain (the pipeline's rule: a failed stage stops
the ones after it); the job is the service's stage listener, so its streamed text is kept and
replayed to a Run screen opened later. A crossed run budget asks to raise the cap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlrtui.runs import versions as V
from mlrtui.runs.stage_runner import StageOutcome
from mlrtui.services.stages import StageRequest, StageService
from mlrtui.ui.jobs import Job

if TYPE_CHECKING:
    from mlrtui.ui.app import MlrtuiApp


class StageJob(Job):
    """Stages of one run, in order."""

    kind = "stage"

    def __init__(self, run_id: int, stages: list[str], *, force: bool = True) -> None:
        super().__init__(f"Run {', '.join(stages)} of run {run_id}", key=run_id)
        self.run_id = run_id
        self.stages = stages
        self.force = force
        self.outcomes: list[StageOutcome] = []
        self.cost_usd = 0.0
        self.cluster_jobs: dict[str, str] = {}   # Slurm job id -> its last state, oldest first
        self._service: StageService | None = None
        self._heads: dict[str, int] = {}        # the run's current versions, as screens last saw

    async def work(self, app: MlrtuiApp) -> None:
        self._heads = V.heads(app.store, self.run_id)
        service = self._service = StageService(
            app.store, app.settings, progress=self, listener=self,
            on_budget=self.budget_hook(app),
            on_notice=lambda text: app.notify(text, severity="warning", timeout=10))
        req = StageRequest(stages=self.stages, run_ids=[self.run_id], mode="end-to-end",
                           force=self.force)
        report = await service.run(req)
        self.outcomes = report.summary.outcomes
        self.cost_usd = report.summary.cost_usd
        failed = report.summary.failures
        if failed:
            self.stage = failed[0].stage
            self.error = failed[0].error or "failed"
        if report.summary.cancelled_by_user:
            self.state = "cancelled"

    def cancel(self) -> None:
        """Stop the whole chain: the stage in flight is cancelled, none after it starts."""
        if self._service is not None and self.running:
            self._service.cancel()
        else:
            super().cancel()

    def stage_job_state(self, run_id: int, job_id: str, state: str) -> None:
        """A cluster job of the experiment changed state (the event line comes separately)."""
        self.cluster_jobs[job_id] = state
        self.changed("cluster", f"{job_id} {state}")

    def cluster_line(self) -> str | None:
        """The latest cluster job, e.g. "job 123 RUNNING"; None when there is none."""
        if not self.cluster_jobs:
            return None
        job_id = next(reversed(self.cluster_jobs))
        return f"job {job_id} {self.cluster_jobs[job_id]}"

    def live_executions(self, recorded: list[dict]) -> list[dict]:
        """Rows for the executions list: cluster jobs of the running stage not recorded yet
        (an execution is stored when it ends), so queued and running jobs show too."""
        if not self.running:
            return []
        stored = {str(r.get("job_id")) for r in recorded if r.get("job_id")}
        return [{"id": f"job-{job_id}", "status": state.lower(), "exit_code": None,
                 "duration_s": None, "command": f"Slurm job {job_id}", "executor": "slurm",
                 "reason": "waiting in the queue" if state == "PENDING" else f"job {state}",
                 "job_id": job_id, "job_state": state, "stdout": "", "stderr": ""}
                for job_id, state in self.cluster_jobs.items() if job_id not in stored]

    def advance(self, n: int = 1, detail: str = "") -> None:
        """A stage ended. Screens reload only when it saved a version (the run's current
        versions moved); a skipped, failed or cancelled stage changes nothing they show that
        the job's end, which always reloads them, would not show a moment later."""
        super().advance(n, detail)
        if self.registry is None:
            return
        app = self.registry.app
        heads = V.heads(app.store, self.run_id)
        if heads != self._heads:
            self._heads = heads
            app.data_changed()

    def error_title(self) -> str:
        return f"{self.stage or 'The stage'} failed"

    def status_line(self) -> str:
        if self.running:
            return self.title + (f" (now {self.stage})" if self.stage else "")
        done = ", ".join(o.stage for o in self.outcomes if o.status == "done") or "nothing"
        return f"Run {self.run_id}: {done} done (${self.cost_usd:.4f})"


def stage_job(app: MlrtuiApp, run_id: int) -> StageJob | None:
    """The latest stage job of a run in this App (running or finished), if any."""
    job = app.jobs.latest("stage", run_id)
    return job if isinstance(job, StageJob) else None


def start_stage_job(app: MlrtuiApp, run_id: int, stages: list[str], *,
                    force: bool = True) -> StageJob | None:
    """Run `stages` of a run in order; None if the run already has a running job."""
    current = stage_job(app, run_id)
    if current is not None and current.running:
        return None
    job = StageJob(run_id, stages, force=force)
    app.jobs.start(job)
    return job
