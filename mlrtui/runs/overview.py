"""Read-only query services for the console: a task with its runs, the models' outputs for a
stage side by side with their judge scores, and one version with its lineage.

The screens call these and get pydantic models back; no SQL lives in the UI.
"""

from __future__ import annotations

from collections import defaultdict
from statistics import fmean

from pydantic import BaseModel

from mlrtui.kernel.modelnames import UNATTRIBUTED
from mlrtui.kernel.vocab import STAGES
from mlrtui.runs import versions as V
from mlrtui.runs.status import run_status
from mlrtui.store.db import Store
from mlrtui.store.tasks import TaskRow, get_task

STAGE_ORDER = STAGES
# UNATTRIBUTED: the corpus's shared idea -> related work -> proposal chain is a run of no single
# model: it is the proposals' upstream, not a seventh entrant of the comparison.


class JudgeScore(BaseModel):
    """One judge's verdict on a version: Overall and per-dimension means over its reviews."""

    judge: str
    variant: str | None = None
    overall: float | None = None
    dims: dict[str, float] = {}
    reviews: int = 0

    @property
    def label(self) -> str:
        return f"{self.judge} ({self.variant})" if self.variant else self.judge


class RunSummary(BaseModel):
    id: int
    mode: str
    model: str
    agent: str | None = None
    status: str                     # derived by runs.status (done, partial 2/5, ...)
    source: str
    created_at: str
    heads: dict[str, int] = {}      # stage -> current version id, in pipeline order

    @property
    def stages_done(self) -> list[str]:
        return list(self.heads)


class TaskDetail(BaseModel):
    task: TaskRow
    runs: list[RunSummary]


class StageOutput(BaseModel):
    """A run's current version of one stage, as shown in a comparison column."""

    run_id: int
    model: str
    mode: str
    version_id: int
    text: str
    author: str
    created_at: str
    stale: bool
    judges: list[JudgeScore] = []

    @property
    def mean_overall(self) -> float | None:
        values = [j.overall for j in self.judges if j.overall is not None and not j.variant]
        return round(fmean(values), 2) if values else None


class VersionRef(BaseModel):
    id: int
    stage: str
    author: str
    created_at: str


class VersionDetail(BaseModel):
    id: int
    run_id: int
    task_id: str
    mode: str
    model: str
    stage: str
    text: str
    author: str
    author_original: str | None = None
    created_at: str
    stale: bool
    truncated: bool = False
    note: str | None = None
    is_head: bool
    upstream: list[VersionRef] = []
    downstream: list[VersionRef] = []
    judges: list[JudgeScore] = []


def task_count(store: Store) -> int:
    return int(store.scalar("SELECT COUNT(*) FROM tasks") or 0)


def _heads(store: Store, run_ids: list[int]) -> dict[int, dict[str, int]]:
    """Current version per (run, stage): the stage head, else the newest version of the stage."""
    if not run_ids:
        return {}
    marks = ",".join("?" * len(run_ids))
    rows = store.query(
        f"""SELECT v.run_id, v.stage, COALESCE(h.version_id, MAX(v.id)) AS vid
            FROM versions v LEFT JOIN stage_heads h ON h.run_id = v.run_id AND h.stage = v.stage
            WHERE v.run_id IN ({marks}) GROUP BY v.run_id, v.stage""", run_ids)
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for r in sorted(rows, key=lambda r: STAGE_ORDER.index(r["stage"])):
        out[r["run_id"]][r["stage"]] = r["vid"]
    return out


def task_detail(store: Store, task_id: str) -> TaskDetail | None:
    task = get_task(store, task_id)
    if task is None:
        return None
    rows = store.query("SELECT id, mode, model, agent, source, created_at FROM runs "
                       "WHERE task_id = ? ORDER BY mode DESC, model, id", [task_id])
    heads = _heads(store, [r["id"] for r in rows])
    runs = [RunSummary(**r, heads=heads.get(r["id"], {}),
                       status=run_status(store, V.get_run(store, r["id"])).label) for r in rows]
    return TaskDetail(task=task, runs=runs)


