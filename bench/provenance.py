"""Result provenance through the product: import the corpus, then `mlrtui provenance --all`.

Usage: python bench/provenance.py [CORPUS] [--db FILE]

Imports the shared MLR-Bench corpus into a fresh temp database (or uses --db, already imported),
then runs the `mlrtui provenance --all` service over every end-to-end and experiment run: per run
the claims by verdict, findings, provenance figure, flags and where the evidence came from
(executions, a parsed transcript, files), beside the judges' hallucination verdicts in the
database; then totals, the check time and the import time.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from mlrtui.importer import import_corpus
from mlrtui.services import provenance as P
from mlrtui.store import open_store

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "mlrbench"


def main(argv: list[str]) -> int:
    db = Path(argv[argv.index("--db") + 1]) if "--db" in argv else None
    args = [a for a in argv if not a.startswith("--") and (db is None or a != str(db))]
    corpus = Path(args[0]) if args else DEFAULT
    tmp = tempfile.TemporaryDirectory()
    imported = 0.0
    if db is None:
        if not (corpus / "agent_results").is_dir():
            print(f"{corpus}: no agent_results folder (pass the corpus path)", file=sys.stderr)
            return 2
        db = Path(tmp.name) / "corpus.db"
        t0 = time.perf_counter()
        store = open_store(db)
        import_corpus(store, corpus.resolve())
        imported = time.perf_counter() - t0
    else:
        store = open_store(db)
    try:
        start = time.perf_counter()
        checks = P.check_runs(store, P.select_runs(store, all_runs=True))
        wall = time.perf_counter() - start
        print(f"{'run':>5} {'task / agent':38} {'claims':>6} {'trace':>5} {'deriv':>5} "
              f"{'contr':>5} {'untr':>5} {'weak':>4} {'find':>4} {'fig':>5} {'flags':>5} "
              f"{'check':7} {'evidence from':30} judges: flagged")
        tot = dict.fromkeys(("claims", "traced", "derived", "contradicted", "untraced", "weak",
                             "findings", "flags"), 0)
        for rc in checks:
            f = rc.figures
            flags = rc.flags["added"] + rc.flags["kept"]
            for k in tot:
                tot[k] += flags if k == "flags" else len(f.findings) if k == "findings" \
                    else getattr(f, k)
            judges = ", ".join(f"{v.judge}/{v.stage}={'yes' if v.flagged else 'no'}"
                               for v in rc.verdicts) or "-"
            fig = "-" if f.figure is None else f"{f.figure:.2f}"
            print(f"{rc.run_id:>5} {rc.label[:38]:38} {f.claims:>6} {f.traced:>5} "
                  f"{f.derived:>5} {f.contradicted:>5} {f.untraced:>5} {f.weak:>4} "
                  f"{len(f.findings):>4} {fig:>5} {flags:>5} "
                  f"{'suspect' if rc.suspected else 'ok':7} {(f.evidence_source or '-')[:30]:30}"
                  f" {judges}")
        backed = tot["traced"] + tot["derived"]
        share = f"{backed / tot['claims']:.1%}" if tot["claims"] else "-"
        print(f"\n{len(checks)} runs: {tot['claims']} claims, {tot['traced']} traced, "
              f"{tot['derived']} derived, {tot['contradicted']} contradicted, "
              f"{tot['untraced']} untraced ({tot['weak']} weak); {share} traced or derived; "
              f"{tot['findings']} audit/citation findings; {tot['flags']} provenance flags; "
              f"{sum(rc.suspected for rc in checks)} runs suspect")
        print(f"check all: {wall:.2f} s" + (f"; corpus import: {imported:.2f} s"
                                             if imported else ""))
    finally:
        store.close()
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
