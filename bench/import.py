"""Corpus import speed: import time of the shared MLR-Bench corpus into a fresh database against
merely reading the same files plus writing the same rows. Goal: import <= 1.25 x (read + floor).

Usage: python bench/import.py [CORPUS] [--repeat N] [--compare ROOT]

With --compare, another checkout's import (`git archive` of an older commit, say) runs in a
subprocess in the same loop, after this checkout's, for before/after figures.

Prints the best of N runs of each measure (the OS file cache is warm for all after a first
read; every import goes into a new temp-file database, deleted afterwards):
  read only      walk the tree and read every file's bytes (the floor of any importer);
  read + parse   the same, plus decoding text and parsing every JSON and CSV file;
  import         import_corpus into a fresh database;
  re-import      import_corpus again into that database (adds 0 rows; still reads, parses
                 and checks every file so the problem list is complete);
  sqlite floor   the rows the import stored, inserted into a fresh store in one transaction
                 (foreign keys on, synchronous=OFF, 64 MB page cache, executemany per table,
                 closed so the WAL is checkpointed): what writing that volume costs at least;
and the import's time per phase (tasks, stepwise outputs, end-to-end runs, reviews, human).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mlrtui.importer import import_corpus
from mlrtui.store import open_store

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "mlrbench"
PHASES = [("tasks", "tasks (parse + classify)"), ("stepwise ", "stepwise outputs"),
          ("agent_results/", "end-to-end runs"),
          ("agent_reviews/idea_proposal", "stepwise reviews"),
          ("agent_reviews/subset", "subset reviews"), ("human_eval/", "human evaluation")]


def read_all(root: Path, parse: bool = False) -> tuple[float, float, int, int]:
    """Walk and read every file; with parse, also decode text and parse JSON / CSV files.
    Returns (wall s, cpu s, files, bytes)."""
    start, cpu = time.perf_counter(), time.process_time()
    files = size = 0
    for folder, _, names in os.walk(root):
        for name in names:
            with open(os.path.join(folder, name), "rb") as fh:
                raw = fh.read()
            size += len(raw)
            files += 1
            if parse and name.endswith((".json", ".csv", ".md", ".log", ".txt")):
                text = raw.decode("utf-8", errors="replace")
                if name.endswith(".json"):
                    try:
                        json.loads(text)
                    except ValueError:
                        pass   # the JSON-lines file; the importer reports it
                elif name.endswith(".csv"):
                    list(csv.reader(io.StringIO(text)))
    return time.perf_counter() - start, time.process_time() - cpu, files, size


class PhaseTimer:
    """A ProgressSink that charges the time of each unit to its phase."""

    def __init__(self) -> None:
        self.phases: dict[str, float] = {}
        self.mark = time.perf_counter()

    def _charge(self, name: str) -> None:
        now = time.perf_counter()
        self.phases[name] = self.phases.get(name, 0.0) + now - self.mark
        self.mark = now

    def start(self, total: int, description: str = "") -> None:
        self._charge("set-up (list folders, batch logs, preload keys)")

    def advance(self, n: int = 1, detail: str = "") -> None:
        self._charge(next((name for prefix, name in PHASES if detail.startswith(prefix)),
                          "other"))

    def problem(self, path: str, message: str) -> None:
        pass

    def finish(self) -> None:
        self._charge("finish (last commit, coverage, problems)")


def import_once(root: Path) -> dict:
    """One fresh import, a re-import and the sqlite floor of what was stored."""
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bench.db")
        timer = PhaseTimer()
        start, cpu = time.perf_counter(), time.process_time()
        summary = import_corpus(store, root, progress=timer)
        first, first_cpu = time.perf_counter() - start, time.process_time() - cpu
        start = time.perf_counter()
        again = import_corpus(store, root)
        second = time.perf_counter() - start
        store.close()
        if again.added:
            raise SystemExit(f"second import added {again.added} rows")
        db_size = (Path(tmp) / "bench.db").stat().st_size
        floor = sqlite_floor(Path(tmp) / "bench.db", Path(tmp) / "floor.db")
    return {"import": (first, first_cpu), "reimport": second, "rows": summary.added,
            "db": db_size, "phases": timer.phases, "floor": floor}


def sqlite_floor(source: Path, target: Path) -> float:
    """Seconds to write the imported rows into a fresh store in one transaction, then close
    (which checkpoints the WAL into the database file)."""
    src = sqlite3.connect(source)
    tables = [r[0] for r in src.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' "
        "AND name NOT LIKE '\\_%' ESCAPE '\\'")]
    rows = {t: src.execute(f"SELECT * FROM [{t}]").fetchall() for t in tables}
    src.close()
    store = open_store(target)
    conn = store.db.conn
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -65536")
    for table in tables:
        conn.execute(f"DELETE FROM [{table}]")   # rows the migrations seeded, if any
    start = time.perf_counter()
    with store.transaction():
        for table in tables:
            if rows[table]:
                marks = ", ".join("?" * len(rows[table][0]))
                conn.executemany(f"INSERT INTO [{table}] VALUES ({marks})", rows[table])
    store.close()
    return time.perf_counter() - start


def compare_once(root: Path, corpus: Path) -> float:
    """Seconds of one fresh import by the code under `root` (a subprocess)."""
    code = ("import sys, tempfile, time\n"
            "from pathlib import Path\n"
            "from mlrtui.importer import import_corpus\n"
            "from mlrtui.store import open_store\n"
            "with tempfile.TemporaryDirectory() as tmp:\n"
            "    store = open_store(Path(tmp) / 'c.db')\n"
            "    start = time.perf_counter()\n"
            f"    import_corpus(store, Path({str(corpus)!r}))\n"
            "    print(time.perf_counter() - start)\n"
            "    store.close()\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONPATH": str(root)})
    return float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT.resolve())
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--compare", type=Path, metavar="ROOT")
    args = parser.parse_args()
    if not (args.corpus / "tasks").is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    read_all(args.corpus, parse=True)  # warm the OS cache and the JSON / CSV modules
    reads, parses, runs, other = [], [], [], []
    for _ in range(args.repeat):
        wall, cpu, files, size = read_all(args.corpus)
        reads.append((wall, cpu))
        parses.append(read_all(args.corpus, parse=True)[:2])
        runs.append(import_once(args.corpus))
        if args.compare:
            other.append(compare_once(args.compare.resolve(), args.corpus))
    (read_s, read_cpu), (parse_s, parse_cpu) = min(reads), min(parses)
    best = min(runs, key=lambda r: r["import"][0])
    import_s, import_cpu = best["import"]
    reimport_s = min(r["reimport"] for r in runs)
    floor_s = min(r["floor"] for r in runs)
    print(f"corpus:        {args.corpus} ({files} files, {size / 1e6:.1f} MB); "
          f"best of {args.repeat}")
    print(f"read only:     {read_s:6.3f} s wall  {read_cpu:6.3f} s cpu")
    print(f"read + parse:  {parse_s:6.3f} s wall  {parse_cpu:6.3f} s cpu  (decode, JSON, CSV)")
    print(f"import:        {import_s:6.3f} s wall  {import_cpu:6.3f} s cpu  "
          f"(fresh db: {best['rows']} rows, {best['db'] / 1e6:.1f} MB)")
    print(f"re-import:     {reimport_s:6.3f} s wall  (adds 0 rows)")
    print(f"sqlite floor:  {floor_s:6.3f} s wall  (the same rows, one transaction, no Python)")
    print(f"import ratio:  {import_s / read_s:5.1f}x read only (goal <= 3x)   "
          f"{import_s / parse_s:5.1f}x read + parse")
    print(f"re-import:     {reimport_s / read_s:5.1f}x read only               "
          f"{reimport_s / parse_s:5.1f}x read + parse")
    print(f"floor ratio:   {floor_s / read_s:5.1f}x read only: no importer storing these rows "
          f"can do better than read + floor = {(read_s + floor_s) / read_s:.1f}x")
    goal = import_s / (read_s + floor_s)
    print(f"goal ratio:    import / (read + floor) = {import_s:.3f} / "
          f"({read_s:.3f} + {floor_s:.3f}) = {goal:.2f}x (goal <= 1.25x): "
          f"{'met' if goal <= 1.25 else 'not met'}; load average {os.getloadavg()[0]:.2f} on "
          f"{os.cpu_count()} cores")
    if other:
        print(f"compare:       {args.compare}: import {min(other):6.3f} s wall (best of "
              f"{len(other)}) = {min(other) / (read_s + floor_s):.2f}x (read + floor)")
    print("import phases (best run):")
    for name, secs in sorted(best["phases"].items(), key=lambda kv: -kv[1]):
        print(f"  {secs:6.3f} s  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
