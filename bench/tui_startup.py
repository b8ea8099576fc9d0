"""Time to a usable console, measured the way a user sees it: `mlrtui --db X` in a real
terminal (tmux), polling the screen text until the task table shows, then until a search has
narrowed it, then until Enter has opened the task with its ideas comparison.

The yardstick runs beside it: `bench/bare_table.py`, a bare Textual app showing a DataTable of
as many rows, started in the same tmux terminal, alternating with mlrtui run by run (so both
see the same machine load). Goal: mlrtui's table within 1.3x of the bare app's, median of 5.

Usage: python bench/tui_startup.py [--db X] [--corpus PATH] [--repeat N] [--task ID]
Without --db the shared corpus is imported into a temporary database first. Config and data
dirs are fresh temporary ones: run 1 validates the (absent) config before showing the table
and records it; later runs find it unchanged and validate it after the first paint.
Prints each run, the median of every step in seconds, and the start-up ratio.
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

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT / ".." / "shared" / "mlrbench"
BARE_APP = Path(__file__).resolve().with_name("bare_table.py")
GOAL = 1.3
# A tmux server of our own: a session added to a server that is already running (another
# user's, a test's) gets that server's environment, not ours, and then runs whatever code and
# config dirs that server was started with. The variables that matter are also passed with -e.
TMUX = ["tmux", "-L", f"mlrtui-bench-{os.getpid()}"]
PASSED = ("PYTHONPATH", "MLRTUI_CONFIG_DIR", "MLRTUI_DATA_DIR", "MLRTUI_CONFIG")


def tmux_env(env: dict[str, str]) -> list[str]:
    """`-e NAME=value` for each variable the started command must see, and `-c` the tree on
    PYTHONPATH: `python -m mlrtui.cli` imports mlrtui from its working directory first, so a
    session started elsewhere (in this checkout, for --compare) would run that code instead."""
    args = [arg for name in PASSED if name in env for arg in ("-e", f"{name}={env[name]}")]
    return args + (["-c", env["PYTHONPATH"]] if "PYTHONPATH" in env else [])


def capture(session: str) -> str:
    return subprocess.run([*TMUX, "capture-pane", "-p", "-t", session], capture_output=True,
                          text=True, check=False).stdout


def start(session: str, command: list[str], env: dict[str, str]) -> None:
    """A detached 120x36 tmux session running command (retried: a tmux server that is just
    exiting after the previous session refuses a new one)."""
    for _ in range(20):
        done = subprocess.run([*TMUX, "new-session", "-d", "-s", session, "-x", "120", "-y",
                               "36", *tmux_env(env), *command], env=env, capture_output=True,
                              check=False)
        if done.returncode == 0:
            return
        time.sleep(0.05)
    raise RuntimeError(f"tmux would not start: {done.stderr.decode().strip()}")


def wait_for(session: str, text: str, timeout: float = 30.0) -> float:
    """Seconds until `text` is on the screen (polled every 5 ms)."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if text in capture(session):
            return time.perf_counter() - start
        time.sleep(0.005)
    raise TimeoutError(f"{text!r} not on screen after {timeout} s:\n{capture(session)}")


def bare_run(rows: int, env: dict[str, str]) -> float:
    """Seconds from starting the bare app until its table's count line shows."""
    session = f"mlrtui-bare-{os.getpid()}"
    started = time.perf_counter()
    start(session, [sys.executable, str(BARE_APP), str(rows)], env)
    try:
        wait_for(session, f" {rows} of {rows} tasks")
        return time.perf_counter() - started
    finally:
        subprocess.run([*TMUX, "kill-session", "-t", session], capture_output=True,
                       check=False)


def one_run(command: list[str], task: str, total: int, env: dict[str, str]) -> dict[str, float]:
    """Start the app, wait for the table; type `/task`, wait for one match; Enter, wait for
    the six-model comparison. Each step is timed from the keystroke that starts it."""
    session = f"mlrtui-bench-{os.getpid()}"
    started = time.perf_counter()
    start(session, command, env)
    try:
        wait_for(session, f" {total} of {total} tasks")
        steps = {"table": time.perf_counter() - started}
        at = time.perf_counter()
        subprocess.run([*TMUX, "send-keys", "-t", session, "-l", f"/{task}"], check=True)
        wait_for(session, f" 1 of {total} tasks")
        steps["search"] = time.perf_counter() - at
        at = time.perf_counter()
        subprocess.run([*TMUX, "send-keys", "-t", session, "Enter"], check=True)
        wait_for(session, "Ideas of 6 models")
        steps["open task"] = time.perf_counter() - at
        return steps
    finally:
        subprocess.run([*TMUX, "kill-session", "-t", session], capture_output=True,
                       check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--task", default="iclr2025_bi_align")
    parser.add_argument("--compare", type=Path, metavar="ROOT",
                        help="another checkout (e.g. `git archive` of an older commit) run in "
                             "the same loop, for before/after figures")
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
    # This checkout's code, not whatever `mlrtui` is installed; compiled to bytecode first, as
    # an installed package is (with PYTHONDONTWRITEBYTECODE set, every start would otherwise
    # compile each imported module from source again: tens of ms the bare app, all of whose
    # modules are installed and compiled, never pays).
    command = [sys.executable, "-m", "mlrtui.cli"]
    for tree in [ROOT] + ([args.compare] if args.compare else []):
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "mlrtui")],
                       capture_output=True, check=True)
    env = {**os.environ, "MLRTUI_CONFIG_DIR": str(tmp / "config"),
           "MLRTUI_DATA_DIR": str(tmp / "data"), "PYTHONPATH": str(ROOT)}
    # An idle session keeps one tmux server up for the whole bench: no start pays for a
    # server starting, and none races one that is exiting.
    anchor = f"mlrtui-bench-anchor-{os.getpid()}"
    start(anchor, ["sleep", "3600"], env)
    runs, bare, other = [], [], []
    for i in range(args.repeat):
        bare.append(bare_run(total, env))
        run = one_run([*command, "--db", str(db)], args.task, total, env)
        runs.append(run)
        print(f"run {i + 1}: bare table {bare[-1]:.3f} s; mlrtui "
              + ", ".join(f"{k} {v:.3f} s" for k, v in run.items()))
        if args.compare:
            other.append(one_run([*command, "--db", str(db)], args.task, total,
                                 {**env, "PYTHONPATH": str(args.compare.resolve())}))
            print(f"       {args.compare}: "
                  + ", ".join(f"{k} {v:.3f} s" for k, v in other[-1].items()))
    print(f"{total} tasks in {db}; load average {os.getloadavg()[0]:.2f} on "
          f"{os.cpu_count()} cores")
    print(f"{'bare table':>10}: median {statistics.median(bare):.3f} s "
          f"(min {min(bare):.3f}, max {max(bare):.3f})")
    for key in runs[0]:
        values = [r[key] for r in runs]
        print(f"{key:>10}: median {statistics.median(values):.3f} s "
              f"(min {min(values):.3f}, max {max(values):.3f})")
    for key in other[0] if other else []:
        values = [r[key] for r in other]
        print(f"{key:>10}: median {statistics.median(values):.3f} s ({args.compare})")
    ratio = statistics.median(r["table"] for r in runs) / statistics.median(bare)
    print(f"start-up ratio: {ratio:.2f}x the bare app (goal <= {GOAL}x): "
          f"{'met' if ratio <= GOAL else 'not met'}")
    subprocess.run([*TMUX, "kill-session", "-t", anchor], capture_output=True, check=False)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
