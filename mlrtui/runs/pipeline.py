"""Batches of stages over tasks x models, stepwise or end-to-end, resumable and cancellable.

Stepwise runs one stage for every (task, model) before the next stage, as in the benchmark's
stepwise evaluation; end-to-end takes each (task, model) through all its stages in turn. Both
reuse the latest run of (task, model, mode) and skip stages whose current version exists and
is not stale, so running the same command again completes only what is missing. Concurrency is
bounded by a semaphore (the client adds per-model limits): a one-call stage gives its slot back
as soon as its model's reply is in, so the next stage's request goes out before this one's
reply is parsed and written (the experiment stage keeps it to the end); `cancel()` stops
cleanly: in-flight calls are cancelled and, since every version is written in one transaction,
nothing is half-written.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, Self

from mlrtui.costs.budget import BudgetGate
from mlrtui.kernel.progress import NullProgress, ProgressSink
from mlrtui.runs import versions as V
from mlrtui.runs.stage_runner import StageOutcome, StageRunner


class StageListener(Protocol):
    """Who watches stages as they run (the console's job): the stage a run starts, each piece
    of the model's streamed text, and the experiment's events between replies."""

    def stage_started(self, run_id: int, stage: str) -> None: ...

    def stage_text(self, run_id: int, piece: str) -> None: ...

    def stage_event(self, run_id: int, line: str) -> None: ...

    # Optional: a listener with `stage_job_state(run_id, job_id, state)` hears the
    # experiment's cluster jobs (Slurm) move from queued to running to done.


@dataclass
class Summary:
    outcomes: list[StageOutcome] = field(default_factory=list)
    cancelled_by_user: bool = False

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def cost_usd(self) -> float:
        return sum(o.cost_usd for o in self.outcomes)

    @property
    def failures(self) -> list[StageOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def line(self) -> str:
        return (f"{self.count('done')} done, {self.count('skipped')} skipped, "
                f"{self.count('failed')} failed, {self.count('cancelled')} cancelled; "
                f"cost ${self.cost_usd:.4f}")


class _Slot:
    """One stage's place under the pipeline's semaphore, which it may give back early (once its
    reply is in); giving it back twice is harmless."""

    def __init__(self, sem: asyncio.Semaphore) -> None:
        self._sem = sem
        self._held = False

    async def __aenter__(self) -> Self:
        await self._sem.acquire()
        self._held = True
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.release()

    def release(self) -> None:
        if self._held:
            self._held = False
            self._sem.release()


class Pipeline:
    """Schedules StageRunner.run_stage over many runs."""

    def __init__(self, runner: StageRunner, *, concurrency: int = 4,
                 progress: ProgressSink | None = None, force: bool = False,
                 gate: BudgetGate | None = None,
                 listener: StageListener | None = None) -> None:
        self.runner = runner
        self.gate = gate or BudgetGate(None)
        self.listener = listener
        self.store = runner.store
        self.concurrency = max(1, concurrency)
        self.progress = progress or NullProgress()
        self.force = force
        self._tasks: set[asyncio.Task] = set()
        self._cancelled = False
        self._stop_reason: str | None = None

    def cancel(self) -> None:
        """Stop: no new stage starts and in-flight ones are cancelled. Safe to call twice."""
        self._cancelled = True
        for task in list(self._tasks):
            task.cancel()

    def runs_for(self, task_ids: list[str], models: list[str], mode: V.Mode,
                 agent: str | None = None) -> list[V.Run]:
        """The run of every (task, model), reused when it exists."""
        return [V.get_or_create_run(self.store, t, m, mode, agent=agent,
                                    batch_id=self.runner.batch_id)
                for t in task_ids for m in models]

    async def run(self, runs: list[V.Run], stages: list[V.Stage], mode: V.Mode) -> Summary:
        stages = [s for s in V.STAGES if s in stages]
        summary = Summary()
        self.progress.start(len(runs) * len(stages), f"{mode}: {', '.join(stages)}")
        sem = asyncio.Semaphore(self.concurrency)
        try:
            if mode == "stepwise":
                blocked: dict[int, str] = {}
                for stage in stages:
                    summary.outcomes += await self._wave(
                        [self._one(sem, r, stage, blocked) for r in runs])
            else:
                chains = await self._wave([self._chain(sem, r, stages) for r in runs])
                for chain in chains:
                    summary.outcomes += chain
        finally:
            self.progress.finish()
        summary.cancelled_by_user = self._cancelled
        return summary

    async def _wave(self, coros: list) -> list:
        tasks = [asyncio.ensure_future(c) for c in coros]
        self._tasks.update(tasks)
        try:
            return list(await asyncio.gather(*tasks))
        finally:
            self._tasks.difference_update(tasks)

    async def _chain(self, sem: asyncio.Semaphore, run: V.Run,
                     stages: list[V.Stage]) -> list[StageOutcome]:
        blocked: dict[int, str] = {}
        return [await self._one(sem, run, stage, blocked) for stage in stages]

    async def _one(self, sem: asyncio.Semaphore, run: V.Run, stage: V.Stage,
                   blocked: dict[int, str]) -> StageOutcome:
        """One stage of one run, turned into an outcome whatever happens."""
        out = StageOutcome(run.task_id, run.model, stage, "cancelled", run_id=run.id)
        if self._cancelled:
            return self._advance(out)
        if run.id in blocked:
            out.status, out.error = "failed", blocked[run.id]
            return self._advance(out)
        if self._stop_reason:
            out.status, out.error = "skipped", self._stop_reason
            return self._advance(out)
        try:
            async with _Slot(sem) as slot:
                if self._cancelled:
                    return self._advance(out)
                out = await self._run_stage(run, stage, slot.release)
        except asyncio.CancelledError:
            # Cancelled from outside (the task running the pipeline): that stops the whole
            # pipeline, so the stages queued after this one in its chain do not start.
            self._cancelled = True
            out.status = "cancelled"
            return self._advance(out)
        if out.status == "failed":
            blocked[run.id] = f"not run: {stage} failed"
            if out.budget_scope == "batch":
                self._stop_reason = f"batch budget reached ({out.error})"
            self.progress.problem(f"{run.task_id}/{run.model}/{stage}", out.error or "failed")
        return self._advance(out)

    async def _run_stage(self, run: V.Run, stage: V.Stage,
                         on_reply: Callable[[], None]) -> StageOutcome:
        watch = self.listener
        if watch is None:
            return await self.runner.run_stage(run, stage, force=self.force, gate=self.gate,
                                               on_reply=on_reply)
        watch.stage_started(run.id, stage)
        jobs = getattr(watch, "stage_job_state", None)
        return await self.runner.run_stage(
            run, stage, force=self.force, gate=self.gate, on_reply=on_reply,
            on_text=lambda piece: watch.stage_text(run.id, piece),
            on_event=lambda line: watch.stage_event(run.id, line),
            on_job=None if jobs is None else lambda job_id, state: jobs(run.id, job_id, state))

    def _advance(self, out: StageOutcome) -> StageOutcome:
        self.progress.advance(1, f"{out.task_id} {out.stage}: {out.status}")
        return out
