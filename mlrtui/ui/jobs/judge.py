"""Judging from the Judges panel: a thin adapter over `JudgeService`.

The job is the service's progress sink; a call that would cross the batch's cap asks to
raise it (Stop ends the batch, and the status line says why).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlrtui.judge.judging import JudgeSummary, JudgeTarget
from mlrtui.judge.rubrics import Rubric
from mlrtui.services.judging import JudgeRequest, JudgeService
from mlrtui.ui.jobs import Job

if TYPE_CHECKING:
    from mlrtui.ui.app import MlrtuiApp

STATUSES = ("ok", "repaired", "invalid", "failed", "skipped")


class JudgeJob(Job):
    """One judging batch: what it judges, how far it got, and how it ended."""

    kind = "judge"

    def __init__(self, rubric: Rubric, judges: list[str], targets: list[JudgeTarget], *,
                 force: bool = False, batch_api: bool = False) -> None:
        super().__init__(f"Judge {rubric.id} with {', '.join(judges)}")
        self.rubric = rubric
        self.judges = judges
        self.targets = targets
        self.force = force
        self.total = len(targets) * len(judges)
        self.summary: JudgeSummary | None = None
        self.batch_api = batch_api
        self.batch_line = ""              # the batch API's summary, when it was used

    async def work(self, app: MlrtuiApp) -> None:
        if self.batch_api:
            return await self._batch_work(app)
        service = JudgeService(app.store, app.settings, progress=self,
                               on_budget=self.budget_hook(app))
        report = await service.run(JudgeRequest(rubric=self.rubric, judges=self.judges,
                                                targets=self.targets, force=self.force))
        self.summary = report.summary

    async def _batch_work(self, app: MlrtuiApp) -> None:
        """Through the provider batch API: the last provider line is the live detail."""
        from mlrtui.services.batch_api import BatchApiService

        def line(text: str) -> None:
            self.last = text
            self.changed()

        report = await BatchApiService(app.store, app.settings, on_line=line).judge(
            JudgeRequest(rubric=self.rubric, judges=self.judges, targets=self.targets,
                         force=self.force))
        self.done = report.total("written")
        failed = report.total("errored") + report.total("expired")
        self.batch_line = (f"{report.total('written')} written, {report.total('unusable')} "
                           f"invalid, {failed} errored or expired")

    def start(self, total: int, description: str = "") -> None:
        self.total = total
        self.changed()

    def advance(self, n: int = 1, detail: str = "") -> None:
        self.done += n
        self.last = detail
        self.changed()

    def error_title(self) -> str:
        return "Judging failed"

    def end_notice(self) -> tuple[str, str] | None:
        bad = self.summary is not None and (self.summary.count("invalid")
                                            or self.summary.count("failed"))
        return ("warning" if bad else "information", self.status_line())

    def status_line(self) -> str:
        """One line for the panel and the closing toast."""
        head = f"{self.rubric.id}: {self.done} of {self.total} reviews"
        if self.state == "running":
            return f"Judging {head}" + (f" · {self.last}" if self.last else "")
        if self.state == "failed":
            return f"Judging failed after {head}: {self.error}"
        if self.state == "cancelled":
            return f"Judging cancelled after {head}"
        if self.batch_api:
            return f"Judged {head} through the batch API ({self.batch_line})"
        counts = ", ".join(f"{s} {self.summary.count(s)}" for s in STATUSES
                           if self.summary and self.summary.count(s))
        flags = self.summary.flags if self.summary else 0
        stopped = f" · stopped: {self.summary.stopped}" if self.summary and \
            self.summary.stopped else ""
        return f"Judged {head} ({counts or 'none'}), {flags} flag(s){stopped}"


def judge_job(app: MlrtuiApp) -> JudgeJob | None:
    """The App's latest judging job (running or finished), if any."""
    job = app.jobs.latest("judge")
    return job if isinstance(job, JudgeJob) else None


def start_judge_job(app: MlrtuiApp, rubric: Rubric, judges: list[str],
                    targets: list[JudgeTarget], *, force: bool = False,
                    batch_api: bool = False) -> JudgeJob:
    """Run a judging batch owned by the App; returns its job at once."""
    job = JudgeJob(rubric, judges, targets, force=force, batch_api=batch_api)
    app.jobs.start(job)
    return job
