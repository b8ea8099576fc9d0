"""Helpers for the judge tests: example tasks, runs with versions, hand-made reviews, replies.

All texts here are our own toy writing."""

from __future__ import annotations

import json

from mlrtui import paths
from mlrtui.runs.versions import create_run, write_version
from mlrtui.store.db import Store, now
from mlrtui.store.tasks import load_task_dir

TASK = "iclr2026_tiny_evals"
IDEA = "Use ten-item probe sets to rank small models; check rank stability by bootstrap."
PAPER = ("# Tiny probes\n\nWe ranked 12 models.\n\nAccuracy rose to 97.3% on the held-out set "
         "(Table 2).\n\nSmith et al. (2031) showed the same.\n")


def load_examples(store: Store) -> None:
    load_task_dir(store, paths.examples_dir(), "example")


def ensure_task(store: Store, task: str) -> None:
    """A minimal task row for hand-made reviews of toy task ids."""
    store.insert("tasks", {"id": task, "venue": "toy", "year": 2026, "slug": task,
                           "title": f"Toy task {task}", "body": "A toy workshop call.",
                           "category": "Others", "source": "user", "content_hash": "x",
                           "created_at": now()}, ignore=True)


def make_run(store: Store, texts: dict[str, str], *, task: str = TASK,
             model: str = "o4-mini") -> tuple[int, dict[str, int]]:
    """A run with one version per given stage (in stage order); returns (run id, versions)."""
    if not store.scalar("SELECT 1 FROM tasks WHERE id = ?", [task]):
        load_examples(store)
    run = create_run(store, task, model)
    order = ["idea", "literature", "proposal", "experiment", "paper"]
    versions = {}
    for stage in sorted(texts, key=order.index):
        versions[stage] = write_version(store, run.id, stage, texts[stage], model).id
    return run.id, versions


def add_review(store: Store, *, stage: str, judge: str, scores: dict[str, float],
               task: str | None = TASK, target: str = "o4-mini", run_id: int | None = None,
               version_id: int | None = None, variant: str | None = None,
               source: str = "local", status: str = "ok") -> int:
    if task is not None:
        ensure_task(store, task)
    with store.transaction():
        rid = store.insert("reviews", {
            "task_id": task, "run_id": run_id, "version_id": version_id, "stage": stage,
            "target_model": target, "judge_model": judge, "overall": scores.get("Overall"),
            "raw_text": json.dumps(scores), "parse_status": status, "source": source,
            "variant": variant, "created_at": now()})
        for dim, score in scores.items():
            store.insert("review_scores", {"review_id": rid, "dimension": dim, "score": score})
    return int(rid)


def idea_reply(overall: int = 7, **override: object) -> dict:
    dims = ["Consistency", "Clarity", "Novelty", "Feasibility", "Significance"]
    body: dict = {d: {"score": 6, "justification": f"{d} is fine."} for d in dims}
    body["OverallAssessment"] = {"score": overall, "strengths": ["short"], "weaknesses": ["vague"]}
    body.update(override)
    return body
