"""A small run of our own for the provenance tests: write-up, paper, executions, typed files.

The numbers are chosen so each verdict occurs: table values printed by an execution (traced), a
difference of two of them (derived), a table cell another execution line contradicts, and a
number found only in a file the agent typed (untraced, with a decoy).
"""

from __future__ import annotations

import hashlib
import json

from mlrtui.runs import versions as V
from mlrtui.store import Store
from mlrtui.store.db import now

TASK = "acme2026_sparrows"
RESULTS = """# Results

| Method | Accuracy | F1 |
|---|---|---|
| Baseline | 0.812 | 0.774 |
| Sparrow | 0.873 | 0.905 |

Sparrow improves accuracy by 0.061 over the baseline.
"""
PAPER = """# Sparrow: counting birds with small models

## Abstract
Sparrow reaches an accuracy of 0.873 on the held-out split.

## Results
On the shifted split Sparrow keeps a robustness score of 0.6379.
The baseline reaches an accuracy of 0.812.
"""
STDOUT = """loading data
baseline accuracy=0.8120 f1=0.7740
sparrow accuracy=0.8730 f1=0.8512
"""
TYPED = "robustness score (expected): 0.6379\n"
METRICS = '{"sparrow": {"accuracy": 0.873, "f1": 0.8512}, "baseline": {"accuracy": 0.812}}'


def _file(store: Store, run_id: int, path: str, text: str, kind: str,
          origin: str | None) -> None:
    data = text.encode()
    store.insert("files", {"run_id": run_id, "path": path, "kind": kind, "content": data,
                           "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
                           "created_at": now(), "origin": origin})


def transcript() -> str:
    """A Claude Code transcript (list format): the script typed, run, a write-up shown."""
    ws = f"/home/agent/{TASK}"
    calls = [("a", "Write", {"file_path": f"{ws}/results/expected.txt", "content": TYPED}),
             ("b", "Bash", {"command": f"cd {ws} && python run.py"}),
             ("c", "Bash", {"command": f"cat {ws}/results/results.md"})]
    outputs = {"a": "File written", "b": STDOUT, "c": RESULTS}
    items = []
    for cid, name, inp in calls:
        items.append({"id": f"m{cid}", "role": "assistant", "content": [
            {"type": "tool_use", "id": cid, "name": name, "input": inp}]})
        items.append({"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": cid, "content": outputs[cid]}]})
    return json.dumps(items, indent=1)


def seed_run(store: Store, *, with_transcript: bool = False) -> int:
    """Task, run, experiment and paper versions, one execution, three files; the run's id.

    With `with_transcript`, the run is as imported before executions were recorded: no
    executions rows and no file origins, only the agent's transcript file."""
    if not store.scalar("SELECT 1 FROM tasks WHERE id = ?", [TASK]):
        store.insert("tasks", {"id": TASK, "venue": "acme", "year": 2026, "slug": "sparrows",
                               "title": "Sparrows", "body": "Count sparrows.", "category": "ml",
                               "source": "user", "content_hash": "x", "created_at": now()})
    run = V.create_run(store, TASK, "fake-model", "end-to-end", agent="builtin")
    if with_transcript:
        _file(store, run.id, "claude_output.json", transcript(), "transcript", None)
    else:
        store.insert("executions", {"run_id": run.id, "executor": "sandbox",
                                    "command": "python run.py", "status": "ok", "exit_code": 0,
                                    "stdout": STDOUT, "stderr": "", "started_at": now()})
    V.write_version(store, run.id, "experiment", RESULTS, "fake-model")
    V.write_version(store, run.id, "paper", PAPER, "fake-model")
    origin = (lambda o: None) if with_transcript else (lambda o: o)
    _file(store, run.id, "run.py", "print('sparrow accuracy', acc)\n", "code", origin("agent"))
    _file(store, run.id, "results/metrics.json", METRICS, "result", origin("execution"))
    _file(store, run.id, "results/expected.txt", TYPED, "result", origin("agent"))
    return run.id
