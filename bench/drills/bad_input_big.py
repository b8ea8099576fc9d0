"""Bad-input drill, the slow cases: a 50 MB task file imported, then listed; a judge that replies
with 20 MB of non-JSON. Prints what it checked and what it found (exit 1 if a check failed).

Usage: python bench/drills/bad_input_big.py [--mb 50] [--reply-mb 20]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from loopback import LoopbackServer, Reply

from mlrtui.runs import versions as V
from mlrtui.store import open_store

PARAGRAPH = "A paragraph of our own words about measuring gauges twice.\n\n"


def cli(env: dict[str, str], *args: str) -> tuple[subprocess.CompletedProcess, float]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "mlrtui.cli", *args], env=env, text=True,
                          capture_output=True, check=False, timeout=600)
    return done, time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=50)
    ap.add_argument("--reply-mb", type=int, default=20)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="mlrtui-badinput-"))
    server = LoopbackServer().start()
    cfg = tmp / "config.toml"
    cfg.write_text(f'judges = ["fake-judge"]\n[models.fake-judge]\nprovider = "openai"\n'
                   f'model = "gpt-4o"\nbase_url = "{server.openai_base_url}"\n'
                   'api_key_env = "MLRTUI_TEST_KEY"\nmax_tokens = 128\nmax_attempts = 1\n',
                   encoding="utf-8")
    env = {**os.environ, "MLRTUI_CONFIG": str(cfg), "MLRTUI_TEST_KEY": "k",
           "MLRTUI_CONFIG_DIR": str(tmp / "cfg"), "MLRTUI_DATA_DIR": str(tmp / "data"),
           "PYTHONPATH": str(ROOT)}
    db = str(tmp / "big.db")
    rows: list[tuple[str, str, bool]] = []
    try:
        corpus = tmp / "corpus" / "tasks"
        corpus.mkdir(parents=True)
        (corpus.parent / "human_eval").mkdir()       # what makes a folder a checkout
        body = "# A Very Long Call\n\n" + PARAGRAPH * (args.mb * 1_000_000 // len(PARAGRAPH))
        (corpus / "huge2025_long_call.md").write_text(body)
        done, took = cli(env, "--db", db, "import", str(corpus.parent))
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rows.append((f"import a {args.mb} MB task file",
                     f"exit {done.returncode} in {took:.1f}s, child peak RSS {peak:.0f} MB",
                     done.returncode == 0 and "Traceback" not in done.stderr))
        if done.returncode != 0:
            print(done.stderr)
            return 1
        done, took = cli(env, "--db", db, "tasks")
        rows.append(("list tasks (titles only, no bodies)",
                     f"exit {done.returncode} in {took:.2f}s",
                     done.returncode == 0 and "A Very Long Call" in done.stdout))
        store = open_store(db)
        before = store.scalar("SELECT COUNT(*) FROM tasks")
        run = V.create_run(store, "huge2025_long_call", "o4-mini")
        V.write_version(store, run.id, "idea", "# An idea of our own\n\nMeasure twice.\n",
                        "o4-mini")
        store.close()
        giant = "not json " * (args.reply_mb * 1_000_000 // 9)
        server.script(Reply(text=giant), Reply(text=giant))     # the first try and the retry
        done, took = cli(env, "--db", db, "judge", "--stage", "idea", "--task",
                         "huge2025_long_call", "--judges", "fake-judge")
        last = (done.stdout.strip().splitlines() or [""])[-1]
        store = open_store(db)
        review = store.query("SELECT parse_status, length(raw_text) AS chars FROM reviews")
        after = store.scalar("SELECT COUNT(*) FROM tasks")
        store.close()
        rows.append((f"judge replies {args.reply_mb} MB of non-JSON",
                     f"exit {done.returncode} in {took:.1f}s; reviews {review}; {last[:80]}",
                     done.returncode == 1 and "Traceback" not in done.stderr
                     and after == before))
    finally:
        server.stop()
    print(f"{'checked':<40} found")
    for name, found, ok in rows:
        print(f"{name:<40} {found}{'' if ok else '  << FAILED'}")
    return 0 if all(ok for _, _, ok in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
