"""Runs, stage versions and their lineage.

Every run of a stage writes a new version (author = model id); a human edit writes one authored
"human". A version records the upstream versions it was built from. Making a version current
marks the current versions of every LATER stage stale, because they were built from something
that is no longer current; a freshly written version is never stale. Each write is one
transaction, so a crash leaves either the whole version or nothing.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from mlrtui.experiment.executor import link_to_version
from mlrtui.kernel.modelnames import canonical_model
from mlrtui.kernel.secrets import active_secrets, redact
from mlrtui.kernel.vocab import HUMAN, STAGES, Mode, Stage
from mlrtui.providers.base import TRUNCATED_REASONS
from mlrtui.store.db import Store, now

if TYPE_CHECKING:
    from mlrtui.store.bulk import BulkWriter


class VersionError(Exception):
    """A lineage operation that does not apply (unknown run, version or stage)."""


class Run(BaseModel):
    id: int
    task_id: str
    mode: Mode
    model: str
    model_original: str | None = None
    agent: str | None = None
    status: str = "pending"
    source: str = "local"
    budget_usd: float | None = None
    batch_id: int | None = None
    error: str | None = None
    workspace: str | None = None
    executor: str | None = None          # local | slurm; None: the config's [executor] kind
    created_at: str
    updated_at: str


    @property
    def model_name(self) -> str:
        """The name to call the model by (the config key it was started with)."""
        return self.model_original or self.model


class Version(BaseModel):
    id: int
    run_id: int
    stage: Stage
    text: str
    author: str
    author_original: str | None = None
    stale: bool = False
    truncated: bool = False         # the reply stopped at the output limit: the text is cut
    note: str | None = None
    content_hash: str
    created_at: str
    inputs: list[int] = []
    current: bool = False


class StageState(BaseModel):
    """What the stepper shows for one stage: pending (no version), done, stale, or failed-code
    (an experiment version none of whose executions succeeded: its results are not results)."""

    stage: Stage
    state: Literal["pending", "done", "stale", "failed-code"]
    version_id: int | None = None
    author: str | None = None
    versions: int = 0


def check_stage(stage: str) -> Stage:
    if stage not in STAGES:
        raise VersionError(f"unknown stage {stage!r} (one of {', '.join(STAGES)})")
    return stage  # type: ignore[return-value]


def earlier(stage: str) -> list[Stage]:
    return list(STAGES[: STAGES.index(check_stage(stage))])


def later(stage: str) -> list[Stage]:
    return list(STAGES[STAGES.index(check_stage(stage)) + 1:])


def _run(row: dict) -> Run:
    return Run(**{k: row[k] for k in Run.model_fields if k in row})


def create_run(store: Store, task_id: str, model: str, mode: Mode = "stepwise", *,
               agent: str | None = None, batch_id: int | None = None,
               budget_usd: float | None = None, executor: str | None = None) -> Run:
    """A new run of one task with one backbone model."""
    stamp = now()
    with store.transaction():
        run_id = store.insert("runs", {
            "task_id": task_id, "mode": mode, "model": canonical_model(model),
            "model_original": model, "agent": agent, "status": "pending", "source": "local",
            "budget_usd": budget_usd, "batch_id": batch_id, "executor": executor,
            "created_at": stamp, "updated_at": stamp})
    return get_run(store, int(run_id))


def get_or_create_run(store: Store, task_id: str, model: str, mode: Mode = "stepwise", *,
                      agent: str | None = None, batch_id: int | None = None,
                      budget_usd: float | None = None, executor: str | None = None) -> Run:
    """The latest local run of (task, model, mode, agent), made if missing: what resuming needs.
    A given executor becomes the run's (where it runs does not change what it computes)."""
    with store.transaction():
        rows = store.query(
            "SELECT id FROM runs WHERE task_id=? AND model=? AND mode=? AND source='local' "
            "AND agent IS ? ORDER BY id DESC LIMIT 1",
            [task_id, canonical_model(model), mode, agent])
        if rows:
            if batch_id is not None:
                store.db.execute("UPDATE runs SET batch_id=? WHERE id=?", [batch_id, rows[0]["id"]])
            if executor is not None:
                store.db.execute("UPDATE runs SET executor=? WHERE id=?", [executor, rows[0]["id"]])
            return get_run(store, rows[0]["id"])
        return create_run(store, task_id, model, mode, agent=agent, batch_id=batch_id,
                          budget_usd=budget_usd, executor=executor)


def set_run_executor(store: Store, run_id: int, executor: str | None) -> None:
    """Where a run's experiment code runs from now on (None: the config's kind)."""
    with store.transaction():
        store.db.execute("UPDATE runs SET executor=?, updated_at=? WHERE id=?",
                         [executor, now(), run_id])


def get_run(store: Store, run_id: int) -> Run:
    rows = store.query("SELECT * FROM runs WHERE id=?", [run_id])
    if not rows:
        raise VersionError(f"no run {run_id}")
    return _run(rows[0])


