"""How fast the judging screens are on the imported corpus: each core call they make, and each
mode's time to a drawn screen (headless pilot, workers waited for).

Usage: python bench/judge_screens.py [--db X] [--corpus PATH] [--repeat N]
Without --db the shared corpus is imported into a temporary database first.
Prints the median of every step in seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "mlrbench"


def timed(fn: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def core_calls(store, repeat: int) -> dict[str, float]:
    from mlrtui.judge.flags import list_flags, precision
    from mlrtui.judge.judging import find_targets
    from mlrtui.judge.rubrics import rubric_for_stage
    from mlrtui.scores import agreement
    from mlrtui.scores.aggregate import distribution, judge_pairs, leaderboard, load_items

    idea = rubric_for_stage("idea")
    board = leaderboard(store, "idea")
    a, b = board.judges[:2]
    return {
        "judge panel: find_targets(idea)": timed(lambda: find_targets(store, idea), repeat),
        "judge panel: load_items(idea)": timed(lambda: load_items(store, "idea", variant=""),
                                               repeat),
        "flags: list_flags + precision": timed(lambda: (list_flags(store), precision(store)),
                                               repeat),
        "stats: leaderboard(idea)": timed(lambda: leaderboard(store, "idea"), repeat),
        "stats: distribution(idea, Overall)": timed(
            lambda: distribution(store, "idea", "Overall"), repeat),
        "stats: judge_pairs(idea, Overall)": timed(
            lambda: judge_pairs(store, "idea", "Overall", a, b), repeat),
        "stats: agreement.from_store(all)": timed(lambda: agreement.from_store(store), repeat),
    }


async def screen_times(store, repeat: int) -> dict[str, float]:
    from mlrtui.config import load_settings
    from mlrtui.ui.app import make_app

    out: dict[str, list[float]] = {}
    for _ in range(repeat):
        app = make_app(load_settings(db=store.path), store, corpus_path="")
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            for mode in ("judges", "flags", "review", "stats"):
                start = time.perf_counter()
                app.go_to(mode)
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
                out.setdefault(f"mode {mode}: drawn", []).append(time.perf_counter() - start)
    return {k: statistics.median(v) for k, v in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="mlrtui-bench-")
    os.environ.setdefault("MLRTUI_CONFIG_DIR", f"{home}/config")
    os.environ.setdefault("MLRTUI_DATA_DIR", f"{home}/data")
    from mlrtui.importer import import_corpus
    from mlrtui.store import open_store

    if args.db is None:
        store = open_store(Path(home) / "corpus.db")
        start = time.perf_counter()
        import_corpus(store, args.corpus.resolve())
        print(f"import: {time.perf_counter() - start:.2f} s")
    else:
        store = open_store(args.db)
    counts = {t: store.scalar(f"SELECT COUNT(*) FROM {t}")
              for t in ("runs", "reviews", "review_scores", "flags", "human_scores")}
    print("rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    for name, seconds in core_calls(store, args.repeat).items():
        print(f"{name:<42} {seconds:7.3f} s")
    for name, seconds in asyncio.run(screen_times(store, args.repeat)).items():
        print(f"{name:<42} {seconds:7.3f} s")


if __name__ == "__main__":
    main()
