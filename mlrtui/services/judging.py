"""Judging, for the command line (`mlrtui judge`) and the console (the Judges panel) alike.

The service finds what to judge, opens the operation (batch row with its cap, client, budget,
budget-stop hook), runs the batch and reports the reviews it wrote with their scores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mlrtui.judge.judging import JudgeSummary, JudgeTarget, find_targets, judge_batch
from mlrtui.judge.rubrics import Rubric
from mlrtui.kernel.progress import ProgressSink
from mlrtui.services.operation import CapHook, Operation

if TYPE_CHECKING:
    from mlrtui.config import Settings
    from mlrtui.store import Store


@dataclass
class JudgeRequest:
    rubric: Rubric
    judges: list[str]
    targets: list[JudgeTarget] = field(default_factory=list)
    force: bool = False
    budget_usd: float | None = None
    concurrency: int | None = None
    max_tokens: int | None = None


@dataclass
class JudgeReport:
    summary: JudgeSummary
    batch_id: int | None
    cost_usd: float | None
    unpriced: int

    @property
    def exit_code(self) -> int:
        """0 every review usable, 1 some failed or invalid, or the batch stopped early (a
        budget): reviews asked for were not made, which a script must not read as success."""
        bad = self.summary.count("failed") or self.summary.count("invalid")
        return 1 if bad or self.summary.stopped else 0


def targets_for(store: Store, rubric: Rubric, *, task_globs: list[str] | None = None,
                run_ids: list[int] | None = None,
                models: list[str] | None = None) -> list[JudgeTarget]:
    return find_targets(store, rubric, task_globs=task_globs, run_ids=run_ids, models=models)


class JudgeService:
    def __init__(self, store: Store, settings: Settings, *, progress: ProgressSink | None = None,
                 on_budget: CapHook | None = None) -> None:
        self.store, self.settings = store, settings
        self.progress, self.on_budget = progress, on_budget

    async def run(self, req: JudgeRequest) -> JudgeReport:
        args = {"rubric": req.rubric.id, "judges": req.judges,
                "runs": [t.run_id for t in req.targets], "force": req.force}
        op = Operation(self.store, self.settings, "judge", args, budget_usd=req.budget_usd,
                       on_budget=self.on_budget)
        async with op:
            summary = await judge_batch(
                self.store, self.settings, op.client, req.rubric, req.judges, req.targets,
                force=req.force, concurrency=req.concurrency, max_tokens=req.max_tokens,
                progress=self.progress, batch_id=op.batch_id, gate=op.gate)
            op.finish("stopped" if summary.stopped else "done")
        cost, unpriced = op.cost()
        return JudgeReport(summary, op.batch_id, cost, unpriced)