def list_runs(store: Store, task_id: str | None = None, limit: int = 200) -> list[Run]:
    sql, params = "SELECT * FROM runs", []
    if task_id:
        sql, params = sql + " WHERE task_id=?", [task_id]
    return [_run(r) for r in store.query(sql + " ORDER BY id DESC LIMIT ?", [*params, limit])]


def set_run_status(store: Store, run_id: int, status: str, error: str | None = None, *,
                   workspace: str | None = None) -> None:
    with store.transaction():
        store.db.execute(
            "UPDATE runs SET status=?, error=?, workspace=COALESCE(?, workspace), updated_at=? "
            "WHERE id=?", [status, redact(error, active_secrets()) if error else error,
                           workspace, now(), run_id])


def heads(store: Store, run_id: int) -> dict[Stage, int]:
    """The current version id of each stage that has one."""
    rows = store.query("SELECT stage, version_id FROM stage_heads WHERE run_id=?", [run_id])
    return {r["stage"]: r["version_id"] for r in rows}


def _version(store: Store, row: dict, current: dict[Stage, int] | None = None) -> Version:
    inputs = [r["input_version_id"] for r in store.query(
        "SELECT input_version_id FROM version_inputs WHERE version_id=? ORDER BY 1", [row["id"]])]
    current = current if current is not None else heads(store, row["run_id"])
    return Version(id=row["id"], run_id=row["run_id"], stage=row["stage"], text=row["text"],
                   author=row["author"], author_original=row["author_original"],
                   stale=bool(row["stale"]), truncated=bool(row.get("truncated")),
                   note=row["note"], content_hash=row["content_hash"],
                   created_at=row["created_at"], inputs=inputs,
                   current=current.get(row["stage"]) == row["id"])


def get_version(store: Store, version_id: int) -> Version:
    rows = store.query("SELECT * FROM versions WHERE id=?", [version_id])
    if not rows:
        raise VersionError(f"no version {version_id}")
    return _version(store, rows[0])


def current(store: Store, run_id: int, stage: str) -> Version | None:
    vid = heads(store, run_id).get(check_stage(stage))
    return get_version(store, vid) if vid else None


def current_inputs(store: Store, run_id: int, stage: str) -> dict[Stage, Version]:
    """The current versions of the stages before `stage`: what a new version is built from."""
    found = heads(store, run_id)
    return {s: get_version(store, found[s]) for s in earlier(stage) if s in found}


def _mark_later_stale(store: Store, run_id: int, stage: str) -> None:
    for s in later(stage):
        store.db.execute(
            "UPDATE versions SET stale=1 WHERE id=(SELECT version_id FROM stage_heads "
            "WHERE run_id=? AND stage=?)", [run_id, s])


def write_version(store: Store, run_id: int, stage: str, text: str, author: str, *,
                  inputs: list[int] | None = None, note: str | None = None,
                  make_current: bool = True, link_executions: list[int] | None = None) -> Version:
    """Store a new version in one transaction; by default it becomes current.

    `inputs` defaults to the current versions of the earlier stages. Later stages go stale.
    A version built from inputs that are no longer all current (an upstream edit landed while
    it was generated) is stale from the start.
    """
    check_stage(stage)
    canonical = HUMAN if author == HUMAN else canonical_model(author)
    with store.transaction():
        found = heads(store, run_id)
        upstream = {found[s] for s in earlier(stage) if s in found}
        if inputs is None:
            inputs = sorted(upstream)
        vid = store.insert("versions", {
            "run_id": run_id, "stage": stage, "text": text, "author": canonical,
            "author_original": author if author != canonical else None,
            "stale": int(bool(upstream - set(inputs))),
            "note": note, "content_hash": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "created_at": now()})
        for input_id in sorted(set(inputs)):
            store.insert("version_inputs", {"version_id": vid, "input_version_id": input_id})
        link_to_version(store, int(vid), link_executions or [])
        if make_current:
            _set_head(store, run_id, stage, int(vid))
        store.db.execute("UPDATE runs SET updated_at=? WHERE id=?", [now(), run_id])
    return get_version(store, int(vid))


def _set_head(store: Store, run_id: int, stage: str, version_id: int) -> None:
    store.db.execute(
        "INSERT INTO stage_heads (run_id, stage, version_id) VALUES (?, ?, ?) "
        "ON CONFLICT (run_id, stage) DO UPDATE SET version_id=excluded.version_id",
        [run_id, stage, version_id])
    _mark_later_stale(store, run_id, stage)


def set_current(store: Store, version_id: int) -> Version:
    """Make an older (or newer) version current; later stages go stale.

    The version itself is stale when what it was built from is no longer current upstream.
    """
    v = get_version(store, version_id)
    with store.transaction():
        found = heads(store, v.run_id)
        upstream = {found[s] for s in earlier(v.stage) if s in found}
        stale = bool(upstream - set(v.inputs))
        store.db.execute("UPDATE versions SET stale=? WHERE id=?", [int(stale), version_id])
        if found.get(v.stage) != version_id:
            _set_head(store, v.run_id, v.stage, version_id)
    return get_version(store, version_id)


