"""Search keystroke: milliseconds from one key typed in the Tasks screen's search box until the
table shows the narrowed rows, per key. Goal: median < 50 ms.

Two measures, both typing `iclr2025_bi_align` one key at a time (after `/`) and deleting it
again, each key waiting until the screen shows its whole effect:

- `--tmux` (the goal's figure): `mlrtui --db X` in a real 120x36 terminal (tmux), as a user
  types. Per key: from `tmux send-keys` until `tmux capture-pane` shows the search box with the
  typed text and the count line with the expected number of matches, i.e. the narrowed table
  painted and on the terminal. This includes tmux's own latency and the 2 ms polling, so it is
  an upper bound on the app's; the time of one capture is printed beside it.
- default: in-process under Textual's headless pilot (no terminal): per key until the count
  line shows the matches and the pilot's pause returns, plus what a key that filters nothing
  costs in the same harness. The harness itself dominates this figure.

Prints the median and max per key for this checkout, and for --compare ROOT (another checkout,
e.g. `git archive` of an older commit) run beside it.

Usage: python bench/search_keys.py --db X [--task ID] [--compare ROOT] [--repeat 3] [--tmux]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
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


def _tmux(*args: str) -> subprocess.CompletedProcess:
    """tmux on a server of our own (see tui_startup.TMUX)."""
    from tui_startup import TMUX

    return subprocess.run([*TMUX, *args], capture_output=True, text=True, check=False)


def tmux_keys(tree: Path, db: Path, task: str) -> tuple[list[float], list[float]]:
    """Seconds per keystroke in `mlrtui --db db` (code of `tree`) in tmux, and seconds per
    `capture-pane` (the polling's resolution)."""
    from mlrtui.store import open_store
    from mlrtui.store.tasks import TaskFilter, list_tasks

    store = open_store(db)
    expected = [len(list_tasks(store, TaskFilter(search=task[:i]))) for i in range(len(task) + 1)]
    store.close()
    total = expected[0]
    tmp = Path(tempfile.mkdtemp(prefix="mlrtui-keys-"))
    env = {**os.environ, "MLRTUI_CONFIG_DIR": str(tmp / "config"),
           "MLRTUI_DATA_DIR": str(tmp / "data"), "PYTHONPATH": str(tree)}
    session = f"mlrtui-keys-{os.getpid()}"
    from tui_startup import TMUX, tmux_env

    subprocess.run([*TMUX, "new-session", "-d", "-s", session, "-x", "120", "-y", "36",
                    *tmux_env(env), sys.executable, "-m", "mlrtui.cli", "--db", str(db)],
                   env=env, check=True)
    times: list[float] = []
    captures: list[float] = []

    def screen() -> list[str]:
        start = time.perf_counter()
        lines = _tmux("capture-pane", "-p", "-t", session).stdout.splitlines()
        captures.append(time.perf_counter() - start)
        return lines

    def wait(typed: str, want: int) -> None:
        count = f" {want} of {total} tasks"
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline:
            lines = screen()
            bar = "".join(lines[1:4])
            if (count in bar and (typed in bar if typed else True)
                    and ("search id or title" not in bar) == bool(typed)):
                return
            time.sleep(0.002)
        raise TimeoutError(f"{typed!r} / {count!r} not on screen:\n" + "\n".join(screen()))

    try:
        wait("", total)
        time.sleep(1.0)                 # past the start-up work done after the first frame
        _tmux("send-keys", "-t", session, "/")
        time.sleep(0.3)
        for i in range(1, len(task) + 1):
            start = time.perf_counter()
            _tmux("send-keys", "-t", session, "-l", task[i - 1])
            wait(task[:i], expected[i])
            times.append(time.perf_counter() - start)
        for i in range(len(task) - 1, -1, -1):
            start = time.perf_counter()
            _tmux("send-keys", "-t", session, "BSpace")
            wait(task[:i], expected[i])
            times.append(time.perf_counter() - start)
    finally:
        _tmux("kill-session", "-t", session)
        shutil.rmtree(tmp, ignore_errors=True)
    return times, captures


def main_tmux(args: argparse.Namespace, trees: list[Path]) -> int:
    per_tree: dict[Path, list[float]] = {t: [] for t in trees}
    captures: list[float] = []
    for _ in range(args.repeat):
        for tree in trees:
            times, caps = tmux_keys(tree, args.db, args.task)
            per_tree[tree] += times
            captures += caps
    print(f"tmux: {len(per_tree[trees[0]]) // args.repeat} keystrokes x {args.repeat} runs; "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; one "
          f"capture-pane takes {statistics.median(captures) * 1000:.1f} ms (median)")
    for tree, times in per_tree.items():
        ms = sorted(t * 1000 for t in times)
        print(f"{tree!s:<40} key to narrowed table on the terminal: median "
              f"{statistics.median(ms):.1f} ms, 90th percentile {ms[int(len(ms) * 0.9)]:.1f} "
              f"ms, max {ms[-1]:.1f} ms (goal: median < {GOAL_MS:g} ms)")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--task", default="iclr2025_bi_align")
    ap.add_argument("--compare", type=Path, metavar="ROOT")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--tmux", action="store_true",
                    help="the real app in a tmux terminal (the goal's figure)")
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(asyncio.run(measure(args.db, args.task))))
        return 0
    trees = [ROOT] + ([args.compare.resolve()] if args.compare else [])
    if args.tmux:
        return main_tmux(args, trees)
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
