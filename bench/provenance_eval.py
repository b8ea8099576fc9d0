"""Provenance check against hand labels: precision and recall of "untraced", wrongly traced numbers.

Usage: python bench/provenance_eval.py [CORPUS] [--db FILE] [--labels CSV ...] [--show]

The labels (tests/fixtures/provenance_labels.csv, facts only: run, document, line, value, true
label, one-word reason) were made by reading the documents against the runs' logs and tool
outputs. A label is `traced` or `derived` (backed by output of code that ran), `untraced`
(nowhere in executed output: typed, simulated, invented) or `setting` (not a result; the check
should not extract it). "Called untraced" means the check's verdict untraced or contradicted.
Imports the corpus into a temp database unless --db names an imported one.
"""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from mlrtui.importer import import_corpus
from mlrtui.provenance import check
from mlrtui.provenance.sources import load_inputs
from mlrtui.store import open_store

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "mlrbench"
LABELS = ROOT / "tests" / "fixtures" / "provenance_labels.csv"
# the set the rules were tuned on, and a held-out set labelled independently afterwards
LABEL_SETS = [LABELS, ROOT / "tests" / "fixtures" / "provenance_labels_holdout.csv"]
BACKED = ("traced", "derived")


def read_labels(path: Path) -> dict[str, dict[tuple[str, int, str], str]]:
    """run key -> (doc, line, value) -> label."""
    out: dict[str, dict[tuple[str, int, str], str]] = defaultdict(dict)
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out[row["run"]][(row["doc"], int(row["line"]), row["value"])] = row["label"]
    return out


def evaluate(store, labels: dict[str, dict[tuple[str, int, str], str]],
             show: bool = False) -> tuple[Counter, list[str]]:
    """Run the check on each labelled run; confusion counts overall and one line per run."""
    total: Counter = Counter()
    lines = []
    for key, mine in labels.items():
        rid = store.scalar("SELECT id FROM runs WHERE import_key = ?", [f"corpus:run:{key}"])
        if rid is None:
            lines.append(f"{key}: not in the database")
            continue
        t0 = time.perf_counter()
        inp = load_inputs(store, rid)
        report = check(inp.docs, inp.evidence, inp.code, inp.run_date, inp.artifacts)
        secs = time.perf_counter() - t0
        c: Counter = Counter()
        seen = set()
        for claim in report.claims:
            k = (claim.doc, claim.line, claim.value)
            truth = mine.get(k)
            if truth is None:
                c["unlabelled"] += 1
                continue
            seen.add(k)
            said = "untraced" if claim.status in ("untraced", "contradicted") else "backed"
            if truth == "setting":
                c["setting extracted"] += 1
                continue
            real = "untraced" if truth == "untraced" else "backed"
            c[f"{real}/{said}"] += 1
            if show and real != said:
                print(f"  {key} {claim.doc}:{claim.line} {claim.value}: label {truth}, "
                      f"check {claim.status} {claim.rule}")
        c["missing"] = sum(1 for k, v in mine.items() if k not in seen and v != "setting")
        total += c
        lines.append(f"{key[:58]:58} {c['untraced/untraced']:4} {c['backed/untraced']:4} "
                     f"{c['untraced/backed']:4} {c['backed/backed']:4} {c['missing']:4} "
                     f"{c['setting extracted']:4} {secs:6.2f}")
    return total, lines


def _summary(total: Counter) -> str:
    tp, fp = total["untraced/untraced"], total["backed/untraced"]
    fn, tn = total["untraced/backed"], total["backed/backed"]
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return (f"labelled claims checked: {tp + fp + fn + tn} ({tp + fn} truly untraced); "
            f"missing (label, no claim): {total['missing']}; settings extracted: "
            f"{total['setting extracted']}; unlabelled claims: {total['unlabelled']}\n"
            f"untraced precision {prec:.1%} ({tp}/{tp + fp}), recall {rec:.1%} ({tp}/{tp + fn}); "
            f"wrongly traced: {fn}; backed numbers called untraced: {fp}")


def main(argv: list[str]) -> int:
    db = Path(argv[argv.index("--db") + 1]) if "--db" in argv else None
    labs = [Path(argv[i + 1]) for i, a in enumerate(argv) if a == "--labels"] or LABEL_SETS
    args = [a for a in argv if not a.startswith("--") and a not in {str(db), *map(str, labs)}]
    corpus = Path(args[0]) if args else CORPUS
    for lab in labs:
        if not lab.is_file():
            print(f"{lab}: no such labels file", file=sys.stderr)
            return 2
    tmp = tempfile.TemporaryDirectory()
    if db is None:
        if not (corpus / "agent_results").is_dir():
            print(f"{corpus}: no agent_results folder (pass the corpus path)", file=sys.stderr)
            return 2
        db = Path(tmp.name) / "corpus.db"
        store = open_store(db)
        import_corpus(store, corpus.resolve())
    else:
        store = open_store(db)
    grand: Counter = Counter()
    try:
        for lab in labs:
            start = time.perf_counter()
            total, lines = evaluate(store, read_labels(lab), show="--show" in argv)
            wall = time.perf_counter() - start
            grand += total
            print(f"== {lab.name}")
            print(f"{'run':58} {'TP':>4} {'FP':>4} {'FN':>4} {'TN':>4} {'miss':>4} {'set':>4} "
                  f"{'secs':>6}")
            print("\n".join(lines))
            print(f"\n{_summary(total)}")
            print(f"check time over {len(lines)} runs: {wall:.2f} s\n")
    finally:
        store.close()
        tmp.cleanup()
    if len(labs) > 1:
        print(f"== all label sets\n{_summary(grand)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
