"""Helpers for the batch-API tests: many tiny tasks of our own words, each with an idea.

Every text here is our own toy writing."""

from __future__ import annotations

import json

from mlrtui.runs.versions import create_run, write_version
from mlrtui.store.db import Store, now

TOPICS = ["sparse probes", "tiny tokenizers", "noisy labels", "early stopping", "small evals",
          "data pruning", "weight sharing"]


def tiny_task(store: Store, i: int) -> str:
    task = f"toy2026_batch_{i:04d}"
    topic = TOPICS[i % len(TOPICS)]
    store.insert("tasks", {"id": task, "venue": "toy", "year": 2026, "slug": f"batch_{i:04d}",
                           "title": f"Workshop on {topic} #{i}",
                           "body": f"We invite short studies of {topic} in small models.",
                           "category": "Others", "source": "user", "content_hash": f"h{i}",
                           "created_at": now()}, ignore=True)
    return task


def tiny_ideas(store: Store, n: int, model: str = "gpt-4o") -> list[int]:
    """n tasks, each with one run holding an idea version; returns the version ids."""
    out = []
    for i in range(n):
        run = create_run(store, tiny_task(store, i), model)
        text = f"Idea {i}: measure how {TOPICS[i % len(TOPICS)]} change rank order of models."
        out.append(write_version(store, run.id, "idea", text, model).id)
    return out


def idea_reply(overall: int = 7) -> str:
    dims = ["Consistency", "Clarity", "Novelty", "Feasibility", "Significance"]
    body: dict = {d: {"score": 6, "justification": f"{d} is fine."} for d in dims}
    body["OverallAssessment"] = {"score": overall, "strengths": ["short"],
                                 "weaknesses": ["vague"]}
    return json.dumps(body)


def reviews_per_version(store: Store) -> dict[int, int]:
    return {r["version_id"]: r["n"] for r in store.query(
        "SELECT version_id, COUNT(*) AS n FROM reviews GROUP BY version_id")}
