"""Judging and stepwise stages through provider batch APIs (`--batch-api`): half the price of
live calls, in exchange for waiting (the providers promise results within 24 hours).

Every call first finishes the batches an earlier, interrupted mlrtui left pending (no request
is sent twice; every result is written once), then plans the new requests, says what they would
cost live and in a batch, submits one provider batch per model, waits and writes the results.
Stages go in waves, one stage at a time, since each stage reads the one before it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mlrtui.costs.batches import close_batch
from mlrtui.kernel.errors import Fatal
from mlrtui.providers import batchrows as rows
from mlrtui.providers.base import ProviderError
from mlrtui.providers.batchapi import BatchUnsupported, check_batchable
from mlrtui.providers.batchjobs import BatchJobs, Collected, Planned
from mlrtui.runs import versions as V
from mlrtui.runs.stage_runner import StageRunner
from mlrtui.services import batch_items as items
from mlrtui.services.operation import Operation
from mlrtui.services.stages import check_stages, select_tasks

if TYPE_CHECKING:
    from mlrtui.config import Settings
    from mlrtui.services.judging import JudgeRequest
    from mlrtui.services.stages import StageRequest
    from mlrtui.store import Store


@dataclass
class Saving:
    """What one provider batch would cost, worst case (every reply max_tokens long)."""

    model_name: str
    requests: int
    live_usd: float | None
    batch_usd: float | None

    def line(self) -> str:
        if self.live_usd is None or self.batch_usd is None:
            return f"{self.model_name}: {self.requests} request(s), unpriced"
        return (f"{self.model_name}: {self.requests} request(s), at most ${self.live_usd:.4f} "
                f"live vs ${self.batch_usd:.4f} in a batch (saves "
                f"${self.live_usd - self.batch_usd:.4f})")


@dataclass
class BatchApiReport:
    kind: str
    batch_id: int | None = None
    savings: list[Saving] = field(default_factory=list)
    collected: list[Collected] = field(default_factory=list)
    resumed: list[int] = field(default_factory=list)          # provider batches picked up
    problems: list[str] = field(default_factory=list)
    cost_usd: float | None = None

    def total(self, what: str, kind: str | None = None) -> int:
        found = [c for c in self.collected if kind is None or c.kind == kind]
        if what in ("written", "unusable", "already"):
            return sum(getattr(c, what) for c in found)
        return sum(c.failed.get(what, 0) for c in found)

    @property
    def exit_code(self) -> int:
        bad = any(c.failed or c.unusable for c in self.collected) or self.problems
        return 1 if bad else 0


def poll_seconds() -> float:
    """How often to ask the provider (MLRTUI_BATCH_POLL_S, default 30 s)."""
    try:
        return max(0.05, float(os.environ.get("MLRTUI_BATCH_POLL_S") or 30))
    except ValueError:
        return 30.0


class BatchApiService:
    def __init__(self, store: Store, settings: Settings, *,
                 on_line: Callable[[str], None] | None = None,
                 poll_s: float | None = None) -> None:
        self.store, self.settings = store, settings
        self.say = on_line or (lambda line: None)
        self.poll_s = poll_s if poll_s is not None else poll_seconds()

    def _check(self, models: list[str]) -> None:
        for name in models:
            try:
                check_batchable(name, self.settings.all_models().get(name))
            except BatchUnsupported as exc:
                raise Fatal(f"--batch-api: {exc}") from None

    # -- resuming ---------------------------------------------------------------------------
    async def resume(self, kind: str | None = None,
                     report: BatchApiReport | None = None) -> BatchApiReport:
        """Wait for and collect every provider batch an earlier mlrtui left open."""
        report = report or BatchApiReport(kind or "all")
        jobs = BatchJobs(self.store, self.settings, poll_s=self.poll_s, on_line=self.say)
        try:
            for pb in rows.open_batches(self.store, kind):
                if pb.provider_batch_id is None:
                    rows.close(self.store, pb.id, "lost")
                    report.problems.append(
                        f"provider batch {pb.id} was interrupted while submitting; its id was "
                        "not kept, so its requests count as not sent (they are sent again)")
                    continue
                self.say(f"resuming provider batch {pb.id} ({pb.provider_batch_id})")
                report.resumed.append(pb.id)
                await self._finish(jobs, pb.id, report)
                self._close_operation(pb.batch_id)
        finally:
            await jobs.aclose()
        report.cost_usd = self._cost(report)
        return report

    async def _finish(self, jobs: BatchJobs, pb: int, report: BatchApiReport) -> None:
        """Wait and collect; a provider that stays unreachable leaves the batch open."""
        try:
            batch = await jobs.wait(pb)
            cfg = jobs.config(batch.model_name)
            writer = (items.judge_writer(self.store, cfg, batch.batch_id)
                      if batch.kind == "judge" else items.stage_writer(self.store))
            got = await jobs.collect(pb, writer)
        except (ProviderError, BatchUnsupported) as exc:
            report.problems.append(f"provider batch {pb} stays open: {exc}; "
                                   "`mlrtui batches --resume` tries again")
            return
        report.collected.append(got)
        failed = ", ".join(f"{n} {s}" for s, n in got.failed.items())
        self.say(f"provider batch {pb}: {got.written} written"
                 + (f", {got.unusable} unusable" if got.unusable else "")
                 + (f", {failed} (not written: run again to retry)" if failed else ""))

    def _close_operation(self, batch_id: int | None) -> None:
        if batch_id is not None and not any(pb.batch_id == batch_id
                                            for pb in rows.open_batches(self.store)):
            close_batch(self.store, batch_id, "done")

    # -- judging -----------------------------------------------------------------------------
    async def judge(self, req: JudgeRequest) -> BatchApiReport:
        self._check(req.judges)
        report = await self.resume("judge", BatchApiReport("judge"))
        skip = rows.open_item_keys(self.store, "judge")
        args = {"rubric": req.rubric.id, "judges": req.judges, "batch_api": True,
                "runs": [t.run_id for t in req.targets], "force": req.force}
        op = Operation(self.store, self.settings, "judge", args, budget_usd=req.budget_usd)
        jobs = BatchJobs(self.store, self.settings, poll_s=self.poll_s, on_line=self.say)
        try:
            async with op:
                report.batch_id = op.batch_id
                plans = {j: items.judge_planned(
                    self.store, jobs.config(j), req.rubric, j, req.targets, force=req.force,
                    max_tokens=req.max_tokens, skip=skip) for j in req.judges}
                pbs = await self._submit(jobs, "judge", plans, op, report)
                for pb in pbs:
                    await self._finish(jobs, pb, report)
        finally:
            await jobs.aclose()
        report.cost_usd = self._cost(report)
        return report

    async def judge_savings(self, req: JudgeRequest) -> list[Saving]:
        """What judging through the batch API would send and cost (nothing is sent), for a
        confirmation before the real `judge`."""
        self._check(req.judges)
        skip = rows.open_item_keys(self.store, "judge")
        jobs = BatchJobs(self.store, self.settings)
        try:
            out = []
            for j in req.judges:
                planned = items.judge_planned(self.store, jobs.config(j), req.rubric, j,
                                              req.targets, force=req.force,
                                              max_tokens=req.max_tokens, skip=skip)
                if planned:
                    out.append(Saving(j, len(planned), *jobs.estimate(j, planned)))
            return out
        finally:
            await jobs.aclose()

    async def _submit(self, jobs: BatchJobs, kind: str, plans: dict[str, list[Planned]],
                      op: Operation, report: BatchApiReport) -> list[int]:
        """Say what each batch saves, check the cap, then submit one batch per model."""
        plans = {m: p for m, p in plans.items() if p}
        savings = [Saving(m, len(p), *jobs.estimate(m, p)) for m, p in plans.items()]
        for s in savings:
            self.say("batch estimate " + s.line())
        report.savings.extend(savings)
        worst = sum(s.batch_usd or 0.0 for s in savings)
        if op.cap is not None and worst > op.cap:
            raise Fatal(f"--batch-api: the batch may cost up to ${worst:.4f}, over the cap "
                        f"${op.cap:.2f}; give a larger --budget")
        pbs = []
        for model, planned in plans.items():
            try:
                pbs.append(await jobs.submit(kind, model, planned, batch_id=op.batch_id,
                                             estimates=next((s.live_usd, s.batch_usd)
                                                            for s in savings
                                                            if s.model_name == model)))
            except ProviderError as exc:
                report.problems.append(str(exc))
        return pbs

    # -- stages ------------------------------------------------------------------------------
    async def stages(self, req: StageRequest) -> BatchApiReport:
        if req.mode != "stepwise":
            raise Fatal("--batch-api: end-to-end runs need each stage's result before the "
                        "next call; use --mode stepwise")
        stages = check_stages(req.stages)
        if "experiment" in stages:
            raise Fatal("--batch-api: the experiment stage runs code between its calls and has"
                        " no batch form; leave it out of --stages or run it without --batch-api")
        tasks = [] if req.run_ids else select_tasks(self.store, req.tasks)
        models = req.models or [self.settings.default_model]
        self._check(models)
        report = await self.resume("stage", BatchApiReport("stage"))
        skip = rows.open_item_keys(self.store, "stage")
        args = {"tasks": req.tasks, "models": models, "runs": req.run_ids, "stages": stages,
                "mode": req.mode, "batch_api": True, "force": req.force}
        op = Operation(self.store, self.settings, "run", args, budget_usd=req.budget_usd)
        jobs = BatchJobs(self.store, self.settings, poll_s=self.poll_s, on_line=self.say)
        try:
            async with op:
                report.batch_id = op.batch_id
                runs = ([V.get_run(self.store, r) for r in req.run_ids] if req.run_ids else
                        [V.get_or_create_run(self.store, t, m, "stepwise", batch_id=op.batch_id)
                         for t in tasks for m in models])
                assert op.client is not None
                runner = StageRunner(self.store, self.settings, op.client, batch_id=op.batch_id)
                for stage in stages:
                    plans, problems = items.stage_planned(self.store, runner, stage, runs,
                                                          force=req.force, skip=skip)
                    report.problems.extend(problems)
                    for pb in await self._submit(jobs, "stage", plans, op, report):
                        await self._finish(jobs, pb, report)
        finally:
            await jobs.aclose()
        report.cost_usd = self._cost(report)
        return report

    def _cost(self, report: BatchApiReport) -> float | None:
        ids = [c.pb for c in report.collected]
        if not ids:
            return None
        marks = ", ".join("?" for _ in ids)
        return self.store.scalar(
            "SELECT SUM(c.cost_usd) FROM llm_calls c JOIN provider_batch_items i ON "
            f"i.call_key = c.call_key WHERE i.provider_batch IN ({marks})", ids)
