"""`mlrtui provenance` as a user runs it: a real subprocess on a real temp database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from provenance_seed import TASK, seed_run

from mlrtui.store import open_store
from mlrtui.store.db import now


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "100"}
    return subprocess.run([sys.executable, "-m", "mlrtui.cli", "--db", str(db), "provenance",
                           *args], capture_output=True, text=True, env=env, timeout=120,
                          check=False)


def _seed(db: Path) -> int:
    store = open_store(db)
    rid = seed_run(store)
    review = store.insert("reviews", {
        "task_id": TASK, "run_id": rid, "stage": "experiment", "judge_model": "judge-a",
        "raw_text": "{}", "parsed": json.dumps({"hallucination": False}),
        "parse_status": "ok", "created_at": now()})
    assert review
    store.db.execute("INSERT INTO hallucination_labels (system, run_id, type, label, labeller, "
                     "created_at) VALUES ('MLR Agent', ?, 'faked_results', 'yes', 'expert-1', "
                     "?)", [rid, now()])
    store.close()
    return rid


def test_json_lines_one_per_claim(tmp_path):
    db = tmp_path / "p.db"
    rid = _seed(db)
    res = _cli(db, str(rid), "--json")
    assert res.returncode == 0, res.stderr
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(rows) == 8
    for row in rows:
        assert {"run", "run_source", "file", "line", "text", "value", "status", "rule",
                "evidence"} <= row.keys()
        assert row["run"] == rid and row["run_source"] is None     # a run made here has no corpus folder
        assert row["line"] >= 1 and row["value"] in row["text"]
        for ev in row["evidence"]:
            assert set(ev) == {"file", "line", "snippet", "origin"}
    contra = next(r for r in rows if r["status"] == "contradicted")
    assert (contra["file"], contra["line"], contra["value"]) == ("results/results.md", 6,
                                                                 "0.905")
    derived = [r for r in rows if r["status"] == "derived"]
    assert derived and all(" = " in r["derivation"] for r in derived)   # the formula shown
    assert all(r["derivation"] is None for r in rows if r["status"] != "derived")
    traced = next(r for r in rows if r["value"] == "0.774")
    assert traced["evidence"][0] == {"file": "exec:1", "line": 2, "origin": "execution",
                                     "snippet": "baseline accuracy=0.8120 f1=0.7740"}


def test_human_form_shows_counts_and_verdicts_beside(tmp_path):
    db = tmp_path / "p.db"
    rid = _seed(db)
    res = _cli(db, "--task", "acme*")
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert any(line.startswith(f"│ {rid:>3} │ acme2026") or f" {rid} │ acme2026" in line
               for line in out.splitlines())
    assert "6 of 8 numbers traced or derived (75%)" in out
    assert "suspect" in out
    assert "judge judge-a (experiment): no, disagree" in out
    assert "human expert-1: yes, agree" in out
    assert "2 added, 0 kept, 0 removed" in out
    again = _cli(db, "--all")
    assert "0 added, 2 kept, 0 removed" in again.stdout


def test_unknown_run_or_glob_exits_2_with_one_line(tmp_path):
    db = tmp_path / "p.db"
    _seed(db)
    for args, words in ((["4242"], "no run 4242"), (["--task", "zzz*"], "zzz*"), ([], "--all")):
        res = _cli(db, *args)
        assert res.returncode == 2
        assert words in res.stderr and len(res.stderr.strip().splitlines()) == 1
        assert "Traceback" not in res.stderr
