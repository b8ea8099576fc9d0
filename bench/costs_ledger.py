"""How long the Costs screen's queries take on a big ledger: everything one (re)load runs, for no
filter, a model filter and a task search, plus the Costs screen itself opening in a headless app.

Usage: python bench/costs_ledger.py [--calls N] [--repeat R]
Writes N synthetic attempts (our own values: 40 tasks, 5 models, 8% failed attempts, some
unpriced) into a temporary database, then prints the median seconds of each step.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path

from mlrtui.config import load_settings
from mlrtui.costs.calls import budget_uses, call_facets, count_calls, list_calls, spend_by_day
from mlrtui.costs.summary import CallFilter, summarize, totals
from mlrtui.store import Store, open_store

MODELS = [("gpt-4o", 0.01), ("claude-3-7-sonnet", 0.012), ("o4-mini", 0.004),
          ("my-vllm-7b", None), ("smollm2-135m-instruct", 0.0)]
STAGES = ["idea", "literature", "proposal", "experiment", "paper"]


def fill(store: Store, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        model, cost = rng.choice(MODELS)
        failed = rng.random() < 0.08
        day = 1 + i * 28 // n
        rows.append({
            "call_key": f"k{i}", "attempt": 1, "task_id": f"bench2025_task_{i % 40:02d}",
            "stage": STAGES[i % 5], "purpose": "stage", "provider": "openai", "model": model,
            "input_tokens": None if failed else 1500, "output_tokens": None if failed else 600,
            "cost_usd": None if failed or cost is None else cost * rng.random(),
            "latency_s": 1.0, "status": "error" if failed else "ok",
            "error": "500 Internal Server Error" if failed else None,
            "created_at": f"2025-05-{day:02d}T12:00:00+00:00"})
    with store.transaction() as db:
        db["llm_calls"].insert_all(rows, batch_size=2000)


def load(store: Store, settings, flt: CallFilter) -> None:
    """What CostsScreen.load asks the core for."""
    list_calls(store, flt, 500)
    count_calls(store, flt)
    totals(store, flt=flt)
    summarize(store, "task", flt=flt)
    budget_uses(store, settings)
    spend_by_day(store, flt)
    call_facets(store)


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


async def open_screen(store: Store, settings) -> float:
    from mlrtui.ui.app import make_app
    from mlrtui.ui.widgets.ledger_tables import LedgerTable

    app = make_app(settings, store, corpus_path="")
    async with app.run_test(size=(120, 36)) as pilot:
        start = time.perf_counter()
        app.go_to("costs")
        while not app.screen.query(LedgerTable) or not app.screen.query_one(
                LedgerTable).row_count:
            await pilot.pause(0.01)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bench.db")
        settings = load_settings(db=store.path)
        start = time.perf_counter()
        fill(store, args.calls)
        print(f"ledger: {args.calls:,} attempts written in {time.perf_counter() - start:.2f} s")
        for name, flt in (("no filter", CallFilter()), ("model filter", CallFilter(
                model="gpt-4o")), ("task search", CallFilter(task="task_07"))):
            seconds = timed(lambda f=flt: load(store, settings, f), args.repeat)
            print(f"reload, {name:<13} {seconds:.3f} s (median of {args.repeat})")
        print(f"open the Costs screen: {asyncio.run(open_screen(store, settings)):.3f} s")
        store.close()


if __name__ == "__main__":
    main()
