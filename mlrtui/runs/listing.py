"""Runs as one line each, for `mlrtui runs`: where a run came from, which agent system made it,
who wrote each stage, how often code ran and what it cost.

The research-agent system is not a column: it follows from where the run came from. A run made
here is "mlrtui"; an imported one is "ai-scientist-v2" when its folder is under
`ai_scientist_v2_papers/`, else "mlr-agent" (MLR-Bench's own agent). The coding agent of an
end-to-end run (codex, gemini-cli, claude) is `runs.agent`. Each stage's author is the author of
its current version, so an experiment written by a coding agent shows that agent's model.
"""

from __future__ import annotations

import fnmatch
from typing import Literal

from pydantic import BaseModel

from mlrtui.costs.summary import summarize
from mlrtui.kernel.vocab import STAGES
from mlrtui.store.db import Store

LOCAL_AGENT = "mlrtui"
SYSTEM_BY_FOLDER = {"ai_scientist_v2_papers/": "ai-scientist-v2"}
CORPUS_AGENT = "mlr-agent"


class StageCell(BaseModel):
    """A stage of a run: its current version's author and whether it is stale."""

    state: Literal["pending", "done", "stale"] = "pending"
    author: str | None = None
    version_id: int | None = None


class RunLine(BaseModel):
    id: int
    task_id: str
    source: str | None                 # the run's folder in the imported corpus; None if local
    agent: str                         # research-agent system: mlr-agent, ai-scientist-v2, mlrtui
    coder: str | None                  # coding agent of the experiment stage, if any
    model: str                         # backbone model (canonical id)
    mode: str
    status: str
    stages: dict[str, StageCell]
    executions: int
    cost_usd: float                    # priced calls only
    calls: int
    unpriced_calls: int


def agent_system(source: str, source_path: str | None) -> str:
    if source != "corpus":
        return LOCAL_AGENT
    for prefix, name in SYSTEM_BY_FOLDER.items():
        if (source_path or "").startswith(prefix):
            return name
    return CORPUS_AGENT


_RUNS_SQL = """
SELECT r.id, r.task_id, r.source, r.source_path, r.agent, r.model, r.mode, r.status,
       (SELECT COUNT(*) FROM executions e WHERE e.run_id = r.id) AS executions
FROM runs r ORDER BY r.task_id, r.id"""
_HEADS_SQL = """
SELECT h.run_id, h.stage, h.version_id, v.author, v.stale
FROM stage_heads h JOIN versions v ON v.id = h.version_id"""


def list_run_lines(store: Store, task_globs: list[str] | None = None,
                   agent: str | None = None) -> list[RunLine]:
    """Every run (matching the task globs and agent, when given), by task then id.

    `agent` matches the research-agent system or the coding agent (case-insensitive)."""
    rows = [r for r in store.query(_RUNS_SQL)
            if not task_globs or any(fnmatch.fnmatchcase(r["task_id"], g) for g in task_globs)]
    lines: list[RunLine] = []
    wanted = agent.lower() if agent else None
    for r in rows:
        system = agent_system(r["source"], r["source_path"])
        if wanted and wanted not in (system, (r["agent"] or "").lower()):
            continue
        lines.append(RunLine(
            id=r["id"], task_id=r["task_id"], source=r["source_path"], agent=system,
            coder=r["agent"], model=r["model"], mode=r["mode"], status=r["status"],
            stages={s: StageCell() for s in STAGES}, executions=r["executions"],
            cost_usd=0.0, calls=0, unpriced_calls=0))
    if not lines:
        return lines
    by_id = {line.id: line for line in lines}
    for h in store.query(_HEADS_SQL):
        line = by_id.get(h["run_id"])
        if line is not None and h["stage"] in line.stages:
            line.stages[h["stage"]] = StageCell(state="stale" if h["stale"] else "done",
                                                author=h["author"], version_id=h["version_id"])
    for cost in summarize(store, "run"):
        line = by_id.get(int(cost.key)) if cost.key is not None else None
        if line is not None:
            line.cost_usd, line.calls, line.unpriced_calls = (
                round(cost.cost_usd, 6), cost.calls, cost.unpriced)
    return lines


def known_agents(store: Store) -> list[str]:
    """The agent names `--agent` accepts for this database: systems and coding agents."""
    names = {LOCAL_AGENT, CORPUS_AGENT, *SYSTEM_BY_FOLDER.values()}
    names |= {r["agent"].lower() for r in store.query(
        "SELECT DISTINCT agent FROM runs WHERE agent IS NOT NULL")}
    return sorted(names)
