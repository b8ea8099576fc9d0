"""Scale: the console and the leaderboard on a database 10x the imported corpus.

Builds the 10x database from the 1x one in SQL: every task, run, version (with its inputs and
stage heads), execution, file, review (with its scores), flag, human score and ledger row is
copied 9 times with new ids (a copy's task id has `x<k>` for `20`, so searching an original id
still finds exactly one task). Then measures, alternating 1x and 10x run by run:
  console start   `mlrtui --db X` in tmux until the task table shows (bench/tui_startup.py);
  search          typing `/<task id>` until the table shows one task;
  task open       Enter until the task's ideas comparison shows;
  leaderboard     `scores.aggregate.leaderboard(store, "idea")`, in process (median of 5).
Prints each figure's median at 1x and 10x and their ratio (goal <= 1.5x).

Usage: python bench/scale.py [--db CORPUS_DB] [--factor 10] [--repeat 3] [--task ID]
Without --db the shared corpus is imported into a temporary database first.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tui_startup

ROOT = Path(__file__).resolve().parents[1]
TABLES = ["tasks", "runs", "versions", "version_inputs", "stage_heads", "executions", "files",
          "reviews", "review_scores", "flags", "human_scores", "llm_calls"]
UNIQUE_TEXT = ("import_key", "call_key")
GOAL = 1.5


def _copy_sql(conn: sqlite3.Connection, table: str, offsets: dict[str, int]) -> str:
    """INSERT ... SELECT making copy `:k` of a table's rows, every id moved by k x offset."""
    fks = {r[3]: r[2] for r in conn.execute(f"PRAGMA foreign_key_list([{table}])")}
    exprs, cols = [], []
    for _, name, kind, _, _, pk in conn.execute(f"PRAGMA table_info([{table}])"):
        cols.append(f"[{name}]")
        ref = table if (pk and name == "id") else fks.get(name)
        if ref == "tasks":
            exprs.append(f"replace([{name}], '20', 'x' || :k)")
        elif ref in offsets:
            exprs.append(f"[{name}] + :k * {offsets[ref]}")
        elif name in UNIQUE_TEXT:
            exprs.append(f"[{name}] || '#c' || :k")
        else:
            exprs.append(f"[{name}]")
    return (f"INSERT INTO [{table}] ({', '.join(cols)}) "
            f"SELECT {', '.join(exprs)} FROM [{table}] WHERE {_original(table, conn)}")


def _original(table: str, conn: sqlite3.Connection) -> str:
    """Rows of the 1x data only (copies are added while copying): ids below the table's (or
    its parent's) offset; tasks listed before copying."""
    if table == "tasks":
        return "id IN (SELECT id FROM temp.original_tasks)"
    cols = {r[1] for r in conn.execute(f"PRAGMA table_info([{table}])")}
    key = next(c for c in ("id", "review_id", "version_id", "run_id") if c in cols)
    ref = table if key == "id" else {"review_id": "reviews", "version_id": "versions",
                                     "run_id": "runs"}[key]
    return f"[{key}] < :limit_{ref}"


def build_scaled(source: Path, target: Path, factor: int) -> dict[str, int]:
    """Copy source to target and add factor - 1 copies of its rows; returns row counts."""
    shutil.copyfile(source, target)
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    offsets = {}
    for table in TABLES:
        cols = {r[1]: r[5] for r in conn.execute(f"PRAGMA table_info([{table}])")}
        if cols.get("id") and table != "tasks":
            offsets[table] = (conn.execute(f"SELECT MAX(id) FROM [{table}]").fetchone()[0] or 0) + 1
    conn.execute("CREATE TEMP TABLE original_tasks AS SELECT id FROM tasks")
    conn.execute("BEGIN")
    for table in TABLES:
        sql = _copy_sql(conn, table, offsets)
        limits = {f"limit_{t}": off for t, off in offsets.items()}
        for k in range(1, factor):
            conn.execute(sql, {"k": k, **limits})
    conn.execute("COMMIT")
    counts = {t: conn.execute(f"SELECT COUNT(*) FROM [{t}]").fetchone()[0] for t in TABLES}
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return counts


def leaderboard_s(db: Path, repeat: int = 5) -> float:
    """Median seconds of the idea-stage leaderboard (a fresh process: a cold page cache of
    Python objects, the OS cache warm)."""
    code = ("import statistics, sys, time\n"
            "from mlrtui.store import open_store\n"
            "from mlrtui.scores.aggregate import leaderboard\n"
            f"store = open_store({str(db)!r})\n"
            "times = []\n"
            f"for _ in range({repeat}):\n"
            "    t = time.perf_counter(); board = leaderboard(store, 'idea')\n"
            "    times.append(time.perf_counter() - t)\n"
            "assert board.rows, 'no leaderboard rows'\n"
            "print(statistics.median(times))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return float(out.stdout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path)
    ap.add_argument("--factor", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--task", default="iclr2025_bi_align")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="mlrtui-scale-"))
    one = args.db
    if one is None:
        from mlrtui.importer import import_corpus
        from mlrtui.store import open_store

        one = tmp / "corpus.db"
        store = open_store(one)
        import_corpus(store, tui_startup.DEFAULT_CORPUS.resolve())
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
    many = tmp / f"x{args.factor}.db"
    started = time.perf_counter()
    counts = build_scaled(one, many, args.factor)
    print(f"built {many.name} in {time.perf_counter() - started:.1f} s: "
          + ", ".join(f"{t} {n}" for t, n in counts.items()))
    from mlrtui.store import open_store

    for db in (one, many):       # migrations (indexes) applied before timing anything
        open_store(db).close()
    env = {**os.environ, "MLRTUI_CONFIG_DIR": str(tmp / "config"),
           "MLRTUI_DATA_DIR": str(tmp / "data"), "PYTHONPATH": str(ROOT)}
    anchor = f"mlrtui-scale-anchor-{os.getpid()}"
    tui_startup.start(anchor, ["sleep", "3600"], env)
    figures: dict[str, dict[str, list[float]]] = {"1x": {}, f"{args.factor}x": {}}
    try:
        for i in range(args.repeat):
            for label, db in (("1x", one), (f"{args.factor}x", many)):
                total = sqlite3.connect(db).execute("SELECT COUNT(*) FROM tasks").fetchone()[0]
                run = tui_startup.one_run([sys.executable, "-m", "mlrtui.cli", "--db", str(db)],
                                          args.task, total, env)
                run["leaderboard"] = leaderboard_s(db)
                for key, value in run.items():
                    figures[label].setdefault(key, []).append(value)
                print(f"run {i + 1} {label}: " + ", ".join(f"{k} {v:.3f} s"
                                                            for k, v in run.items()))
    finally:
        subprocess.run([*tui_startup.TMUX, "kill-session", "-t", anchor], capture_output=True, check=False)
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; medians:")
    worst = 0.0
    base, big = figures["1x"], figures[f"{args.factor}x"]
    for key in base:
        a, b = statistics.median(base[key]), statistics.median(big[key])
        worst = max(worst, b / a)
        print(f"{key:>12}: 1x {a:.3f} s  {args.factor}x {b:.3f} s  ratio {b / a:.2f}x "
              f"(goal <= {GOAL}x)")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0 if worst <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
