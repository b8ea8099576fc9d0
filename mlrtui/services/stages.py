"""Running stages, for the command line (`mlrtui run`) and the console (the Run screen) alike.

The service resolves tasks and models, opens the operation (batch row, client, budget, hook),
builds the runner and the pipeline — the one stage loop — and returns the pipeline's summary
with the batch id and what the ledger says it cost.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mlrtui import paths
from mlrtui.experiment.executors import KINDS
from mlrtui.kernel.errors import Fatal
from mlrtui.kernel.progress import ProgressSink
from mlrtui.kernel.vocab import CHECKED_STAGES, STAGES, Mode
from mlrtui.providers.ratelimit import BindingCap, binding_caps
from mlrtui.runs import versions as V
from mlrtui.runs.pipeline import Pipeline, StageListener, Summary
from mlrtui.runs.stage_runner import StageRunner
from mlrtui.runs.status import request_stages
from mlrtui.services.operation import CapHook, Operation
from mlrtui.store.tasks import task_ids

if TYPE_CHECKING:
    from mlrtui.config import Settings
    from mlrtui.services.provenance import RunFigures
    from mlrtui.store import Store


@dataclass
class StageRequest:
    """What to run: stages of (task, model) runs, or of given runs."""

    stages: list[str]
    tasks: list[str] = field(default_factory=list)      # ids or globs
    models: list[str] = field(default_factory=list)
    run_ids: list[int] = field(default_factory=list)
    mode: Mode = "stepwise"
    agent: str | None = None                            # None / "builtin": the built-in loop
    executor: str | None = None                         # local / slurm; None: as before
    force: bool = False
    concurrency: int | None = None
    budget_usd: float | None = None


@dataclass
class StageReport:
    summary: Summary
    batch_id: int | None
    cost_usd: float | None
    unpriced: int
    run_ids: list[int]
    provenance: dict[int, RunFigures] = field(default_factory=dict)   # run id -> its check

    @property
    def exit_code(self) -> int:
        """0 all done, 1 some failed, 130 stopped by the user."""
        if self.summary.cancelled_by_user:
            return 130
        return 1 if self.summary.failures else 0


def check_stages(stages: list[str]) -> list[str]:
    for s in stages:
        if s not in STAGES:
            raise Fatal(f"unknown stage {s!r}; stages: {', '.join(STAGES)}")
    return [s for s in STAGES if s in stages]


def select_tasks(store: Store, patterns: list[str]) -> list[str]:
    """Task ids matching any pattern; an unknown pattern is an error naming it."""
    ids = task_ids(store)
    chosen = [i for i in ids if any(fnmatch.fnmatchcase(i, p) for p in patterns)]
    unmatched = [p for p in patterns if not any(fnmatch.fnmatchcase(i, p) for i in ids)]
    if unmatched or not chosen:
        raise Fatal(f"no task matches {' '.join(unmatched or patterns)} ({len(ids)} tasks in the "
                    "database; import some with `mlrtui import`)")
    return chosen


async def rerun_estimate(store: Store, settings: Settings,
                         run_id: int) -> tuple[list[V.Stage], float | None]:
    """A run's stale stages and the worst-case USD of re-running them (None: unknown)."""
    from mlrtui.providers.client import LLMClient

    client = LLMClient(store, settings)
    try:
        return StageRunner(store, settings, client).rerun_estimate(run_id)
    finally:
        await client.aclose()


class StageService:
    """Runs stages; `cancel()` stops cleanly (in-flight calls cancelled, nothing half-written)."""

    def __init__(self, store: Store, settings: Settings, *,
                 progress: ProgressSink | None = None, listener: StageListener | None = None,
                 on_budget: CapHook | None = None,
                 on_notice: Callable[[str], None] | None = None) -> None:
        self.store, self.settings = store, settings
        self.progress, self.listener, self.on_budget = progress, listener, on_budget
        self.on_notice = on_notice      # told, before any call, what will slow the batch
        self.pipeline: Pipeline | None = None
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True
        if self.pipeline is not None:
            self.pipeline.cancel()

    def _runs(self, req: StageRequest, tasks: list[str], batch_id: int | None) -> list[V.Run]:
        """The runs a request is about: given ones, or the latest of every (task, model)."""
        if req.run_ids:
            if req.executor is not None:
                for rid in req.run_ids:
                    V.set_run_executor(self.store, rid, req.executor)
            return [V.get_run(self.store, rid) for rid in req.run_ids]
        models = req.models or [self.settings.default_model]
        return [V.get_or_create_run(self.store, t, m, req.mode, agent=req.agent,
                                    batch_id=batch_id, executor=req.executor)
                for t in tasks for m in models]

    def binding_caps(self, runs: list[V.Run], concurrency: int) -> list[BindingCap]:
        """Models whose own concurrency cap is below the calls this batch can have in flight."""
        known = self.settings.all_models()
        caps = {r.model_name: known[r.model_name].concurrency for r in runs
                if r.model_name in known}
        return binding_caps(min(concurrency, len(runs)), caps)

    async def run(self, req: StageRequest) -> StageReport:
        stages = check_stages(req.stages)
        if req.executor not in (None, *KINDS):
            raise Fatal(f"unknown executor {req.executor!r} (known: {', '.join(KINDS)})")
        tasks = [] if req.run_ids else select_tasks(self.store, req.tasks)
        agent = None if req.agent in (None, "builtin") else req.agent
        args = {"tasks": req.tasks, "models": req.models, "runs": req.run_ids,
                "stages": stages, "mode": req.mode, "agent": req.agent or "builtin",
                "force": req.force, "executor": req.executor}
        one_run = req.run_ids[0] if len(req.run_ids) == 1 else None
        op = Operation(self.store, self.settings, "run", args, budget_usd=req.budget_usd,
                       run_id=one_run, on_budget=self.on_budget)
        async with op:
            runs = self._runs(req, tasks, op.batch_id)
            for run in runs:
                request_stages(self.store, run.id, stages)
            runner = StageRunner(self.store, self.settings, op.client, batch_id=op.batch_id,
                                 agent=agent)
            concurrency = req.concurrency or self.settings.concurrency
            if self.on_notice is not None:
                for cap in self.binding_caps(runs, concurrency):
                    self.on_notice(cap.message(str(paths.config_file())))
            self.pipeline = Pipeline(runner, concurrency=concurrency, progress=self.progress,
                                     force=req.force, gate=op.gate, listener=self.listener)
            if self._cancelled:
                self.pipeline.cancel()
            summary = await self.pipeline.run(runs, stages, req.mode)
            checked: dict[int, RunFigures] = {}
            if any(s in CHECKED_STAGES for s in stages):
                # Only experiment and paper texts are checked: an idea batch does not load
                # the provenance checker (~60 ms before its first request).
                from mlrtui.services.provenance import check_outcomes

                checked = await check_outcomes(self.store, summary.outcomes)
            if summary.cancelled_by_user:
                op.finish("cancelled")
        cost, unpriced = op.cost()
        return StageReport(summary, op.batch_id, cost, unpriced, [r.id for r in runs], checked)
