"""Throughput of LLMClient through the loopback server with injected faults (429/500/hang).

Prints wall time, calls per second, attempts per call and the ledger counts, for a given number
of calls, fault rate and concurrency.

    python bench/retries.py [--calls 200] [--fault-rate 0.3] [--concurrency 25]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path

import _paths  # noqa: F401  (puts tests/ on sys.path for the loopback server)
from loopback import LoopbackServer

from mlrtui.config import ModelConfig, Settings
from mlrtui.costs.summary import totals
from mlrtui.providers.base import Message, Request
from mlrtui.providers.client import CallContext, LLMClient, RetryPolicy
from mlrtui.store import open_store


async def run(args: argparse.Namespace, db: Path) -> None:
    os.environ["MLRTUI_BENCH_KEY"] = "bench-key"
    with LoopbackServer(fault_rate=args.fault_rate, fault_kinds=("429", "500", "hang"),
                        seed=1, latency_s=args.latency) as server:
        cfg = ModelConfig(provider="openai", model="gpt-4o", base_url=server.openai_base_url,
                          api_key_env="MLRTUI_BENCH_KEY", timeout_s=args.timeout,
                          max_attempts=12, concurrency=args.concurrency)
        store = open_store(db)
        client = LLMClient(store, Settings(db=db, models={"bench": cfg}),
                           retry=RetryPolicy(base_s=0.01, max_s=0.2))
        started = time.perf_counter()
        results = await asyncio.gather(*(
            client.complete("bench", Request([Message("user", f"question {i}")], max_tokens=20),
                            CallContext("test")) for i in range(args.calls)))
        wall = time.perf_counter() - started
        await client.aclose()
        total = totals(store)
        rows = store.scalar("SELECT COUNT(*) FROM llm_calls")
        print(f"calls: {len(results)}  wall: {wall:.2f}s  ({len(results) / wall:.1f} calls/s)")
        print(f"server requests: {len(server.requests)}  faults injected: "
              f"{sum(o != 'ok' for o in server.outcomes())}")
        print(f"ledger rows: {rows}  ok calls: {total.calls}  failed attempts: "
              f"{total.failed_attempts}  attempts/call: {rows / len(results):.2f}")
        print(f"total cost: ${total.cost_usd:.4f}")
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--fault-rate", type=float, default=0.3)
    parser.add_argument("--concurrency", type=int, default=25)
    parser.add_argument("--timeout", type=float, default=0.5, help="client timeout (hangs)")
    parser.add_argument("--latency", type=float, default=0.0, help="server latency per reply")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(args, Path(tmp) / "bench.db"))


if __name__ == "__main__":
    main()
