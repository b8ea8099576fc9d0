"""Batch overhead: `mlrtui run --stages idea` on every task against the loopback server, as a
user runs it (a real subprocess, start-up included), with the server's latency fixed.

Prints, for each code tree (this checkout, and --compare ROOT run in the same loop):
  wall           the command's wall time, and its ratio to the floor ceil(n / concurrency) x
                 latency (goal <= 1.1x);
  cpu            the command's CPU time (user + sys), and per call: (cpu of the batch - cpu of
                 the same command on a small batch of SMALL tasks) / (n - SMALL) (goal <= 5 ms),
                 so one-off costs (imports, the SDK client, the batch row) are not per call;
  stderr         the command's first stderr line (a concurrency cap that binds says so there).

Usage: python bench/batch.py [--tasks N] [--concurrency 16] [--latency 1.0] [--repeat 3]
                             [--compare ROOT] [--model-concurrency K] [--profile FILE]
Tasks are the shared corpus's (201) when it is present, else N synthetic ones of our own.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _paths  # noqa: F401  (puts tests/ on sys.path for the loopback server)

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "mlrbench"
WALL_GOAL, CPU_GOAL_MS = 1.1, 5.0
SMALL = 16
STARTED = 0.0       # time.monotonic() when the last command started


def make_db(path: Path, n: int, keep: int | None = None) -> int:
    """A database holding the corpus tasks (or n synthetic tasks), only the first `keep` of
    them when given; returns how many."""
    from mlrtui.store import open_store
    from mlrtui.store.tasks import load_task_dir

    store = open_store(path)
    if (CORPUS / "tasks").is_dir():
        load_task_dir(store, CORPUS.resolve() / "tasks", "corpus")
    else:
        for i in range(n):
            store.insert("tasks", {"id": f"bench2026_t{i:03d}", "venue": "bench", "year": 2026,
                                   "slug": f"t{i}", "title": f"Task {i}",
                                   "body": "A synthetic call for papers. " * 40,
                                   "category": "Others", "source": "user",
                                   "content_hash": str(i), "created_at": "now"})
    if keep is not None:
        with store.transaction():
            store.db.execute("DELETE FROM tasks WHERE id NOT IN "
                             "(SELECT id FROM tasks ORDER BY id LIMIT ?)", [keep])
    count = store.scalar("SELECT COUNT(*) FROM tasks")
    store.close()
    return count


def run_cli(code_root: Path, db: Path, env: dict[str, str], concurrency: int,
            profile: Path | None = None) -> tuple[float, float, str]:
    """(wall s, cpu s, first stderr line) of one `mlrtui run` of the idea stage."""
    global STARTED
    STARTED = time.monotonic()
    prefix = [sys.executable] + (["-m", "pyinstrument", "-r", "text", "-o", str(profile.resolve())]
                                 if profile else [])
    cmd = [*prefix, "-m", "mlrtui.cli", "--db", str(db), "run", "--task", "*", "--model",
           "loop", "--stages", "idea", "--concurrency", str(concurrency), "--quiet"]
    start = time.perf_counter()
    # Run from the tree itself: `python -m` puts the working directory first on sys.path, so
    # from this checkout's root --compare would run this checkout's code twice.
    proc = subprocess.Popen(cmd, env={**env, "PYTHONPATH": str(code_root)}, cwd=code_root,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out, err = proc.stdout.read(), proc.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"mlrtui run failed ({code_root}):\n{out}\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, (err.strip().splitlines() or [""])[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, default=201)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--model-concurrency", type=int, default=None,
                    help="the model's own cap in the config (default: the same as --concurrency)")
    ap.add_argument("--latency", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--compare", type=Path, metavar="ROOT")
    ap.add_argument("--profile", type=Path, help="profile the first batch into this file (pyinstrument text)")
    args = ap.parse_args()
    from loopback import LoopbackServer

    trees = [ROOT] + ([args.compare.resolve()] if args.compare else [])
    results: dict[Path, list[tuple[float, float, float, str]]] = {t: [] for t in trees}
    cap = args.model_concurrency or args.concurrency
    with tempfile.TemporaryDirectory() as tmp, LoopbackServer(latency_s=args.latency) as server:
        cfg = Path(tmp) / "config.toml"
        cfg.write_text(f'[models.loop]\nprovider = "openai"\nmodel = "gpt-4o"\n'
                       f'base_url = "{server.openai_base_url}"\napi_key_env = "BENCH_KEY"\n'
                       f"max_tokens = 128\ntimeout_s = 30.0\nconcurrency = {cap}\n",
                       encoding="utf-8")
        env = {**os.environ, "MLRTUI_CONFIG": str(cfg), "BENCH_KEY": "k-loopback",
               "MLRTUI_DATA_DIR": str(Path(tmp) / "data")}
        n = 0
        for i in range(args.repeat):
            for tree in trees:
                db = Path(tmp) / f"run-{i}-{trees.index(tree)}.db"
                n = make_db(db, args.tasks)
                profile = args.profile if args.profile and i == 0 and tree == ROOT else None
                server.requests.clear()
                wall, cpu, line = run_cli(tree, db, env, args.concurrency, profile)
                arrivals = sorted(r.at - STARTED for r in server.requests)
                small_db = Path(tmp) / f"small-{i}-{trees.index(tree)}.db"
                small = make_db(small_db, args.tasks, SMALL)
                _, small_cpu, _ = run_cli(tree, small_db, env, args.concurrency)
                per_call = (cpu - small_cpu) / (n - small) * 1000
                results[tree].append((wall, cpu, per_call, line))
                print(f"run {i + 1} {tree.name or tree}: wall {wall:.2f} s, cpu {cpu:.2f} s; "
                      f"{small} calls: cpu {small_cpu:.2f} s; {per_call:.1f} ms cpu per call; "
                      f"first request at {arrivals[0]:.2f} s, last at {arrivals[-1]:.2f} s, exit "
                      f"{wall - arrivals[-1] - args.latency:.2f} s after its reply")
    floor = math.ceil(n / min(args.concurrency, cap)) * args.latency
    print(f"{n} idea calls, --concurrency {args.concurrency}, model cap {cap}, latency "
          f"{args.latency:g} s: floor ceil(n/{min(args.concurrency, cap)}) x latency = "
          f"{floor:.1f} s; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    for tree in trees:
        rows = results[tree]
        wall = statistics.median(r[0] for r in rows)
        per_call = statistics.median(r[2] for r in rows)
        print(f"{tree!s:<40} wall median {wall:.2f} s = {wall / floor:.3f}x floor "
              f"(goal <= {WALL_GOAL}x); cpu per call median {per_call:.1f} ms "
              f"(goal <= {CPU_GOAL_MS:g} ms)")
        if rows[0][3]:
            print(f"{'':<40} stderr: {rows[0][3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
