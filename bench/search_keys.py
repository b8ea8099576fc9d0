"""Search keystroke: milliseconds from one key typed in the Tasks screen's search box until the
table shows the narrowed rows, per key, in the real app (Textual's headless pilot, 120x36).

Types `iclr2025_bi_align` one key at a time (after `/`), waiting after each key until the
count line shows the expected number of matches, then deletes it again key by key. Prints the
median and max per key for this checkout, and for --compare ROOT (another checkout, e.g.
`git archive` of an older commit) run in a subprocess beside it. Goal: median < 50 ms.

Usage: python bench/search_keys.py [--db X] [--task ID] [--compare ROOT] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_MS = 50.0


async def measure(db: Path, task: str) -> tuple[list[float], list[float]]:
    """Seconds per keystroke (typing then deleting `task`), and per `home` key (moves the
    cursor, filters nothing: what the pilot harness itself costs)."""
    from mlrtui.config import load_settings
    from mlrtui.store import open_store
    from mlrtui.store.tasks import TaskFilter, list_tasks
    from mlrtui.ui.app import make_app

    store = open_store(db)
    settings = load_settings(db=db)
    expected = [len(list_tasks(store, TaskFilter(search=task[:i]))) for i in range(len(task) + 1)]
    total = expected[0]
    app = make_app(settings, store, corpus_path="")
    times: list[float] = []
    idle: list[float] = []
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("slash")

        async def key(name: str, want: int) -> None:
            start = time.perf_counter()
            await pilot.press(name)
            text = f"{want} of {total} tasks"
            while text not in str(app.screen.query_one("#filter-count").render()):
                await asyncio.sleep(0)
            await pilot.pause()          # the refresh that paints it
            times.append(time.perf_counter() - start)

        for _ in range(len(task)):      # the harness alone: a key that filters nothing
            start = time.perf_counter()
            await pilot.press("home")
            await pilot.pause()
            idle.append(time.perf_counter() - start)
        await pilot.press("end")
        for i, ch in enumerate(task, 1):
            await key("underscore" if ch == "_" else ch, expected[i])
        for i in range(len(task) - 1, -1, -1):
            await key("backspace", expected[i])
    store.close()
    return times, idle


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--task", default="iclr2025_bi_align")
    ap.add_argument("--compare", type=Path, metavar="ROOT")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(asyncio.run(measure(args.db, args.task))))
        return 0
    trees = [ROOT] + ([args.compare.resolve()] if args.compare else [])
    per_tree: dict[Path, list[float]] = {t: [] for t in trees}
    harness: dict[Path, list[float]] = {t: [] for t in trees}
    for _ in range(args.repeat):
        for tree in trees:
            out = subprocess.run([sys.executable, __file__, "--one", "--db", str(args.db),
                                  "--task", args.task], capture_output=True, text=True,
                                 check=True, env={**os.environ, "PYTHONPATH": str(tree)})
            times, idle = json.loads(out.stdout.strip().splitlines()[-1])
            per_tree[tree] += times
            harness[tree] += idle
    print(f"{len(per_tree[ROOT]) // args.repeat} keystrokes x {args.repeat} runs; load average "
          f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    for tree, times in per_tree.items():
        ms = [t * 1000 for t in times]
        idle_ms = statistics.median(harness[tree]) * 1000
        print(f"{tree!s:<40} per key: median {statistics.median(ms):.1f} ms, "
              f"max {max(ms):.1f} ms; a key that filters nothing: {idle_ms:.1f} ms; "
              f"narrowing costs {statistics.median(ms) - idle_ms:.1f} ms (goal: per key "
              f"median < {GOAL_MS:g} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