def save_human_version(store: Store, run_id: int, stage: str, text: str,
                       note: str | None = None) -> Version:
    """A human edit of a stage: keeps the lineage of the version it edits."""
    base = current(store, run_id, stage)
    inputs = base.inputs if base else None
    return write_version(store, run_id, stage, text, HUMAN, inputs=inputs,
                         note=note or (f"edit of version {base.id}" if base else None))


def history(store: Store, run_id: int, stage: str) -> list[Version]:
    """All versions of one stage, newest first."""
    found = heads(store, run_id)
    rows = store.query("SELECT * FROM versions WHERE run_id=? AND stage=? ORDER BY id DESC",
                       [run_id, check_stage(stage)])
    return [_version(store, r, found) for r in rows]


def stage_states(store: Store, run_id: int) -> list[StageState]:
    """One entry per stage in order: pending, done or stale."""
    found = heads(store, run_id)
    counts = {r["stage"]: r["n"] for r in store.query(
        "SELECT stage, count(*) AS n FROM versions WHERE run_id=? GROUP BY stage", [run_id])}
    out = []
    for stage in STAGES:
        vid = found.get(stage)
        if vid is None:
            out.append(StageState(stage=stage, state="pending", versions=counts.get(stage, 0)))
            continue
        row = store.query("SELECT author, stale FROM versions WHERE id=?", [vid])[0]
        state = "stale" if row["stale"] else "done"
        if stage == "experiment" and state == "done" and _no_successful_execution(store, vid):
            state = "failed-code"
        out.append(StageState(stage=stage, state=state,
                              version_id=vid, author=row["author"],
                              versions=counts.get(stage, 0)))
    return out


def _no_successful_execution(store: Store, version_id: int) -> bool:
    """True when the version has executions and not one of them ended ok."""
    row = store.query("SELECT COUNT(*) AS n, SUM(status = 'ok') AS ok FROM executions "
                      "WHERE version_id=?", [version_id])[0]
    return bool(row["n"]) and not row["ok"]


def stale_stages(store: Store, run_id: int) -> list[Stage]:
    return [s.stage for s in stage_states(store, run_id) if s.state == "stale"]


def needs_run(store: Store, run_id: int, stage: str) -> bool:
    """Resumability: a stage runs when it has no current version or that version is stale."""
    v = current(store, run_id, stage)
    return v is None or v.stale


def diff(a: Version, b: Version, context: int = 3) -> str:
    """A unified diff from version a to version b."""
    return "".join(difflib.unified_diff(
        a.text.splitlines(keepends=True), b.text.splitlines(keepends=True),
        fromfile=f"{a.stage} v{a.id} ({a.author})", tofile=f"{b.stage} v{b.id} ({b.author})",
        n=context))


def set_stages_requested(store: Store, run_id: int, stages: list[str]) -> None:
    """Which stages jobs asked this run for (runs/status.py decides what "done" means)."""
    with store.transaction():
        store.db.execute("UPDATE runs SET stages_requested=?, updated_at=? WHERE id=?",
                         [json.dumps(stages), now(), run_id])


# -- bulk import (the corpus importer writes runs and versions through these) ----------------
INPUT_COLUMNS = ("version_id", "input_version_id")
HEAD_COLUMNS = ("run_id", "stage", "version_id")


def import_run(w: BulkWriter, row: dict[str, Any]) -> int:
    """A run read from elsewhere, stored once per import key; returns its id."""
    return w.keyed("runs", row)


def import_version(w: BulkWriter, row: dict[str, Any], inputs: Iterable[int | None] = ()
                   ) -> int:
    """A stage output read from elsewhere with the versions it was built from (None: not
    there); it becomes the stage head unless the run already has one. Returns its id."""
    vid = w.keyed("versions", row)
    w.many("version_inputs", INPUT_COLUMNS, [(vid, i) for i in inputs if i is not None])
    w.many("stage_heads", HEAD_COLUMNS, [(row["run_id"], row["stage"], vid)])
    return vid


def set_run_budget(store: Store, run_id: int, cap: float) -> bool:
    """Store a run's budget cap (runs.budget_usd); False when there is no such run."""
    with store.transaction() as db:
        cur = db.execute("UPDATE runs SET budget_usd = ? WHERE id = ?", [cap, run_id])
    return cur.rowcount > 0


def mark_truncated(store: Store, version_id: int, call_key: str) -> None:
    """Mark the version cut when the reply that made it stopped at the output limit."""
    marks = ",".join("?" * len(TRUNCATED_REASONS))
    with store.transaction() as db:
        db.execute(
            "UPDATE versions SET truncated = 1 WHERE id = ? AND EXISTS (SELECT 1 FROM "
            "llm_calls WHERE call_key = ? AND status IN ('ok', 'cached') AND "
            f"finish_reason IN ({marks}))", [version_id, call_key, *TRUNCATED_REASONS])
