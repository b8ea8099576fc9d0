"""Kill drill, repeated: SIGKILL `mlrtui run` at random moments, reopen, check, re-run.

Usage: python bench/drills/kill_rerun.py [--rounds N] [--latency S] [--seed K]

Each round starts a stepwise run of the 4 example tasks x all five stages against the loopback
server (tests/loopback), kills it after a random delay, and checks: every request the server
received has a ledger row, no row is left "running" / "in_flight", integrity_check is ok. After
the last round one clean re-run must complete every stage. Prints what it checked and found.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from loopback import LoopbackServer

from mlrtui.store import open_store


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--latency", type=float, default=0.3)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="mlrtui-kill-"))
    server = LoopbackServer(latency_s=args.latency).start()
    cfg = tmp / "config.toml"
    cfg.write_text(f"[models.fake-openai]\nprovider = \"openai\"\nmodel = \"gpt-4o\"\n"
                   f"base_url = \"{server.openai_base_url}\"\napi_key_env = \"MLRTUI_TEST_KEY\"\n"
                   "max_tokens = 128\nconcurrency = 8\n")
    env = {**os.environ, "MLRTUI_CONFIG": str(cfg), "MLRTUI_TEST_KEY": "k-drill",
           "MLRTUI_DATA_DIR": str(tmp / "data"), "MLRTUI_CONFIG_DIR": str(tmp / "cfg")}
    db = tmp / "drill.db"
    cmd = [sys.executable, "-m", "mlrtui.cli", "--db", str(db), "run", "--task", "*",
           "--model", "fake-openai", "--quiet"]
    problems = 0
    for n in range(1, args.rounds + 1):
        before = len(server.requests)
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.5, 5.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        time.sleep(args.latency + 0.2)
        store = open_store(db)
        rows = store.scalar("SELECT count(*) FROM llm_calls")
        stuck = store.scalar("SELECT (SELECT count(*) FROM runs WHERE status='running') + "
                             "(SELECT count(*) FROM batches WHERE status='running') + "
                             "(SELECT count(*) FROM llm_calls WHERE status='in_flight')")
        ok = store.scalar("PRAGMA integrity_check")
        store.close()
        lost = len(server.requests) - rows
        problems += (lost != 0) + (stuck != 0) + (ok != "ok")
        print(f"round {n}: +{len(server.requests) - before} requests; ledger rows "
              f"{rows} / requests {len(server.requests)} (unrecorded: {lost}); "
              f"stuck rows: {stuck}; integrity: {ok}")
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    store = open_store(db)
    versions = store.scalar("SELECT count(DISTINCT run_id || stage) FROM stage_heads")
    store.close()
    server.stop()
    print(f"re-run: exit {done.returncode}; stages with a current version: {versions} of 20")
    problems += done.returncode != 0 or versions != 20
    print("kill drill: " + ("no problems found" if not problems else f"{problems} problem(s)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