def judge_scores(store: Store, version_ids: list[int]) -> dict[int, list[JudgeScore]]:
    """Per version, one JudgeScore per (judge, variant), averaged over repeated reviews."""
    if not version_ids:
        return {}
    marks = ",".join("?" * len(version_ids))
    overall = store.query(
        f"""SELECT version_id, judge_model, variant, AVG(overall) AS overall, COUNT(*) AS n
            FROM reviews WHERE version_id IN ({marks}) AND parse_status != 'invalid'
            GROUP BY version_id, judge_model, variant ORDER BY judge_model, variant""",
        version_ids)
    dims = store.query(
        f"""SELECT r.version_id, r.judge_model, r.variant, s.dimension, AVG(s.score) AS score
            FROM reviews r JOIN review_scores s ON s.review_id = r.id
            WHERE r.version_id IN ({marks}) AND r.parse_status != 'invalid'
              AND s.score IS NOT NULL
            GROUP BY r.version_id, r.judge_model, r.variant, s.dimension""", version_ids)
    by_key: dict[tuple, dict[str, float]] = defaultdict(dict)
    for d in dims:
        by_key[(d["version_id"], d["judge_model"], d["variant"])][d["dimension"]] = round(
            d["score"], 2)
    out: dict[int, list[JudgeScore]] = defaultdict(list)
    for o in overall:
        key = (o["version_id"], o["judge_model"], o["variant"])
        out[o["version_id"]].append(JudgeScore(
            judge=o["judge_model"], variant=o["variant"], reviews=o["n"],
            overall=None if o["overall"] is None else round(o["overall"], 2),
            dims=by_key.get(key, {})))
    return out


def compare_stage(store: Store, task_id: str, stage: str, mode: str | None = "stepwise"
                  ) -> list[StageOutput]:
    """Each model run's current version of `stage` for a task (stepwise runs by default)."""
    if stage not in STAGE_ORDER:
        raise ValueError(f"unknown stage {stage!r}; one of: {', '.join(STAGE_ORDER)}")
    params: list = [task_id, UNATTRIBUTED]
    where = "task_id = ? AND model != ?"
    if mode:
        where += " AND mode = ?"
        params.append(mode)
    runs = store.query(f"SELECT id, model, mode, source FROM runs WHERE {where} "
                       "ORDER BY model, id", params)
    heads = _heads(store, [r["id"] for r in runs])
    wanted = {heads[r["id"]][stage]: r for r in runs if stage in heads.get(r["id"], {})}
    if not wanted:
        return []
    marks = ",".join("?" * len(wanted))
    versions = {v["id"]: v for v in store.query(
        f"SELECT id, text, author, created_at, stale FROM versions WHERE id IN ({marks})",
        list(wanted))}
    # An imported run that carries another author's text for this stage (an experiment run
    # holding the shared idea it was built on) is not that model's entry in the comparison.
    wanted = {vid: r for vid, r in wanted.items()
              if r["source"] != "corpus" or versions[vid]["author"] == r["model"]}
    scores = judge_scores(store, list(wanted))
    return [StageOutput(run_id=run["id"], model=run["model"], mode=run["mode"], version_id=vid,
                        text=versions[vid]["text"], author=versions[vid]["author"],
                        created_at=versions[vid]["created_at"],
                        stale=bool(versions[vid]["stale"]), judges=scores.get(vid, []))
            for vid, run in wanted.items()]


def _refs(store: Store, sql: str, version_id: int) -> list[VersionRef]:
    return [VersionRef(**r) for r in store.query(sql, [version_id])]


def get_version(store: Store, version_id: int) -> VersionDetail | None:
    rows = store.query(
        """SELECT v.id, v.run_id, r.task_id, r.mode, r.model, v.stage, v.text, v.author,
                  v.author_original, v.created_at, v.stale, v.truncated, v.note,
                  EXISTS(SELECT 1 FROM stage_heads h WHERE h.version_id = v.id) AS is_head
           FROM versions v JOIN runs r ON r.id = v.run_id WHERE v.id = ?""", [version_id])
    if not rows:
        return None
    row = rows[0]
    upstream = _refs(store, """SELECT v.id, v.stage, v.author, v.created_at FROM version_inputs i
                               JOIN versions v ON v.id = i.input_version_id
                               WHERE i.version_id = ? ORDER BY v.id""", version_id)
    downstream = _refs(store, """SELECT v.id, v.stage, v.author, v.created_at
                                 FROM version_inputs i JOIN versions v ON v.id = i.version_id
                                 WHERE i.input_version_id = ? ORDER BY v.id""", version_id)
    return VersionDetail(**{**row, "stale": bool(row["stale"]), "truncated": bool(row["truncated"]),
                            "is_head": bool(row["is_head"])},
                         upstream=upstream, downstream=downstream,
                         judges=judge_scores(store, [version_id]).get(version_id, []))
