"""A deterministic ledger of our own for the Models / Costs pilot and snapshot tests.

On top of the demo tasks: one batch with a $0.50 cap and three local runs (a priced model with
a $0.05 cap, a self-hosted model nobody prices, the embedded model), over five days, with a
retried 429, a call that gave up after three 500s, a cached hit and a model test call.
"""

from __future__ import annotations

import uuid

from ui.seed import seed_demo

from mlrtui.store import Store

DAY = "2025-05-0{}T{}:00+00:00"
STAGE_TEXT = "# Gap filling first\n\nA short idea written for the costs tests.\n"

# (day, hour, run, stage, purpose, model, provider, attempts, tokens in/out, cost, source)
# attempts: statuses of each attempt in order ("ok", "cached", "error:<text>").
CALLS = [
    (1, "09:00", "a", "idea", "stage", "gpt-4o", "openai", ["ok"], 1234, 567, 0.008755,
     "genai-prices"),
    (1, "09:05", "a", "idea", "judge", "claude-3-7-sonnet", "anthropic", ["ok"], 2100, 400,
     0.0123, "genai-prices"),
    (2, "10:00", "a", "literature", "stage", "gpt-4o", "openai",
     ["error:429 Too Many Requests (retry after 2s)", "ok"], 3000, 900, 0.0165, "genai-prices"),
    (2, "11:30", "b", "idea", "stage", "my-vllm-7b", "openai", ["ok"], 800, 350, None,
     "genai-prices"),
    (3, "08:15", "b", "proposal", "stage", "my-vllm-7b", "openai", ["ok"], 1500, 1200, None,
     "genai-prices"),
    (3, "14:00", "c", "idea", "stage", "smollm2-135m-instruct", "local", ["ok"], 300, 180, 0.0,
     "local"),
    (4, "09:40", "a", "proposal", "stage", "gpt-4o", "openai",
     ["error:500 Internal Server Error", "error:500 Internal Server Error",
      "error:gave up: 500 Internal Server Error"], None, None, None, None),
    (4, "09:50", "a", "proposal", "stage", "gpt-4o", "openai", ["ok"], 4200, 1600, 0.0265,
     "genai-prices"),
    (5, "16:20", "a", "proposal", "judge", "claude-3-7-sonnet", "anthropic", ["cached"], 3100,
     500, 0.0, "cache"),
    (5, "17:00", None, None, "test", "gpt-4o-mini", "openai", ["ok"], 21, 12, 0.0000104,
     "genai-prices"),
]


def seed_costs(store: Store) -> dict[str, int]:
    """Write the demo data plus the ledger; returns run, batch and version ids."""
    ids: dict[str, int] = dict(seed_demo(store))
    when = DAY.format(1, "08:00")
    with store.transaction():
        ids["batch"] = store.insert("batches", {"kind": "run", "budget_usd": 0.5,
                                                "created_at": when})
        for key, task, model, cap in (("a", "acme2025_tide_gauges", "gpt-4o", 0.05),
                                      ("b", "zeta2025_kitchen_robots", "my-vllm-7b", None),
                                      ("c", "acme2024_fair_lending", "smollm2-135m-instruct",
                                       None)):
            ids[f"run_{key}"] = store.insert("runs", {
                "task_id": task, "mode": "end-to-end", "model": model, "status": "running",
                "budget_usd": cap, "batch_id": ids["batch"], "created_at": when,
                "updated_at": when})
        ids["version_a_idea"] = store.insert("versions", {
            "run_id": ids["run_a"], "stage": "idea", "text": STAGE_TEXT, "author": "gpt-4o",
            "content_hash": uuid.uuid5(uuid.NAMESPACE_URL, STAGE_TEXT).hex,
            "created_at": when})
        tasks = {"a": "acme2025_tide_gauges", "b": "zeta2025_kitchen_robots",
                 "c": "acme2024_fair_lending"}
        for n, (day, hour, run, stage, purpose, model, provider, attempts, tin, tout, cost,
                source) in enumerate(CALLS):
            call_key = f"call-{n:02d}"
            for attempt, status in enumerate(attempts, start=1):
                failed = status.startswith("error:")
                version = ids["version_a_idea"] if (run, stage, purpose) == (
                    "a", "idea", "stage") else None
                store.insert("llm_calls", {
                    "call_key": call_key, "attempt": attempt,
                    "run_id": ids[f"run_{run}"] if run else None,
                    "batch_id": ids["batch"] if run else None,
                    "version_id": version, "task_id": tasks.get(run or ""),
                    "stage": stage, "purpose": purpose, "provider": provider, "model": model,
                    "model_original": model,
                    "input_tokens": None if failed else tin,
                    "output_tokens": None if failed else tout,
                    "cost_usd": None if failed else cost,
                    "price_source": None if failed else source,
                    "price_version": None if failed else "0.2.3",
                    "latency_s": 0.5 + attempt * 0.25 if status != "cached" else 0.0,
                    "status": "error" if failed else status,
                    "error": status.removeprefix("error:") if failed else None,
                    "created_at": DAY.format(day, hour)})
    return ids
