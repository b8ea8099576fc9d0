"""Figures for issue 5: sandbox overhead per execution and idea-stage throughput on loopback.

    python bench/stages_bench.py [--tasks 201] [--concurrency 16] [--latency 0.1]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import _paths  # noqa: F401  (puts tests/ on sys.path for the loopback server)


async def sandbox_overhead(n: int) -> None:
    from mlrtui.experiment.executor import ExecSpec
    from mlrtui.experiment.sandbox import SandboxExecutor, probe

    caps = probe()
    ws = Path(tempfile.mkdtemp()) / "ws"
    ws.mkdir()
    (ws / "s.py").write_text("print('hi')\n")
    ex = SandboxExecutor()
    plain = []
    for _ in range(n):
        t0 = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(sys.executable, "-c", "print('hi')",
                                                    stdout=asyncio.subprocess.PIPE)
        await proc.communicate()
        plain.append(time.perf_counter() - t0)
    boxed = []
    for _ in range(n):
        t0 = time.perf_counter()
        res = await ex.run(ExecSpec(["python", "s.py"], ws, timeout_s=10))
        boxed.append(time.perf_counter() - t0)
        assert res.ok, res.reason
    print(f"sandbox capabilities: drop_uid={caps.drop_uid} landlock_abi={caps.landlock_abi}")
    print(f"isolations applied: {res.sandbox}")
    print(f"plain python start:   median {statistics.median(plain) * 1000:.0f} ms (n={n})")
    print(f"sandboxed execution:  median {statistics.median(boxed) * 1000:.0f} ms (n={n})")


async def idea_throughput(n_tasks: int, concurrency: int, latency: float) -> None:
    from loopback import LoopbackServer

    from mlrtui.config import ModelConfig, Settings, default_models
    from mlrtui.providers.client import LLMClient
    from mlrtui.runs.pipeline import Pipeline
    from mlrtui.runs.stage_runner import StageRunner
    from mlrtui.store import open_store

    tmp = Path(tempfile.mkdtemp())
    store = open_store(tmp / "bench.db")
    for i in range(n_tasks):
        store.insert("tasks", {"id": f"bench2026_t{i:03d}", "venue": "bench", "year": 2026,
                               "slug": f"t{i}", "title": f"Task {i}", "body": "Body. " * 200,
                               "category": "Others", "source": "user", "content_hash": "x",
                               "created_at": "now"})
    os.environ["BENCH_KEY"] = "k"
    with LoopbackServer(latency_s=latency) as server:
        models = default_models()
        models["loop"] = ModelConfig(provider="openai", model="gpt-4o", api_key_env="BENCH_KEY",
                                     base_url=server.openai_base_url, max_tokens=128,
                                     concurrency=concurrency)
        settings = Settings(db=tmp / "bench.db", models=models, batch_budget_usd=None,
                            run_budget_usd=None)
        client = LLMClient(store, settings)
        pipe = Pipeline(StageRunner(store, settings, client), concurrency=concurrency)
        runs = pipe.runs_for([f"bench2026_t{i:03d}" for i in range(n_tasks)], ["loop"],
                             "stepwise")
        t0 = time.perf_counter()
        summary = await pipe.run(runs, ["idea"], "stepwise")
        took = time.perf_counter() - t0
        t1 = time.perf_counter()
        again = await Pipeline(StageRunner(store, settings, client)).run(runs, ["idea"],
                                                                         "stepwise")
        resume = time.perf_counter() - t1
        await client.aclose()
    floor = n_tasks / concurrency * latency
    print(f"idea stage, {n_tasks} tasks, concurrency {concurrency}, server latency "
          f"{latency:g}s: {took:.2f}s ({summary.line()}); latency floor {floor:.2f}s")
    print(f"re-run with everything up to date: {resume:.2f}s ({again.line()})")
    store.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", type=int, default=201)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--latency", type=float, default=0.1)
    ap.add_argument("--n", type=int, default=10)
    args = ap.parse_args()
    asyncio.run(sandbox_overhead(args.n))
    asyncio.run(idea_throughput(args.tasks, args.concurrency, args.latency))


if __name__ == "__main__":
    main()
