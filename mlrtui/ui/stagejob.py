"""Stage runs owned by the App, so a stage keeps running when the Run screen is closed.

`start_stage_job` runs one or more stages of a run in an App worker (`app.run_worker`), one job
per run at a time. The job keeps the text streamed so far; a Run screen opened later subscribes
and gets the text so far, then every new piece, through an asyncio queue (the job lives on the
App's event loop, so no locking). Failures open an error modal (the run row holds the error too);
a crossed budget opens the budget modal and, when the cap is raised, runs the stage again.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Literal
from weakref import WeakKeyDictionary

from textual.app import App
from textual.worker import Worker

from mlrtui.costs.budget import Budget, BudgetExceeded
from mlrtui.providers.client import LLMClient
from mlrtui.runs import versions as V
from mlrtui.runs.stage_runner import StageOutcome, StageRunner
from mlrtui.ui.modals import ErrorScreen, describe

if TYPE_CHECKING:
    from mlrtui.ui.app import MlrtuiApp

JobState = Literal["running", "done", "failed", "cancelled"]
Event = tuple[str, str]        # ("stage", name) | ("text", piece) | ("end", state)


class StageJob:
    """One request to run stages of a run: what is in flight, its streamed text, how it ended."""

    def __init__(self, run_id: int, stages: list[V.Stage], *, force: bool = True) -> None:
        self.run_id = run_id
        self.stages = stages
        self.force = force
        self.stage: V.Stage | None = None       # the stage in flight (or the last one)
        self.text = ""                          # streamed so far for `stage`
        self.state: JobState = "running"
        self.outcomes: list[StageOutcome] = []
        self.error: str | None = None
        self.worker: Worker | None = None
        self._queues: list[asyncio.Queue[Event]] = []

    @property
    def running(self) -> bool:
        return self.state == "running"

    def subscribe(self) -> asyncio.Queue[Event]:
        """A queue replaying what happened so far, then every new event."""
        queue: asyncio.Queue[Event] = asyncio.Queue()
        if self.stage is not None:
            queue.put_nowait(("stage", self.stage))
        if self.text:
            queue.put_nowait(("text", self.text))
        if not self.running:
            queue.put_nowait(("end", self.state))
        self._queues.append(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[Event]) -> None:
        if queue in self._queues:
            self._queues.remove(queue)

    def _emit(self, kind: str, value: str) -> None:
        for queue in self._queues:
            queue.put_nowait((kind, value))

    def begin(self, stage: V.Stage) -> None:
        self.stage, self.text = stage, ""
        self._emit("stage", stage)

    def feed(self, piece: str) -> None:
        """The StreamCallback given to the model call (always called on the event loop)."""
        if piece:
            self.text += piece
            self._emit("text", piece)

    def event(self, line: str) -> None:
        """An experiment event (an execution finished) shown between the streamed replies."""
        self.feed(f"\n\n> {line}\n\n")

    def end(self, state: JobState) -> None:
        self.state = state
        self._emit("end", state)

    def cancel(self) -> None:
        if self.worker is not None and self.running:
            self.worker.cancel()


_JOBS: WeakKeyDictionary[App, dict[int, StageJob]] = WeakKeyDictionary()


def job_for(app: App, run_id: int) -> StageJob | None:
    """The latest job of a run in this App (running or finished), if any."""
    return _JOBS.get(app, {}).get(run_id)


def register(app: App, job: StageJob) -> StageJob:
    """Make `job` the run's job (start_stage_job does this; tests may show a job at rest)."""
    _JOBS.setdefault(app, {})[job.run_id] = job
    return job


def start_stage_job(app: MlrtuiApp, run_id: int, stages: list[V.Stage], *,
                    force: bool = True) -> StageJob | None:
    """Run `stages` of a run in order in an App worker; None if the run already has one."""
    current = job_for(app, run_id)
    if current is not None and current.running:
        return None
    job = register(app, StageJob(run_id, stages, force=force))
    job.worker = app.run_worker(_run(app, job), group="stage", exit_on_error=False,
                                description=f"Run {', '.join(stages)} of run {run_id}")
    return job


async def _run(app: MlrtuiApp, job: StageJob) -> StageJob:
    budget = Budget.for_ids(app.store, app.settings, job.run_id, None)
    client = LLMClient(app.store, app.settings, budget=budget)
    runner = StageRunner(app.store, app.settings, client)
    try:
        for stage in job.stages:
            out = await _one(app, runner, budget, job, stage)
            job.outcomes.append(out)
            app.data_changed()
            if out.status == "failed":
                job.error = out.error or "failed"
                break
        job.state = "failed" if job.error else "done"
    except asyncio.CancelledError:
        job.state = "cancelled"
        raise
    except Exception as exc:  # noqa: BLE001 - shown in a modal, never a traceback
        job.state, job.error = "failed", describe(exc)
    finally:
        await client.aclose()
        job.end(job.state)
        app.data_changed()
    if job.state == "failed":
        app.push_screen(ErrorScreen(f"{job.stage or 'The stage'} failed",
                                    f"Run {job.run_id}, stage {job.stage}:\n{job.error}"))
    elif job.state == "done":
        app.notify(f"Run {job.run_id}: {', '.join(o.stage for o in job.outcomes)} done "
                   f"(${sum(o.cost_usd for o in job.outcomes):.4f})")
    return job


async def _one(app: MlrtuiApp, runner: StageRunner, budget: Budget, job: StageJob,
               stage: V.Stage) -> StageOutcome:
    """One stage; after a crossed run budget, ask to raise the cap and try again (the raised
    cap is stored and set on the live `budget` the client checks)."""
    from mlrtui.ui.modals.budget import ask_to_raise

    while True:
        run = V.get_run(app.store, job.run_id)
        job.begin(stage)
        out = await runner.run_stage(run, stage, force=job.force, on_text=job.feed,
                                     on_event=job.event)
        if out.budget_scope is None:
            return out
        exc = exceeded(runner, budget, run, stage, out.budget_scope)
        if exc is None or await ask_to_raise(app, app.store, exc, budget) is None:
            return out


def exceeded(runner: StageRunner, budget: Budget, run: V.Run, stage: V.Stage,
             scope: str) -> BudgetExceeded | None:
    """The run budget that stopped a stage, rebuilt (the outcome keeps only its message):
    cap, spent so far and the stage's worst-case cost."""
    if scope != "run" or budget.run_cap is None:
        return None
    return BudgetExceeded("run", budget.run_cap, budget.spent("run"),
                          runner.estimate(run, stage) or 0.0, run.id)
