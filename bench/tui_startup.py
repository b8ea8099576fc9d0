"""Time to a usable console, measured the way a user sees it: `mlrtui --db X` in a real
terminal (tmux), polling the screen text until the task table shows, then until a search has
narrowed it, then until Enter has opened the task with its ideas comparison.

Usage: python bench/tui_startup.py [--db X] [--corpus PATH] [--repeat N] [--task ID]
Without --db the shared corpus is imported into a temporary database first.
Prints each run and the median of every step, in seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "mlrbench"


def capture(session: str) -> str:
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True,
                          text=True, check=False).stdout


def wait_for(session: str, text: str, timeout: float = 30.0) -> float:
    """Seconds until `text` is on the screen (polled every 5 ms)."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if text in capture(session):
            return time.perf_counter() - start
        time.sleep(0.005)
    raise TimeoutError(f"{text!r} not on screen after {timeout} s:\n{capture(session)}")


def one_run(command: list[str], task: str, total: int, env: dict[str, str]) -> dict[str, float]:
    """Start the app, wait for the table; type `/task`, wait for one match; Enter, wait for
    the six-model comparison. Each step is timed from the keystroke that starts it."""
    session = f"mlrtui-bench-{os.getpid()}"
    started = time.perf_counter()
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "36",
                    *command], check=True, env=env)
    try:
        wait_for(session, f" {total} of {total} tasks")
        steps = {"table": time.perf_counter() - started}
        at = time.perf_counter()
        subprocess.run(["tmux", "send-keys", "-t", session, "-l", f"/{task}"], check=True)
        wait_for(session, f" 1 of {total} tasks")
        steps["search"] = time.perf_counter() - at
        at = time.perf_counter()
        subprocess.run(["tmux", "send-keys", "-t", session, "Enter"], check=True)
        wait_for(session, "Ideas of 6 models")
        steps["open task"] = time.perf_counter() - at
        return steps
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True,
                       check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--task", default="iclr2025_bi_align")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is not installed", file=sys.stderr)
        return 2
    from mlrtui.store import open_store

    tmp = Path(tempfile.mkdtemp(prefix="mlrtui-bench-"))
    db = args.db
    if db is None:
        from mlrtui.importer import import_corpus

        db = tmp / "corpus.db"
        store = open_store(db)
        import_corpus(store, args.corpus.resolve())
        store.close()
    store = open_store(db)
    total = store.scalar("SELECT COUNT(*) FROM tasks")
    store.close()
    exe = Path(sys.executable).with_name("mlrtui")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "mlrtui.cli"]
    env = {**os.environ, "MLRTUI_CONFIG_DIR": str(tmp / "config"),
           "MLRTUI_DATA_DIR": str(tmp / "data")}
    runs = []
    for i in range(args.repeat):
        run = one_run([*command, "--db", str(db)], args.task, total, env)
        runs.append(run)
        print(f"run {i + 1}: " + ", ".join(f"{k} {v:.3f} s" for k, v in run.items()))
    print(f"{total} tasks in {db}")
    for key in runs[0]:
        values = [r[key] for r in runs]
        print(f"{key:>10}: median {statistics.median(values):.3f} s "
              f"(min {min(values):.3f}, max {max(values):.3f})")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
