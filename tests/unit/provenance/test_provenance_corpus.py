"""`provenance --all` over the imported reference corpus (skips without ../shared/mlrbench)."""

from __future__ import annotations

import json
import time

import pytest
from corpus_db import imported_corpus_db

from mlrtui.experiment.transcripts import parse_transcript
from mlrtui.provenance import records as R
from mlrtui.services import provenance as P
from mlrtui.store import open_store

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


def _lines(store, run_id: int, name: str) -> list[str] | None:
    """The lines of evidence `name` as stored: an execution stream or a run file (of the run
    whose experiment a paper run was written on, for names 'run N: ...')."""
    if name.startswith("run ") and ": " in name:
        head, name = name.split(": ", 1)
        run_id = int(head[4:])
    if "#" in name:               # a command output parsed from the stored transcript
        path, order = name.split("#", 1)
        raw, task = store.query("SELECT f.content, r.task_id FROM files f JOIN runs r ON "
                                "r.id = f.run_id WHERE f.run_id = ? AND f.path = ?",
                                [run_id, path])[0].values()
        t = parse_transcript(bytes(raw), path, root=task)
        out = next(e.output for e in t.executions if e.order == int(order.split()[0]))
        return out.splitlines()
    if name.startswith("exec:"):
        parts = name.split(":")
        col = "stderr" if len(parts) > 2 else "stdout"
        text = store.scalar(f"SELECT {col} FROM executions WHERE id = ?", [int(parts[1])])
        return text.splitlines() if text is not None else None
    raw = store.scalar("SELECT content FROM files WHERE run_id = ? AND path = ? "
                       "ORDER BY id DESC LIMIT 1", [run_id, name])
    return bytes(raw).decode("utf-8", "replace").splitlines() if raw is not None else None


def test_all_runs_checked_fast_with_real_evidence_lines(tmp_path_factory, corpus):
    store = open_store(imported_corpus_db(tmp_path_factory, corpus))
    try:
        started = time.perf_counter()
        checks = P.check_runs(store, P.select_runs(store, all_runs=True))
        elapsed = time.perf_counter() - started
        assert len(checks) >= 20 and elapsed < 60
        assert sum(c.figures.claims for c in checks) > 100
        assert sum(c.figures.traced for c in checks) > 50
        checked = 0
        for c in checks:
            for claim in R.claims(store, c.run_id):
                for h in claim["evidence"]:
                    lines = _lines(store, c.run_id, h["name"])
                    assert h["snippet"] in lines[h["line"] - 1], (h, c.label)
                    checked += 1
        assert checked > 50
        flags = store.scalar("SELECT COUNT(*) FROM flags WHERE source = 'provenance'")
        assert flags == sum(c.flags["added"] for c in checks)
        again = P.check_run(store, checks[0].run_id)
        assert again.flags["added"] == 0 and json.dumps(again.figures.findings)
    finally:
        store.close()
