"""Judging batches owned by the App, so they outlive the Judge panel that started them.

The worker is the App's (`app.run_worker`): leaving the panel does not cancel it, and any panel
opened later attaches to the running job to show its progress. The job is also the batch's
ProgressSink; it only updates plain state and `post_message`s `Changed` to attached panels.
A call that would cross the batch's budget cap opens the budget dialog: a raised cap lets the
batch go on, Stop ends it (the status line says why).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from textual.app import App
from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import Worker

from mlrtui.costs.budget import Budget, BudgetExceeded
from mlrtui.judge.judging import JudgeSummary, JudgeTarget, judge_batch, open_batch
from mlrtui.judge.rubrics import Rubric
from mlrtui.providers.client import LLMClient
from mlrtui.ui.modals import ErrorScreen, describe
from mlrtui.ui.modals.budget import ask_to_raise

if TYPE_CHECKING:
    from mlrtui.ui.app import MlrtuiApp

STATUSES = ("ok", "repaired", "invalid", "failed", "skipped")


class JudgeJob:
    """One judging batch: what it judges, how far it got, and how it ended."""

    class Changed(Message):
        """The job advanced or ended."""

        def __init__(self, job: JudgeJob) -> None:
            super().__init__()
            self.job = job

    def __init__(self, rubric: Rubric, judges: list[str], targets: list[JudgeTarget], *,
                 force: bool = False) -> None:
        self.rubric = rubric
        self.judges = judges
        self.targets = targets
        self.force = force
        self.total = len(targets) * len(judges)
        self.done = 0
        self.last = ""
        self.problems: list[str] = []
        self.summary: JudgeSummary | None = None
        self.error: str | None = None
        self.state = "running"            # running | done | failed | cancelled
        self.worker: Worker | None = None
        self._watchers: list[MessagePump] = []

    @property
    def running(self) -> bool:
        return self.state == "running"

    def attach(self, watcher: MessagePump) -> None:
        if watcher not in self._watchers:
            self._watchers.append(watcher)

    def detach(self, watcher: MessagePump) -> None:
        if watcher in self._watchers:
            self._watchers.remove(watcher)

    def changed(self) -> None:
        for watcher in list(self._watchers):
            watcher.post_message(self.Changed(self))

    # ProgressSink
    def start(self, total: int, description: str = "") -> None:
        self.total = total
        self.changed()

    def advance(self, n: int = 1, detail: str = "") -> None:
        self.done += n
        self.last = detail
        self.changed()

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def finish(self) -> None:
        """Nothing to flush: every advance was posted."""

    def status_line(self) -> str:
        """One line for the panel and the closing toast."""
        head = f"{self.rubric.id}: {self.done} of {self.total} reviews"
        if self.state == "running":
            return f"Judging {head}" + (f" · {self.last}" if self.last else "")
        if self.state == "failed":
            return f"Judging failed after {head}: {self.error}"
        if self.state == "cancelled":
            return f"Judging cancelled after {head}"
        counts = ", ".join(f"{s} {self.summary.count(s)}" for s in STATUSES
                           if self.summary and self.summary.count(s))
        flags = self.summary.flags if self.summary else 0
        stopped = f" · stopped: {self.summary.stopped}" if self.summary and \
            self.summary.stopped else ""
        return f"Judged {head} ({counts or 'none'}), {flags} flag(s){stopped}"


_JOBS: WeakKeyDictionary[App, JudgeJob] = WeakKeyDictionary()


def current_job(app: App) -> JudgeJob | None:
    """The App's latest judging job (running or finished), if any."""
    return _JOBS.get(app)


def start_job(app: MlrtuiApp, rubric: Rubric, judges: list[str], targets: list[JudgeTarget],
              *, force: bool = False) -> JudgeJob:
    """Run a judging batch in an App-owned async worker; returns its job at once."""
    job = JudgeJob(rubric, judges, targets, force=force)
    _JOBS[app] = job
    job.worker = app.run_worker(_run(app, job), group="judge", exit_on_error=False,
                                description=f"Judge {rubric.id} with {', '.join(judges)}")
    return job


async def _run(app: MlrtuiApp, job: JudgeJob) -> JudgeSummary | None:
    client: LLMClient | None = None
    try:
        batch_id = open_batch(app.store, job.rubric, job.judges, job.targets, force=job.force,
                              budget_usd=app.settings.batch_budget_usd)
        # The client checks this very Budget, so a cap raised in the dialog applies at once.
        budget = Budget.for_ids(app.store, app.settings, None, batch_id)
        client = LLMClient(app.store, app.settings, budget=budget)

        async def raise_cap(exc: BudgetExceeded) -> bool:
            """A call would cross the batch's cap: ask to raise it, else the batch stops."""
            return await ask_to_raise(app, app.store, exc, budget) is not None

        job.summary = await judge_batch(app.store, app.settings, client, job.rubric,
                                        job.judges, job.targets, force=job.force,
                                        batch_id=batch_id, on_budget=raise_cap, progress=job)
        job.state = "done"
    except asyncio.CancelledError:
        job.state = "cancelled"
        raise
    except Exception as exc:  # noqa: BLE001 - any other failure is shown, never a traceback
        job.state, job.error = "failed", describe(exc)
        app.push_screen(ErrorScreen("Judging failed", "\n".join([job.error, *job.problems])))
    finally:
        if client is not None:
            await client.aclose()
        job.changed()
        app.data_changed()
    if job.state == "done":
        bad = job.summary is not None and (job.summary.count("invalid")
                                           or job.summary.count("failed"))
        app.notify(job.status_line(), severity="warning" if bad else "information",
                   timeout=8)
    return job.summary
