"""Corpus import speed: time to import the shared MLR-Bench corpus into a fresh database, and
its ratio to merely reading the same files (walk the tree, read every file's bytes). Goal <= 3x.

Usage: python bench/import.py [CORPUS] [--repeat N]
Prints the best of N runs of each (the OS file cache is warm for both after the first read).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from mlrtui.core.importer import import_corpus
from mlrtui.store import open_store

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "mlrbench"


def read_all(root: Path, parse: bool = False) -> tuple[float, float, int, int]:
    """Walk and read every file: the floor any importer of this corpus has to pay.

    With parse, text files are also decoded and JSON / CSV files parsed (the work no importer
    can skip either). Returns (wall s, cpu s, files, bytes).
    """
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


def import_once(root: Path) -> tuple[float, float, float, dict[str, int], int]:
    """(wall s, cpu s, re-import wall s, counts, db bytes) of one fresh import."""
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bench.db")
        start, cpu = time.perf_counter(), time.process_time()
        summary = import_corpus(store, root)
        first, first_cpu = time.perf_counter() - start, time.process_time() - cpu
        start = time.perf_counter()
        again = import_corpus(store, root)
        second = time.perf_counter() - start
        store.close()
        db_size = (Path(tmp) / "bench.db").stat().st_size
    if again.added:
        raise SystemExit(f"second import added {again.added} rows")
    return first, first_cpu, second, summary.counts, db_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT.resolve())
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not (args.corpus / "tasks").is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    read_all(args.corpus)  # warm the OS cache so both sides read from memory
    reads, parses, imports, reimports = [], [], [], []
    for _ in range(args.repeat):
        wall, cpu, files, size = read_all(args.corpus)
        reads.append((wall, cpu))
        parses.append(read_all(args.corpus, parse=True)[:2])
        first, first_cpu, second, counts, db_size = import_once(args.corpus)
        imports.append((first, first_cpu))
        reimports.append(second)
    (read_s, read_cpu), (parse_s, parse_cpu) = min(reads), min(parses)
    import_s, import_cpu = min(imports)
    print(f"corpus:          {args.corpus} ({files} files, {size / 1e6:.1f} MB)")
    print(f"read only:       {read_s:.3f} s wall, {read_cpu:.3f} s cpu")
    print(f"read + parse:    {parse_s:.3f} s wall, {parse_cpu:.3f} s cpu  (decode, JSON, CSV)")
    print(f"import:          {import_s:.3f} s wall, {import_cpu:.3f} s cpu  "
          f"({sum(counts.values())} rows, db {db_size / 1e6:.1f} MB)")
    print(f"re-import:       {min(reimports):.3f} s wall  (adds 0 rows)")
    print(f"ratio:           {import_s / read_s:.1f}x reading (goal <= 3x); "
          f"{import_s / parse_s:.1f}x reading + parsing; cpu {import_cpu / read_cpu:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
