"""Seeding a small database through the public APIs, and running the real CLI in subprocesses.

All texts here are our own toy writing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from mlrtui import paths
from mlrtui.config import ModelConfig, Settings
from mlrtui.experiment.executor import ExecResult, record_execution
from mlrtui.providers.base import Usage
from mlrtui.providers.client import CallContext
from mlrtui.providers.ledger import Attempt, Ledger
from mlrtui.runs.versions import STAGES, create_run, write_version
from mlrtui.store.db import Store, now
from mlrtui.store.tasks import load_task_dir

TASK = "iclr2026_tiny_evals"
MODEL = "a-rather-long-backbone-model-name-preview"
JUDGES = ["first-judge-with-a-long-model-name", "second-judge-with-a-long-name-too"]
IDEA_DIMS = ["Consistency", "Clarity", "Novelty", "Feasibility", "Significance", "Overall"]
UNSAFE_PATHS = ["../escape.txt", "/tmp/mlrtui-export-absolute-escape.txt",
                "results\\..\\..\\up.txt", "a/../../b.txt", "C:/windows/evil.txt"]


def cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120,
        **kw) -> subprocess.CompletedProcess:
    """`mlrtui ARGS` as a user runs it, in a fresh interpreter."""
    return subprocess.run([sys.executable, "-m", "mlrtui.cli", *args], capture_output=True,
                          text=True, env=env or dict(os.environ), timeout=timeout, check=False,
                          **kw)


def add_review(store: Store, run_id: int, version_id: int, judge: str, base: float) -> int:
    with store.transaction():
        rid = store.insert("reviews", {
            "task_id": TASK, "run_id": run_id, "version_id": version_id, "stage": "idea",
            "target_model": MODEL, "judge_model": judge, "overall": base,
            "raw_text": json.dumps({"Overall": base}), "parse_status": "ok",
            "rubric_id": "idea", "source": "local", "created_at": now()})
        for i, dim in enumerate(IDEA_DIMS):
            store.insert("review_scores", {"review_id": rid, "dimension": dim,
                                           "score": base + i % 2,
                                           "justification": f"{dim} reads fine."})
    return int(rid)


def seed_run(store: Store, tmp: Path, secret: str = "") -> dict:
    """One end-to-end run with every kind of record an export carries; returns the ids."""
    load_task_dir(store, paths.examples_dir(), "example")
    run = create_run(store, TASK, MODEL, "end-to-end", agent="builtin")
    versions = {s: write_version(store, run.id, s, f"# {s}\n\nOur {s} text. {secret}\n", MODEL)
                for s in STAGES}
    figure = tmp / "plot.png"
    figure.write_bytes(b"\x89PNG\r\n\x1a\n toy image " + secret.encode())
    files = [("code/train.py", b"print('accuracy: 0.5')\n", None),
             ("results/plot.png", None, str(figure)),
             ("results/huge.bin", None, str(tmp / "gone.bin")),
             *[(p, b"must never be written\n", None) for p in UNSAFE_PATHS]]
    with store.transaction():
        for path, content, external in files:
            store.insert("files", {"run_id": run.id, "path": path, "kind": "other",
                                   "content": content, "external_path": external,
                                   "sha256": f"sha-{path}", "size": len(content or b""),
                                   "created_at": now()})
    exec_id = record_execution(store, run.id, ExecResult(
        command="python code/train.py", cwd="/tmp/ws", exit_code=1, status="failed",
        reason="exit code 1", duration_s=0.25, stdout="epoch 1\n",
        stderr=f"ValueError: toy failure {secret}\n", started_at=now()),
        version_id=versions["experiment"].id)
    reviews = [add_review(store, run.id, versions["idea"].id, j, 6 + k)
               for k, j in enumerate(JUDGES)]
    with store.transaction():
        flag = store.insert("flags", {
            "review_id": reviews[0], "run_id": run.id, "version_id": versions["paper"].id,
            "type": "faked_results", "description": "A number with no log behind it.",
            "evidence": "97.3%", "source": JUDGES[0], "status": "open", "created_at": now()})
    seed_ledger(store, run.id)
    return {"run": run.id, "versions": {s: v.id for s, v in versions.items()},
            "execution": exec_id, "reviews": reviews, "flag": int(flag)}


def seed_ledger(store: Store, run_id: int) -> None:
    """A priced call, an unpriced one and a failed attempt, through the ledger writer."""
    ledger = Ledger(store, Settings.model_construct(models={}))
    cfg = ModelConfig(provider="openai", model=MODEL)
    ctx = CallContext(purpose="stage", run_id=run_id, task_id=TASK, stage="idea")
    ledger.record("k1", cfg, ctx, Attempt(1, "ok", 0.5, Usage(1_234_567, 34_567), MODEL,
                                          12.345678, "config", None))
    ledger.record("k2", cfg, ctx, Attempt(1, "ok", 0.5, Usage(10, 20), MODEL, None, None, None))
    ledger.record("k3", cfg, ctx, Attempt(1, "error", 0.1, error="HTTP 500: toy outage"))
