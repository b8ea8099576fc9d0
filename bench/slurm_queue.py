"""What a Slurm job costs over the local sandbox: the wait until the job is seen RUNNING (the
scheduler's cycle plus one poll) and the whole round trip, for a one-line script.

    SLURM_CONF=/tmp/mlrtui-slurm/slurm.conf python bench/slurm_queue.py [--jobs 5] [--poll 0.25]

Needs a cluster (tests/cluster/slurm_up.sh starts a single-node one) and a shared folder; here
the temp dir is shared because there is one node.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from mlrtui.experiment.executor import ExecSpec
from mlrtui.experiment.sandbox import SandboxExecutor
from mlrtui.experiment.slurm import SlurmExecutor


def _workspace(root: Path, name: str) -> Path:
    ws = root / name
    ws.mkdir()
    (ws / "s.py").write_text("print('ok')\n")
    return ws


def _line(label: str, xs: list[float]) -> str:
    return (f"{label}: median {statistics.median(xs):.2f}s "
            f"(min {min(xs):.2f}s, max {max(xs):.2f}s, n={len(xs)})")


async def main(jobs: int, poll_s: float) -> None:
    root = Path(tempfile.mkdtemp(prefix="mlrtui-slurm-bench-"))
    waits, totals, local = [], [], []
    for i in range(jobs):
        seen: dict[str, float] = {}
        t0 = time.monotonic()
        ex = SlurmExecutor(root / "shared", poll_s=poll_s,
                           on_state=lambda _j, s, seen=seen, t0=t0: seen.setdefault(
                               s, time.monotonic() - t0))
        res = await ex.run(ExecSpec(["python", "s.py"], _workspace(root, f"s{i}"), timeout_s=60,
                                    memory_mb=512))
        if res.status != "ok":
            raise SystemExit(f"slurm_queue: job failed: {res.reason}")
        totals.append(time.monotonic() - t0)
        waits.append(seen.get("RUNNING", seen.get("COMPLETED", totals[-1])))
        t1 = time.monotonic()
        await SandboxExecutor().run(ExecSpec(["python", "s.py"], _workspace(root, f"l{i}"),
                                             timeout_s=60, memory_mb=512))
        local.append(time.monotonic() - t1)
    print(_line("submitted until seen RUNNING", waits))
    print(_line("Slurm round trip", totals))
    print(_line("local sandbox", local))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=5)
    parser.add_argument("--poll", type=float, default=0.25, help="seconds between state polls")
    args = parser.parse_args()
    asyncio.run(main(args.jobs, args.poll))
