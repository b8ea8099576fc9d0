"""The App's jobs: every long operation the console starts (stages, judging, an import).

One registry, owned by the App (`app.jobs`), so a job outlives the screen that started it and
any screen opened later finds it. Every job shares one base: its state, progress, streamed
text (kept, so a screen that attaches late replays it), cancel, and ONE message type,
`Job.Changed`, posted to the screens watching. The registry is the one place a job's end is
handled: the error modal, the summary toast, and the data refresh.

A job is a thin adapter: `work()` calls a service from `mlrtui.services`, passing itself as
the service's progress sink / stage listener and a budget hook that asks the user.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, ClassVar, Literal

from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import Worker

if TYPE_CHECKING:
    from textual.screen import Screen

    from mlrtui.costs.budget import BudgetExceeded
    from mlrtui.services.operation import CapHook
    from mlrtui.ui.app import MlrtuiApp

JobState = Literal["running", "done", "failed", "cancelled"]
THROTTLE_S = 0.05               # progress is posted at most this often (text always is)


class Job:
    """One long operation started from the console."""

    kind: ClassVar[str] = "job"
    thread: ClassVar[bool] = False      # work() runs in a thread (blocking services)

    class Changed(Message):
        """The job advanced, streamed text, moved to another stage, or ended.

        `what`: "progress" | "stage" | "text" | "reset" | "end"; `value` the stage name or
        the new piece of text."""

        def __init__(self, job: Job, what: str, value: str = "") -> None:
            super().__init__()
            self.job, self.what, self.value = job, what, value

    def __init__(self, title: str, key: int | str | None = None) -> None:
        self.title = title
        self.key = key                   # what the job is about (a run id), for lookups
        self.state: JobState = "running"
        self.description = ""
        self.total = 0
        self.done = 0
        self.last = ""
        self.problems: list[str] = []
        self.error: str | None = None
        self.stage: str | None = None    # stage jobs: the stage in flight (or the last one)
        self.text = ""                   # stage jobs: streamed so far for `stage`
        self.worker: Worker | None = None
        self.registry: JobRegistry | None = None
        self._posted = 0.0

    @property
    def running(self) -> bool:
        return self.state == "running"

    # -- what the registry and screens call ----------------------------------------------------
    async def work(self, app: MlrtuiApp) -> None:
        raise NotImplementedError

    def cancel(self) -> None:
        if self.worker is not None and self.running:
            self.worker.cancel()

    def status_line(self) -> str:
        return f"{self.title}: {self.state}"

    def end_notice(self) -> tuple[str, str] | None:
        """(severity, message) toasted when the job ends well; None for no toast."""
        return ("information", self.status_line())

    def error_title(self) -> str:
        return f"{self.title} failed"

    def end_screen(self) -> Screen | None:
        """A screen to open when the job ends well (an import's summary), if any."""
        return None

    def changed(self, what: str = "progress", value: str = "") -> None:
        if self.registry is not None:
            self.registry.post(self, what, value)

    # -- ProgressSink (services report through the job) ------------------------------------------
    def start(self, total: int, description: str = "") -> None:
        self.total, self.description = total, description
        self.changed()

    def advance(self, n: int = 1, detail: str = "") -> None:
        self.done += n
        self.last = detail or self.last
        now = time.monotonic()
        if now - self._posted >= THROTTLE_S:
            self._posted = now
            self.changed()

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")
        self.changed()

    def finish(self) -> None:
        self.changed()

    # -- StageListener (stage jobs: text streamed by the model) --------------------------------
    def stage_started(self, run_id: int, stage: str) -> None:
        self.stage, self.text = stage, ""
        self.changed("stage", stage)

    def stage_text(self, run_id: int, piece: str) -> None:
        if piece:
            self.text += piece
            self.changed("text", piece)

    def stage_event(self, run_id: int, line: str) -> None:
        """An experiment event (an execution finished), shown between the streamed replies."""
        self.stage_text(run_id, f"\n\n> {line}\n\n")

    def stage_reset(self, run_id: int) -> None:
        """A cut stream is being retried: the text so far is void."""
        self.text = ""
        self.changed("reset")

    # -- the budget-stop hook ------------------------------------------------------------------
    def budget_hook(self, app: MlrtuiApp) -> CapHook:
        async def ask(exc: BudgetExceeded) -> float | None:
            from mlrtui.ui.modals.budget import BudgetExceededScreen

            return await app.push_screen_wait(BudgetExceededScreen.from_error(exc))
        return ask


class JobRegistry:
    """The App's jobs, newest last, and the screens watching them."""

    def __init__(self, app: MlrtuiApp) -> None:
        self.app = app
        self.jobs: list[Job] = []
        self._watchers: list[MessagePump] = []

    # -- starting and finding ------------------------------------------------------------------
    def add(self, job: Job) -> Job:
        """Register a job without running it (tests show a job at rest this way)."""
        job.registry = self
        self.jobs.append(job)
        return job

    def start(self, job: Job) -> Job:
        self.add(job)
        job.worker = self.app.run_worker(self._drive(job), group=job.kind, exit_on_error=False,
                                         description=job.title)
        return job

    def latest(self, kind: str, key: int | str | None = None) -> Job | None:
        for job in reversed(self.jobs):
            if job.kind == kind and (key is None or job.key == key):
                return job
        return None

    def running(self, kind: str | None = None) -> list[Job]:
        return [j for j in self.jobs if j.running and (kind is None or j.kind == kind)]

    # -- watching ------------------------------------------------------------------------------
    def watch(self, watcher: MessagePump) -> None:
        if watcher not in self._watchers:
            self._watchers.append(watcher)

    def unwatch(self, watcher: MessagePump) -> None:
        if watcher in self._watchers:
            self._watchers.remove(watcher)

    def post(self, job: Job, what: str, value: str = "") -> None:
        """Thread-safe: `post_message` may be called from a thread worker."""
        for watcher in list(self._watchers):
            watcher.post_message(Job.Changed(job, what, value))

    # -- running and ending --------------------------------------------------------------------
    async def _drive(self, job: Job) -> Job:
        from mlrtui.ui.modals import describe

        try:
            await job.work(self.app)
            if job.state == "running":
                job.state = "failed" if job.error else "done"
        except asyncio.CancelledError:
            job.state = "cancelled"
            raise
        except Exception as exc:  # noqa: BLE001 - shown in a modal, never a traceback
            job.state, job.error = "failed", describe(exc)
        finally:
            self.post(job, "end", job.state)
            self.app.data_changed()
        self._ended(job)
        return job

    def _ended(self, job: Job) -> None:
        """The one place a job's end is shown."""
        from mlrtui.ui.modals import ErrorScreen

        for screen in list(self.app.screen_stack):     # e.g. the import's progress dialog
            if getattr(screen, "closes_with", None) is job:
                screen.pop_until_active()
                screen.dismiss()
        if job.state == "failed":
            self.app.push_screen(ErrorScreen(job.error_title(),
                                             "\n".join([job.error or "failed", *job.problems])))
        elif job.state == "done":
            screen = job.end_screen()
            if screen is not None:
                self.app.push_screen(screen)
            notice = job.end_notice()
            if notice is not None:
                self.app.notify(notice[1], severity=notice[0], timeout=8)  # type: ignore[arg-type]
