"""A run's status, derived ONE way from its stage heads, the stages it was asked for and the
row's last recorded event, for every place that shows it (Runs screen, a task's runs, the
`versions` command, the export README).

The states, in precedence order:

- running:     a job is producing one of its stages now;
- failed:      the last stage attempted failed (the row's error says which), or a produced
               experiment has no successful execution;
- interrupted: a job was stopped (cancelled, or the process ended while it ran);
- stale:       a requested stage's current version was built from an upstream no longer current;
- done:        every stage the run was asked for has a current version;
- partial:     some, not all, of the requested stages have one;
- pending:     nothing produced yet.

The stages a run was asked for are recorded by `request_stages` when a job starts. A run with
no record asks for all five stages if it was made here; a corpus run asks for what it brought.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel

from mlrtui.kernel.vocab import STAGES, Stage
from mlrtui.runs import versions as V
from mlrtui.store.db import Store

RunState = Literal["running", "failed", "interrupted", "stale", "done", "partial", "pending"]
RUN_STATES: dict[str, str] = {
    "running": "a job is producing a stage now",
    "failed": "the last stage attempted failed, or the experiment never ran successfully",
    "interrupted": "stopped before it finished",
    "stale": "a stage was built from an upstream that changed since",
    "done": "every stage it was asked for is produced",
    "partial": "some of the stages it was asked for are produced",
    "pending": "nothing produced yet",
}


class RunStatus(BaseModel):
    """A run's derived state and the facts it came from."""

    state: RunState
    requested: list[Stage]
    produced: list[Stage]
    reason: str | None = None

    @property
    def label(self) -> str:
        """e.g. "partial 2/5", "done", "failed: experiment: no successful execution"."""
        if self.state == "partial":
            return f"partial {len(self.produced)}/{len(self.requested)}"
        return self.state

    @property
    def explained(self) -> str:
        return f"{self.label}: {self.reason}" if self.reason else self.label


def request_stages(store: Store, run_id: int, stages: list[str]) -> None:
    """Record that a job asked this run for `stages` (added to what it was asked before)."""
    asked = set(_requested_row(store, run_id) or []) | {V.check_stage(s) for s in stages}
    ordered = [s for s in STAGES if s in asked]
    V.set_stages_requested(store, run_id, ordered)


def _requested_row(store: Store, run_id: int) -> list[str] | None:
    rows = store.query("SELECT stages_requested FROM runs WHERE id=?", [run_id])
    raw = rows[0]["stages_requested"] if rows else None
    return json.loads(raw) if raw else None


def requested_stages(store: Store, run: V.Run, produced: list[Stage]) -> list[Stage]:
    recorded = _requested_row(store, run.id)
    if recorded is not None:
        return [s for s in STAGES if s in recorded]
    if run.source != "local":
        return list(produced) or list(STAGES)
    return list(STAGES)


def derive(run: V.Run, states: list[V.StageState], requested: list[Stage], *,
           live: bool | None = None) -> RunStatus:
    """The rule itself, on facts already read. `live`: whether a job of this process runs the
    run now (None when the caller cannot know, e.g. the CLI: the row's word is taken)."""
    produced = [s.stage for s in states if s.version_id is not None]
    by_stage = {s.stage: s for s in states}
    out = {"requested": requested, "produced": produced}
    running = live if live is not None else run.status == "running"
    if running:
        return RunStatus(state="running", **out)
    if run.status == "failed":
        return RunStatus(state="failed", reason=run.error, **out)
    code = by_stage.get("experiment")
    if code is not None and code.state == "failed-code":
        return RunStatus(state="failed", reason="experiment: no successful execution", **out)
    if run.status in ("running", "cancelled", "interrupted"):
        return RunStatus(state="interrupted", reason=run.error, **out)
    stale = [s for s in requested if by_stage[s].state == "stale"]
    if stale:
        return RunStatus(state="stale", reason=", ".join(stale), **out)
    missing = [s for s in requested if s not in produced]
    if not missing:
        return RunStatus(state="done", **out)
    if any(s in produced for s in requested):
        return RunStatus(state="partial", reason="not yet: " + ", ".join(missing), **out)
    return RunStatus(state="pending", **out)


def run_status(store: Store, run: V.Run, *, live: bool | None = None,
               states: list[V.StageState] | None = None) -> RunStatus:
    """The status of one run, read from the store."""
    states = states if states is not None else V.stage_states(store, run.id)
    produced = [s.stage for s in states if s.version_id is not None]
    return derive(run, states, requested_stages(store, run, produced), live=live)
