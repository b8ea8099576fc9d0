"""import_corpus: load an MLR-Bench checkout into the store, unit by unit.

Order matters only for links: tasks, then stage outputs (stepwise, end-to-end), then the reviews
that point at them, then the human study. Each unit is all-or-nothing and units commit in
batches (batch.py), so an import killed at any point leaves a consistent database and a re-run
fills in the rest. No prints: progress and problems go to the ProgressSink; should_stop is
checked between units.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from mlrtui.importer import aiscientist, end2end, human, labels, reviews, stepwise, writeups
from mlrtui.importer.agentlog import parse_batch_log
from mlrtui.importer.batch import fast_writes
from mlrtui.importer.context import ImportContext
from mlrtui.importer.summary import ImportSummary
from mlrtui.importer.textio import read_text
from mlrtui.importer.walk import unknown_entries
from mlrtui.kernel.progress import NullProgress, ProgressSink
from mlrtui.store.db import Store, StoreError, now
from mlrtui.store.tasks import load_task_dir

Unit = tuple[str, Callable[[], None]]

logger = logging.getLogger(__name__)


class CorpusError(Exception):
    """PATH is not an MLR-Bench checkout; the message is one line naming it."""


def is_corpus(path: Path) -> bool:
    return (path / "tasks").is_dir() and any(
        (path / d).is_dir() for d in ("agent_results", "agent_reviews", "human_eval"))


def _subdirs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def _task_unit(ctx: ImportContext) -> None:
    """All task files in one unit (load_task_dir's per-task transactions join it)."""
    folder = ctx.root / "tasks"
    ctx.summary.see("tasks", len(list(folder.glob("*.md"))))
    problems: list[str] = []
    with ctx.unit(folder):
        before = ctx.store.scalar("SELECT COUNT(*) FROM tasks")
        _, problems = load_task_dir(ctx.store, folder, "corpus")
        ctx.count("tasks", ctx.store.scalar("SELECT COUNT(*) FROM tasks") - before)
    for line in problems:
        path, _, message = line.partition(": ")
        ctx.problem(Path(path), message)
    ctx.refresh_tasks()


def _end2end_units(ctx: ImportContext) -> list[Unit]:
    units: list[Unit] = []
    for agent_dir in _subdirs(ctx.root / "agent_results"):
        if not agent_dir.name.startswith("end2end_"):
            continue
        agent = agent_dir.name.removeprefix("end2end_")
        batch_log = agent_dir / f"mlr_agent_{agent}.log"
        text = read_text(ctx, batch_log, "batch log") if batch_log.exists() else None
        if not batch_log.exists():
            ctx.problem(batch_log, "missing batch log; run timings and models unknown")
        logs = parse_batch_log(text) if text else {}
        for run_dir in _subdirs(agent_dir):
            units.append((ctx.rel(run_dir), lambda d=run_dir, a=agent, lg=logs, b=batch_log:
                          end2end.import_run(ctx, d, a, lg.get(d.name), b)))
    return units


def _writeup_units(ctx: ImportContext) -> list[Unit]:
    """experiments_and_writeups/<agent>/<task>/ and ai_scientist_v2_papers/<model>/<task>/."""
    units: list[Unit] = []
    for agent_dir in _subdirs(ctx.root / writeups.WRITEUPS_DIR):
        units += [(ctx.rel(d), lambda d=d: writeups.import_writeup_run(ctx, d))
                  for d in _subdirs(agent_dir)]
    for model_dir in _subdirs(ctx.root / aiscientist.AI_SCIENTIST_DIR):
        units += [(ctx.rel(d), lambda d=d: aiscientist.import_ai_scientist_run(ctx, d))
                  for d in _subdirs(model_dir)]
    return units


def _review_units(ctx: ImportContext) -> list[Unit]:
    units: list[Unit] = []
    for judge_dir in _subdirs(ctx.root / "agent_reviews"):
        name = judge_dir.name
        if name.startswith("idea_proposal_reviews_"):
            judge, fn = name.removeprefix("idea_proposal_reviews_"), reviews.import_stepwise_reviews
        elif name.startswith("subset_reviews_"):
            judge, fn = name.removeprefix("subset_reviews_"), reviews.import_subset_reviews
        else:
            ctx.problem(judge_dir, "unknown review folder; skipped")
            continue
        units += [(ctx.rel(d), lambda d=d, j=judge, f=fn: f(ctx, d, j))
                  for d in _subdirs(judge_dir)]
    return units


def _human_units(ctx: ImportContext) -> list[Unit]:
    folder = ctx.root / human.HUMAN_DIR
    handlers = {"human_review.csv": human.import_human_reviews,
                "llm_judge.csv": human.import_judge_table,
                "merge_data.csv": human.count_merge_table,
                labels.LABELS_FILE: labels.import_labels}
    units: list[Unit] = []
    for path in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
        fn = handlers.get(path.name)
        if fn is None:
            ctx.problem(path, "unknown human-evaluation CSV; skipped")
            continue
        units.append((ctx.rel(path), lambda p=path, f=fn: f(ctx, p)))
    return units


def import_corpus(store: Store, path: Path, progress: ProgressSink | None = None,
                  should_stop: Callable[[], bool] | None = None) -> ImportSummary:
    """Import (or complete) an MLR-Bench checkout; idempotent. Raises CorpusError for a bad PATH."""
    root = Path(path).expanduser().resolve()
    if not is_corpus(root):
        raise CorpusError(f"{path}: not an MLR-Bench checkout (needs tasks/ and agent_results/, "
                          "agent_reviews/ or human_eval/)")
    sink = progress or NullProgress()
    started = time.perf_counter()
    summary = ImportSummary()
    with store.transaction():
        summary.import_id = store.insert("imports", {"path": str(root), "started_at": now(),
                                                     "status": "running"})
    ctx = ImportContext(store, root, summary, sink)
    with store.lock:
        ctx.preload()
    units: list[Unit] = [("tasks", lambda: _task_unit(ctx))]
    units += [(f"stepwise {d.name}", lambda d=d: stepwise.import_stepwise_task(ctx, d))
              for d in _subdirs(root / stepwise.STEPWISE_DIR)]
    units += (_end2end_units(ctx) + _writeup_units(ctx) + _review_units(ctx)
              + _human_units(ctx))
    for entry, message in unknown_entries(root):
        ctx.problem(entry, message)
    sink.start(len(units), f"Importing {root.name}")
    try:
        with fast_writes(store), ctx.batches.grouped():
            _run_units(ctx, units, should_stop)
    except BaseException as exc:
        _mark_failed(store, summary.import_id, exc)
        raise
    if not summary.stopped:
        _coverage(ctx)
        for kind, n in list(summary.seen.items()):
            if kind.startswith(reviews.ABSENT):
                ctx.problem("agent_reviews", f"{n} {kind.replace(':', ' in')}; kept unlinked")
    summary.elapsed_s = round(time.perf_counter() - started, 3)
    _finish(store, summary)
    sink.finish()
    return summary


def _run_units(ctx: ImportContext, units: list[Unit],
               should_stop: Callable[[], bool] | None) -> None:
    for label, fn in units:
        if should_stop is not None and should_stop():
            ctx.summary.stopped = True
            break
        fn()
        ctx.progress.advance(1, label)


_COVERAGE_SQL = """
SELECT v.stage, r.model, COUNT(DISTINCT r.task_id) AS n
FROM versions v JOIN runs r ON r.id = v.run_id
WHERE r.import_key LIKE 'corpus:run:stepwise/%' GROUP BY v.stage, r.model
"""


def _coverage(ctx: ImportContext) -> None:
    """How many models have a stepwise idea / proposal on every task (and the extras)."""
    tasks = len(_subdirs(ctx.root / stepwise.STEPWISE_DIR))
    coverage = ctx.store.query(_COVERAGE_SQL)
    for stage in ("idea", "proposal"):
        rows = [r for r in coverage if r["stage"] == stage]
        full = [r for r in rows if r["n"] >= tasks]
        ctx.summary.see(f"models with {stage}s on all {tasks} tasks", len(full))
        extra = sum(r["n"] for r in rows if r["n"] < tasks)
        if extra:
            ctx.summary.see(f"extra {stage}s (models not on every task)", extra)


def _finish(store: Store, summary: ImportSummary) -> None:
    with store.transaction() as db:
        db.execute("UPDATE imports SET finished_at = ?, counts = ?, status = ? WHERE id = ?",
                   [now(), json.dumps({"added": summary.counts, "seen": summary.seen,
                                       "elapsed_s": summary.elapsed_s}),
                    "stopped" if summary.stopped else "done", summary.import_id])
        db.conn.executemany(
            "INSERT INTO import_problems (import_id, path, problem) VALUES (?, ?, ?)",
            [(summary.import_id, p, m) for p, m in summary.problems])


def _mark_failed(store: Store, import_id: int | None, exc: BaseException) -> None:
    """Best effort: the import row says failed (batches already committed are whole units).
    When even that write is refused (a full disk), the row stays running until the next open
    marks it interrupted (store/owners.py)."""
    try:
        with store.transaction() as db:
            db.execute("UPDATE imports SET finished_at = ?, status = ? WHERE id = ?",
                       [now(), "stopped" if isinstance(exc, KeyboardInterrupt) else "failed",
                        import_id])
    except (StoreError, sqlite3.Error) as again:
        logger.warning("could not mark import %s failed: %s", import_id, again)
