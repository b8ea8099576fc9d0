"""Running ONE stage of ONE run: the call the Run screen and the batch pipeline both make.

A stage reads the task and the CURRENT versions of the earlier stages, calls the run's model
(or, for the experiment, the built-in loop or a coding agent), and writes one new version in
one transaction with its inputs, linking the ledger rows and executions to it. Failures come
back as an outcome with a one-line error; cancellation propagates (nothing is half-written).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from mlrtui.config import Settings
from mlrtui.costs.budget import BudgetExceeded, BudgetGate
from mlrtui.experiment import workspace
from mlrtui.experiment.executor import Executor
from mlrtui.experiment.executors import make_executor
from mlrtui.providers.base import Request, StreamCallback
from mlrtui.providers.client import CallContext, CallFailed, LLMClient
from mlrtui.runs import versions as V
from mlrtui.runs.coding_agents import AGENTS, AgentUnavailable, run_agent
from mlrtui.runs.experiment_loop import ExperimentJob, ExperimentOutcome, run_builtin
from mlrtui.runs.prompts import (
    EXPERIMENT_CALLS,
    SPECS,
    PromptError,
    build_request,
    keep_known_figures,
)
from mlrtui.store.db import Store
from mlrtui.store.tasks import get_task

Status = Literal["done", "skipped", "failed", "cancelled"]
JobCallback = Callable[[str, str], None]        # (cluster job id, state)
_INPUT_KEYS = {"idea": "idea", "literature": "literature", "proposal": "proposal",
               "experiment": "experiment"}


@dataclass
class StageOutcome:
    task_id: str
    model: str
    stage: V.Stage
    status: Status
    run_id: int | None = None
    version_id: int | None = None
    cost_usd: float = 0.0
    error: str | None = None
    budget_scope: str | None = None       # "run" / "batch": the cap that stopped it
    budget: BudgetExceeded | None = None  # ... and the stop itself (cap, spent, estimate)


class StageRunner:
    """Runs stages against one store, settings, client and executor."""

    def __init__(self, store: Store, settings: Settings, client: LLMClient, *,
                 executor: Executor | None = None, batch_id: int | None = None,
                 agent: str | None = None) -> None:
        self.store, self.settings, self.client = store, settings, client
        self.executor = executor           # given: every run uses it; else per run, below
        self._made: dict[str | None, Executor] = {}
        self.batch_id = batch_id
        self.agent = agent

    def executor_for(self, run: V.Run) -> Executor:
        """The given executor, else the run's kind (runs.executor), else the config's."""
        if self.executor is not None:
            return self.executor
        if run.executor not in self._made:
            self._made[run.executor] = make_executor(self.settings, run.executor)
        return self._made[run.executor]

    # -- inputs -------------------------------------------------------------------------------
    def inputs(self, run: V.Run, stage: str) -> tuple[dict[str, str], list[int]]:
        """Texts a stage is built from, and the version ids behind them."""
        task = get_task(self.store, run.task_id)
        if task is None:
            raise PromptError(f"task {run.task_id} is not in the database")
        upstream = V.current_inputs(self.store, run.id, stage)
        missing = [s for s in SPECS[V.check_stage(stage)].needs if s not in upstream]
        if missing:
            raise PromptError(f"needs a current {missing[0]} version first")
        values = {"task": f"# {task.title}\n\n{task.body}",
                  **{_INPUT_KEYS[s]: v.text for s, v in upstream.items()}}
        for key in _INPUT_KEYS.values():
            values.setdefault(key, "(not available)")
        figs = workspace.figures(self.store, run.id)
        values["figures"] = ", ".join(figs) if figs else "none"
        return values, [v.id for v in upstream.values()]

    def request(self, run: V.Run, stage: str, values: dict[str, str]) -> Request:
        spec = SPECS[V.check_stage(stage)]
        cfg = self.client.config(run.model_name)
        if stage == "experiment":
            return build_request("experiment_code", {**values, "timeout": "60"}, cfg,
                                 max_tokens=spec.max_tokens, fitted=("proposal",))
        fitted = tuple(k for k in ("task", *_INPUT_KEYS.values()) if k in values)
        return build_request(spec.template, values, cfg, max_tokens=spec.max_tokens,
                             fitted=fitted)

    def estimate(self, run: V.Run, stage: str) -> float | None:
        """Worst-case USD of re-running a stage now (None when unpriced or not possible yet)."""
        try:
            values, _ = self.inputs(run, stage)
            cost = self.client.estimate_cost(run.model_name, self.request(run, stage, values))
        except (PromptError, CallFailed):
            return None
        if cost is not None and stage == "experiment":
            rounds = 2 + self.settings.repair_rounds
            cost *= rounds * max(EXPERIMENT_CALLS.values()) / SPECS["experiment"].max_tokens
        return cost

    # -- running ------------------------------------------------------------------------------
    async def run_stage(self, run: V.Run, stage: str, *, force: bool = False,
                        on_text: StreamCallback | None = None,
                        on_event: Callable[[str], None] | None = None,
                        gate: BudgetGate | None = None,
                        on_job: JobCallback | None = None,
                        on_reply: Callable[[], None] | None = None) -> StageOutcome:
        """Run one stage; skipped when its current version exists and is not stale.
        `on_job(job_id, state)` hears the experiment's cluster jobs change state (Slurm).
        `on_reply()` is called once a one-call stage's reply is in and recorded, before it is
        written: the caller's concurrency slot can go to the next stage's call at once.

        A crossed budget cap asks `gate` (the operation's budget-stop hook) whether to go on;
        if not, the outcome is failed and carries the BudgetExceeded itself."""
        stage = V.check_stage(stage)
        out = StageOutcome(run.task_id, run.model, stage, "skipped", run_id=run.id)
        if not force and not V.needs_run(self.store, run.id, stage):
            out.version_id = V.heads(self.store, run.id).get(stage)
            return out
        V.set_run_status(self.store, run.id, "running")
        while True:
            seen = gate.raised if gate is not None else 0
            try:
                version = await self._produce(run, stage, out, on_text, on_event, on_job,
                                              on_reply)
            except BudgetExceeded as exc:
                if gate is not None and await gate.go_on(exc, seen):
                    continue                  # the cap was raised: run the stage again
                out.status, out.error, out.budget = "failed", str(exc), exc
                out.budget_scope = exc.scope
            except (CallFailed, PromptError, AgentUnavailable) as exc:
                out.status, out.error = "failed", str(exc)
            except BaseException:
                V.set_run_status(self.store, run.id, "cancelled", f"{stage}: cancelled")
                raise
            else:
                out.status, out.version_id = "done", version.id
            break
        if out.status == "failed":
            V.set_run_status(self.store, run.id, "failed", f"{stage}: {out.error}")
        else:
            complete = all(s.state == "done" for s in V.stage_states(self.store, run.id))
            V.set_run_status(self.store, run.id, "done" if complete else "pending")
        return out

    async def _produce(self, run: V.Run, stage: V.Stage, out: StageOutcome,
                       on_text: StreamCallback | None,
                       on_event: Callable[[str], None] | None,
                       on_job: JobCallback | None = None,
                       on_reply: Callable[[], None] | None = None) -> V.Version:
        values, input_ids = self.inputs(run, stage)
        if stage == "experiment":
            exp = await self._experiment(run, values, on_text, on_event, on_job)
            out.cost_usd = exp.cost_usd
            version = V.write_version(self.store, run.id, stage, exp.text,
                                      exp.author or run.model_name, inputs=input_ids,
                                      note=exp.note, link_executions=exp.execution_ids)
            for key in exp.call_keys:
                self._link(key, version.id)
            return version
        res = await self.client.complete(
            run.model_name, self.request(run, stage, values),
            CallContext(purpose="stage", run_id=run.id, task_id=run.task_id, stage=stage,
                        batch_id=self.batch_id), on_text=on_text)
        cancelled = await _give_back(on_reply) if on_reply is not None else False
        out.cost_usd = res.cost_usd or 0.0
        text, note = res.completion.text.strip(), None
        if stage == "paper":
            text, removed = keep_known_figures(text, workspace.figures(self.store, run.id))
            if removed:
                note = f"removed references to missing figures: {', '.join(removed)}"
        if not text:
            raise PromptError("the model returned no text")
        version = V.write_version(self.store, run.id, stage, text + "\n", run.model_name,
                                  inputs=input_ids, note=note)
        self._link(res.call_key, version.id)
        if cancelled:
            raise asyncio.CancelledError
        return version

    def _link(self, call_key: str, version_id: int) -> None:
        """Attach the call to its version, which is cut when the reply stopped at the limit."""
        with self.store.transaction():
            self.client.link(call_key, version_id=version_id)
            V.mark_truncated(self.store, version_id, call_key)

    async def _experiment(self, run: V.Run, values: dict[str, str],
                          on_text: StreamCallback | None,
                          on_event: Callable[[str], None] | None,
                          on_job: JobCallback | None = None) -> ExperimentOutcome:
        ws = Path(run.workspace) if run.workspace else workspace.workspace_dir(run.id)
        V.set_run_status(self.store, run.id, "running", workspace=str(ws))
        job = ExperimentJob(
            store=self.store, client=self.client, model=run.model_name,
            cfg=self.client.config(run.model_name), run_id=run.id, task_id=run.task_id,
            inputs={k: v for k, v in values.items() if v != "(not available)"}, workspace=ws,
            executor=self.executor_for(run), timeout_s=self.settings.experiment_timeout_s,
            memory_mb=self.settings.experiment_memory_mb,
            repair_rounds=self.settings.repair_rounds, batch_id=self.batch_id,
            on_text=on_text, on_event=on_event, on_state=on_job)
        agent = self.agent or run.agent or "builtin"
        if agent == "builtin":
            return await run_builtin(job)
        if agent not in AGENTS:
            raise AgentUnavailable(f"unknown coding agent {agent!r} (builtin, "
                                   + ", ".join(AGENTS) + ")")
        return await run_agent(job, AGENTS[agent])

    def rerun_estimate(self, run_id: int) -> tuple[list[V.Stage], float | None]:
        """Stale stages of a run and the worst-case USD of re-running them all (None: unknown)."""
        run = V.get_run(self.store, run_id)
        stale = V.stale_stages(self.store, run_id)
        total: float | None = 0.0
        for stage in stale:
            cost = self.estimate(run, stage)
            total = None if cost is None or total is None else total + cost
        return stale, total


async def _give_back(on_reply: Callable[[], None]) -> bool:
    """Give the concurrency slot back now that the reply is in (its cost is in the ledger),
    and let the stage that gets it send its request before this reply is parsed and written.
    True when a cancellation arrived meanwhile: the reply, paid for, is still stored, and the
    cancellation goes on once it is."""
    on_reply()
    try:
        await asyncio.sleep(0)
    except asyncio.CancelledError:
        return True
    return False
