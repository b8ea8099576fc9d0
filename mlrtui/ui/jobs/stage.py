"""Running stages of one run from the Run screen: a thin adapter over `StageService`.

The stages run in order as one end-to-end chain (the pipeline's rule: a failed stage stops
the ones after it); the job is the service's stage listener, so its streamed text is kept and
replayed to a Run screen opened later. A crossed run budget asks to raise the cap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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

    async def work(self, app: MlrtuiApp) -> None:
        service = StageService(app.store, app.settings, progress=self, listener=self,
                               on_budget=self.budget_hook(app),
                               on_notice=lambda text: app.notify(text, severity="warning",
                                                                 timeout=10))
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

    def advance(self, n: int = 1, detail: str = "") -> None:
        super().advance(n, detail)
        self.registry and self.registry.app.data_changed()

    def error_title(self) -> str:
        return f"{self.stage or 'The stage'} failed"

    def status_line(self) -> str:
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
