"""Deterministic demo data of our own writing for pilot and snapshot tests (no corpus text).

Three tasks; on the first, six models' stepwise ideas and proposals with two judges' reviews,
and one end-to-end run whose five stages are chained (the paper is marked stale).
"""

from __future__ import annotations

import hashlib
import json

from mlrtui.kernel.tasks import parse_task_text
from mlrtui.store import Store
from mlrtui.store.tasks import upsert_task

WHEN = "2025-05-01T10:00:00+00:00"
MODELS = ["claude-3-7-sonnet", "deepseek-r1", "gemini-2.5-pro-preview", "ministral-8b",
          "o4-mini", "qwen3-235b-a22b"]
JUDGES = ["claude-3-7-sonnet", "gemini-2.5-pro-preview"]
DIMENSIONS = ["Consistency", "Clarity", "Novelty", "Feasibility", "Significance"]

TASKS = {
    "acme2025_tide_gauges.md": """# Coastal Sensing with Tide Gauges

The Acme coastal sensing workshop gathers people who turn noisy tide gauge records into
reliable forecasts of flooding. We invite work on anomaly detection for sea level series,
physics-informed forecasting, and the climate science questions such data can answer.

## Topics
- Gap filling for tide gauge records with missing months
- Forecasting storm surge with hybrid physical and learned models
- Uncertainty estimates that coastal planners can act on
""",
    "acme2024_fair_lending.md": """# Fairness in Small Loans

A workshop on fairness and privacy when models decide who gets a small loan. We welcome
audits of deployed credit models, methods that remove bias without hiding it, and studies of
how applicants experience automated refusals.
""",
    "zeta2025_kitchen_robots.md": """# Robots in the Home Kitchen

Reinforcement learning for household robots: reward design for messy kitchens, policy
transfer from simulation to real counters, and safe exploration when knives are nearby.
""",
}

IDEA = """# {title}

**Motivation.** Tide gauges miss whole months; forecasts trained on the gaps inherit them.

**Idea.** {model} proposes a {twist} that fills gaps before forecasting and reports how
much each filled value moves the flood forecast.

**Expected outcome.** Fewer false flood alarms on stations with long outages.
"""
PROPOSAL = """# {title}: a research proposal

## Background
Sea level records are patchy. We study how gap filling changes downstream forecasts.

## Method
1. Train a {twist} on complete stations.
2. Mask months at random and measure the error of the filled series.
3. Forecast surges with and without the filled months.

## Evaluation
Mean absolute error on held-out stations, and the share of flood alarms that change.
"""
TWISTS = ["masked transformer", "diffusion gap filler", "Kalman hybrid", "nearest-station copy",
          "spline baseline", "state-space model"]
E2E_STAGES = ["idea", "literature", "proposal", "experiment", "paper"]


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _version(store: Store, run_id: int, stage: str, text: str, author: str, stale: int = 0,
             inputs: tuple[int, ...] = ()) -> int:
    vid = store.insert("versions", {"run_id": run_id, "stage": stage, "text": text,
                                    "author": author, "author_original": author,
                                    "stale": stale, "content_hash": _hash(text),
                                    "created_at": WHEN})
    store.insert("stage_heads", {"run_id": run_id, "stage": stage, "version_id": vid})
    for upstream in inputs:
        store.insert("version_inputs", {"version_id": vid, "input_version_id": upstream})
    return vid


def _review(store: Store, task_id: str, run_id: int, vid: int, stage: str, model: str,
            judge: str, base: float) -> None:
    scores = {d: min(10.0, base + (i % 3) - 1) for i, d in enumerate(DIMENSIONS)}
    overall = base
    rid = store.insert("reviews", {
        "task_id": task_id, "run_id": run_id, "version_id": vid, "stage": stage,
        "target_model": model, "judge_model": judge, "overall": overall,
        "raw_text": json.dumps({**scores, "Overall": overall}), "parse_status": "ok",
        "source": "corpus", "created_at": WHEN})
    for dim, score in {**scores, "Overall": overall}.items():
        store.insert("review_scores", {"review_id": rid, "dimension": dim, "score": score})


def seed_demo(store: Store) -> dict[str, int]:
    """Write the demo data; returns a few ids the tests navigate to."""
    ids: dict[str, int] = {}
    with store.transaction():
        for name, text in TASKS.items():
            task = parse_task_text(name, text)
            upsert_task(store, task, "example")
            store.db.execute("UPDATE tasks SET created_at = ? WHERE id = ?", [WHEN, task.id])
        task_id = "acme2025_tide_gauges"
        for i, model in enumerate(MODELS):
            run_id = store.insert("runs", {"task_id": task_id, "mode": "stepwise",
                                           "model": model, "status": "done", "source": "corpus",
                                           "created_at": WHEN, "updated_at": WHEN})
            fill = {"title": f"Gap-aware surge forecasts ({TWISTS[i]})", "model": model,
                    "twist": TWISTS[i]}
            idea = _version(store, run_id, "idea", IDEA.format(**fill), model)
            proposal = _version(store, run_id, "proposal", PROPOSAL.format(**fill), model,
                                inputs=(idea,))
            for j, judge in enumerate(JUDGES):
                _review(store, task_id, run_id, idea, "idea", model, judge, 6 + (i + j) % 4)
                _review(store, task_id, run_id, proposal, "proposal", model, judge,
                        5 + (i * 2 + j) % 5)
            ids[f"idea:{model}"] = idea
            ids[f"proposal:{model}"] = proposal
        run_id = store.insert("runs", {"task_id": task_id, "mode": "end-to-end",
                                       "model": "o4-mini", "agent": "codex", "status": "done",
                                       "source": "corpus", "created_at": WHEN,
                                       "updated_at": WHEN})
        upstream: tuple[int, ...] = ()
        for stage in E2E_STAGES:
            text = f"# {stage.title()} of the end-to-end run\n\nWritten for the tests.\n"
            vid = _version(store, run_id, stage, text, "o4-mini",
                           stale=int(stage == "paper"), inputs=upstream)
            ids[f"e2e:{stage}"] = vid
            upstream = (vid,)
        ids["e2e_run"] = run_id
    return ids
