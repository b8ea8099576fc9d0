"""Tokens/s of the embedded model through mlrtui's LocalProvider vs raw llama-cpp-python.

Both use the same loaded model, prompt, thread count and greedy decoding, so the ratio shows
what the provider adds (thread hand-off, streaming callback, context fitting). Goal: >= 0.9.

    python bench/local_llm.py [--tokens 128] [--repeats 3] [--threads N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from mlrtui.config import ModelConfig
from mlrtui.providers.base import Message, Request
from mlrtui.providers.local import LocalProvider, default_threads, load_model, model_path

PROMPT = "Describe, step by step, how a lighthouse keeper prepared the lamp each evening."


def raw_run(llm, max_tokens: int) -> tuple[int, float]:
    started = time.perf_counter()
    produced = 0
    for chunk in llm.create_chat_completion(messages=[{"role": "user", "content": PROMPT}],
                                            max_tokens=max_tokens, temperature=0.0,
                                            stream=True):
        if chunk["choices"][0].get("delta", {}).get("content"):
            produced += 1
    return produced, time.perf_counter() - started


async def provider_run(provider: LocalProvider, max_tokens: int) -> tuple[int, float]:
    pieces: list[str] = []
    started = time.perf_counter()
    comp = await provider.complete(Request([Message("user", PROMPT)], temperature=0.0,
                                           max_tokens=max_tokens), on_text=pieces.append)
    return comp.usage.output_tokens, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=default_threads())
    args = parser.parse_args()
    cfg = ModelConfig(provider="local", model="smollm2-135m-instruct", context_tokens=2048,
                      n_threads=args.threads)
    provider = LocalProvider(cfg)
    started = time.perf_counter()
    llm = load_model(model_path(cfg), 2048, args.threads).llm
    print(f"model: {model_path(cfg).name}  load {time.perf_counter() - started:.2f}s  "
          f"threads {args.threads}")
    raw_run(llm, 8)                       # warm-up
    raw, ours = [], []
    for _ in range(args.repeats):         # alternate, so machine load hits both alike
        n, dt = raw_run(llm, args.tokens)
        raw.append(n / dt)
        n, dt = asyncio.run(provider_run(provider, args.tokens))
        ours.append(n / dt)
    raw_tps, our_tps = statistics.median(raw), statistics.median(ours)
    print(f"raw llama-cpp-python: {raw_tps:7.1f} tok/s  (runs: "
          f"{', '.join(f'{x:.1f}' for x in raw)})")
    print(f"mlrtui LocalProvider: {our_tps:7.1f} tok/s  (runs: "
          f"{', '.join(f'{x:.1f}' for x in ours)})")
    print(f"ratio: {our_tps / raw_tps:.2f}  (goal >= 0.9)")


if __name__ == "__main__":
    main()
