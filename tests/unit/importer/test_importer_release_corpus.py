"""The reference corpus' experiment runs, papers, AI-Scientist-v2 runs, hallucination flags and
review links, imported once per session (skips without ../shared/mlrbench)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mlrtui.judge import flags as fl
from mlrtui.scores.hallucination import report
from mlrtui.store import open_store

pytestmark = pytest.mark.corpus
PROJECT = Path(__file__).resolve().parents[3]


@pytest.fixture
def db(corpus_db: Path):
    store = open_store(corpus_db)
    yield store
    store.close()


def test_experiment_runs_and_papers(db) -> None:
    rows = db.query("SELECT agent, model, COUNT(*) AS n FROM runs WHERE import_key LIKE "
                    "'corpus:run:experiments_and_writeups/%' AND import_key NOT LIKE '%/paper/%' "
                    "GROUP BY 1, 2")
    assert {(r["agent"], r["model"]): r["n"] for r in rows} == {
        ("claude-code", "claude-3-7-sonnet"): 10, ("codex", "o4-mini"): 10}
    exp = db.query("SELECT v.agent, v.author, COUNT(*) AS n FROM versions v JOIN runs r ON "
                   "r.id = v.run_id WHERE v.stage = 'experiment' AND r.import_key LIKE "
                   "'corpus:run:experiments_and_writeups/%' GROUP BY 1, 2")
    assert {(r["agent"], r["author"]): r["n"] for r in exp} == {
        ("claude-code", "claude-3-7-sonnet"): 10, ("codex", "o4-mini"): 10}
    papers = db.query("""SELECT v.author, COUNT(*) AS n, SUM(i.input_version_id IS NOT NULL) AS
        built FROM versions v JOIN runs r ON r.id = v.run_id LEFT JOIN version_inputs i ON
        i.version_id = v.id LEFT JOIN versions e ON e.id = i.input_version_id
        AND e.stage = 'experiment' AND e.agent = 'claude-code'
        WHERE r.import_key LIKE 'corpus:run:experiments_and_writeups/claude/%/paper/%'
        AND v.stage = 'paper' AND e.id IS NOT NULL GROUP BY 1""")
    assert {r["author"]: (r["n"], r["built"]) for r in papers} == {
        m: (10, 10) for m in ("claude-3-7-sonnet", "gemini-2.5-pro-preview", "o4-mini")}


def test_claude_code_transcripts_give_executions_origins_and_cost(db) -> None:
    runs = db.query("""SELECT r.id, (SELECT COUNT(*) FROM executions e WHERE e.run_id = r.id
                       AND e.ordinal IS NOT NULL) AS ex,
                       (SELECT COUNT(*) FROM files f WHERE f.run_id = r.id
                        AND f.origin IN ('agent', 'execution')) AS known
                       FROM runs r WHERE r.import_key LIKE
                       'corpus:run:experiments_and_writeups/claude/%' AND r.import_key NOT LIKE
                       '%/paper/%'""")
    assert len(runs) == 10 and all(r["ex"] > 0 and r["known"] > 0 for r in runs), runs
    linked = db.scalar("SELECT COUNT(*) FROM files WHERE origin = 'execution' AND "
                       "origin_execution_id IS NOT NULL")
    assert linked > 0
    cost = db.scalar("""SELECT SUM(c.cost_usd) FROM llm_calls c JOIN runs r ON r.id = c.run_id
                        WHERE c.purpose = 'agent' AND r.agent = 'claude-code'
                        AND r.import_key LIKE 'corpus:run:experiments_and_writeups/%'""")
    assert round(cost, 2) == 20.94


def test_ai_scientist_runs_and_hallucination_flags(db) -> None:
    runs = db.query("""SELECT r.id, v.text FROM runs r JOIN stage_heads h ON h.run_id = r.id
                       AND h.stage = 'paper' JOIN versions v ON v.id = h.version_id
                       WHERE r.agent = 'ai-scientist-v2'""")
    assert len(runs) == 10 and all(len(r["text"]) > 5000 for r in runs)
    assert db.scalar("SELECT COUNT(*) FROM reviews WHERE stage = 'hallucination'") == 20
    assert db.scalar("SELECT COUNT(*) FROM flags f JOIN reviews r ON r.id = f.review_id WHERE "
                     "r.stage = 'hallucination' AND f.version_id = r.version_id") == 69
    assert db.scalar("SELECT COUNT(*) FROM flags WHERE version_id IS NULL") == 0
    located = [fl.evidence_context(db, f.id) for f in fl.list_flags(db) if f.evidence]
    assert sum(w.line is not None for w in located) >= 60      # 66 of 69 when written


def test_subset_reviews_are_linked_unless_their_run_is_absent(db, corpus: Path) -> None:
    rows = db.query("""SELECT import_key, version_id FROM reviews WHERE stage IN
                       ('experiment', 'writeup', 'overall') AND import_key LIKE
                       'corpus:agent_reviews/subset_reviews_%'""")
    assert len(rows) == 210
    unlinked = [r["import_key"] for r in rows if r["version_id"] is None]
    for key in unlinked:   # only end-to-end reviews of runs the corpus does not hold
        name = Path(key).stem.removeprefix("review_").removesuffix("_no_code")
        assert not (corpus / "agent_results" / f"end2end_{name}").exists(), key
    assert len(unlinked) == 70


def test_judges_flag_every_ai_scientist_paper(db) -> None:
    rep = report(db)
    assert {(r.judge, r.reviewed, r.flagged) for r in rep.rates} == {
        ("claude-3-7-sonnet", 10, 10), ("gemini-2.5-pro-preview", 10, 10)}
    assert rep.labels == 0     # Hallucination Check.csv is not in the shared subset


def test_flags_list_json_lines(corpus_db: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "mlrtui.cli", "--db", str(corpus_db), "flags",
                          "list", "--json", "--limit", "500"], check=False, capture_output=True,
                         text=True,
                         cwd=PROJECT, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(lines) == 79
    assert all({"id", "run", "version", "type", "source", "status", "linked"} <= set(r)
               for r in lines)
    assert all(r["linked"] for r in lines)
