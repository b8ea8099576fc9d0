"""What judging every imported idea and proposal costs per judge, live vs through a provider
batch API: a COMPUTED ESTIMATE, no model is called.

Usage: python bench/batch_api_costs.py [--db FILE] [--corpus DIR] [--all]
Items: the ideas and proposals the corpus's own judges reviewed (--all: every current one).
Without --db the reference corpus (../shared/mlrbench) is imported into a temporary database.
Input tokens: the judge prompt each item would get (the rubric's system prompt plus the task
and the judged text, built by the same code that builds live judge calls), counted with the
project's ~3.5 characters-a-token estimate. Output tokens: the mean length of the corpus's own
stored reviews of that stage, by the same estimate. Prices: genai-prices (live), and its batch
rate where it has one, else 50% of live (the providers' documented batch discount).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from mlrtui.costs.batch_pricing import price_batch
from mlrtui.costs.pricing import genai_prices_version, price_usage
from mlrtui.judge.inputs import build_messages
from mlrtui.judge.judging import find_targets
from mlrtui.judge.rubrics import rubric_for_stage
from mlrtui.providers.base import Usage, estimate_tokens
from mlrtui.store import Store, open_store

ROOT = Path(__file__).resolve().parents[1]
JUDGES = [("anthropic", "claude-3-7-sonnet-20250219"), ("anthropic", "claude-sonnet-4-6"),
          ("openai", "gpt-4o"), ("openai", "o4-mini")]


def open_corpus(db: Path | None, corpus: Path, tmp: str) -> Store:
    if db is not None:
        return open_store(db)
    from mlrtui.importer import import_corpus

    path = Path(tmp) / "corpus.db"
    store = open_store(path)
    started = time.perf_counter()
    import_corpus(store, corpus)
    print(f"imported {corpus} into {path} in {time.perf_counter() - started:.1f} s")
    return store


def stage_usage(store: Store, stage: str, every: bool) -> tuple[int, Usage, str]:
    """(items, summed usage of judging each once, how the output length was chosen).
    By default the items are the versions the corpus's own judges reviewed."""
    rubric = rubric_for_stage(stage)
    targets = find_targets(store, rubric)
    if not every:
        reviewed = {r["version_id"] for r in store.query(
            "SELECT DISTINCT version_id FROM reviews WHERE stage = ?", [stage])}
        targets = [t for t in targets if t.version_id in reviewed]
    usage = Usage()
    for t in targets:
        messages, _ = build_messages(store, rubric, t.run_id, t.version_id, t.task_body,
                                     context_tokens=None, max_tokens=rubric.max_tokens,
                                     compact=False)
        usage.input_tokens += sum(estimate_tokens(m.content) + 4 for m in messages)
    texts = [r["raw_text"] for r in store.query(
        "SELECT raw_text FROM reviews WHERE stage = ? AND raw_text != ''", [stage])]
    if texts:
        out = sum(estimate_tokens(t) for t in texts) // len(texts)
        how = f"mean of {len(texts)} stored {stage} reviews: {out} tokens"
    else:
        out, how = rubric.max_tokens, f"rubric max_tokens {out}"
    usage.output_tokens = out * len(targets)
    return len(targets), usage, how


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="an already imported database")
    ap.add_argument("--corpus", type=Path, default=ROOT / ".." / "shared" / "mlrbench")
    ap.add_argument("--all", action="store_true",
                    help="every current idea and proposal, not only those the corpus judged")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="mlrtui-bench-") as tmp:
        report(open_corpus(args.db, args.corpus.resolve(), tmp), args.all)


def report(store: Store, every: bool) -> None:
    total_items, total = 0, Usage()
    for stage in ("idea", "proposal"):
        n, usage, how = stage_usage(store, stage, every)
        print(f"{stage}: {n} items, {usage.input_tokens / 1e6:.2f} M input tokens (estimated), "
              f"output per review = {how}")
        total_items += n
        total.input_tokens += usage.input_tokens
        total.output_tokens += usage.output_tokens
    print(f"\nESTIMATE (computed, no calls made): judging {total_items} ideas and proposals "
          f"once per judge, {total.input_tokens / 1e6:.2f} M in + "
          f"{total.output_tokens / 1e6:.2f} M out tokens; genai-prices {genai_prices_version()}")
    print(f"{'judge':<30} {'live USD':>10} {'batch USD':>10} {'saved':>10}  batch price from")
    for provider, model in JUDGES:
        live, _, _ = price_usage(model, provider, total)
        batch, source, _ = price_batch(model, provider, total)
        if live is None or batch is None:
            print(f"{model:<30} {'unpriced':>10}")
            continue
        print(f"{model:<30} {live:>10.2f} {batch:>10.2f} {live - batch:>10.2f}  {source}")
    store.close()


if __name__ == "__main__":
    main()
