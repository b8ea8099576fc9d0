"""The real reference corpus, imported once per session: counts, links, published figures,
problem lines, idempotence."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from mlrtui.importer import import_corpus
from mlrtui.store import open_store

pytestmark = pytest.mark.corpus

SIX = {"claude-3-7-sonnet", "deepseek-r1", "gemini-2.5-pro-preview", "ministral-8b", "o4-mini",
       "qwen3-235b-a22b"}
JUDGES = {"claude-3-7-sonnet", "gemini-2.5-pro-preview"}


@pytest.fixture
def db(corpus_db: Path):
    store = open_store(corpus_db)
    yield store
    store.close()


def test_tasks_and_stepwise_outputs(db) -> None:
    assert db.scalar("SELECT COUNT(*) FROM tasks WHERE source = 'corpus'") == 201
    rows = db.query("""SELECT r.model, v.stage, COUNT(DISTINCT r.task_id) AS n FROM versions v
                       JOIN runs r ON r.id = v.run_id
                       WHERE r.import_key LIKE 'corpus:run:stepwise/%' GROUP BY 1, 2""")
    full = {(r["model"], r["stage"]) for r in rows if r["n"] == 201}
    assert full == {(m, s) for m in SIX for s in ("idea", "proposal")}
    extras = {r["model"]: r["n"] for r in rows if r["n"] < 201}
    assert extras == {"gpt-4.1": 3, "llama-3.1-8b-instruct": 3, "o3-mini": 3}
    # One run per (task, model), author kept with its original (dated) name.
    assert db.scalar("SELECT COUNT(*) FROM runs WHERE import_key LIKE 'corpus:run:stepwise/%'"
                     ) == 201 * 6 + 9
    assert db.scalar("SELECT author_original FROM versions WHERE author = 'o4-mini' "
                     "AND stage = 'idea' LIMIT 1") == "o4-mini-2025-04-16"
    assert db.scalar("SELECT model FROM model_aliases WHERE alias = "
                     "'claude-3-7-sonnet-20250219'") == "claude-3-7-sonnet"


def test_chain_lineage_and_heads(db) -> None:
    chains = db.query("SELECT id FROM runs WHERE import_key LIKE 'corpus:run:chain/%'")
    assert len(chains) == 201
    run = chains[0]["id"]
    heads = {r["stage"]: r["version_id"] for r in
             db.query("SELECT stage, version_id FROM stage_heads WHERE run_id = ?", [run])}
    assert set(heads) == {"idea", "literature", "proposal"}
    inputs = {r["input_version_id"] for r in db.query(
        "SELECT input_version_id FROM version_inputs WHERE version_id = ?", [heads["proposal"]])}
    assert inputs == {heads["idea"], heads["literature"]}
    authors = db.query("SELECT stage, author FROM versions v JOIN runs r ON r.id = v.run_id "
                       "WHERE r.import_key LIKE 'corpus:run:chain/%'")
    assert {a["author"] for a in authors if a["stage"] == "literature"} == {"unknown"}
    assert all(a["author"] != "unknown" for a in authors if a["stage"] != "literature")
    # Every model's proposal was written from the chain's idea and related work.
    assert db.scalar("""SELECT COUNT(*) FROM versions v JOIN runs r ON r.id = v.run_id
                        WHERE r.import_key LIKE 'corpus:run:stepwise/%' AND v.stage = 'proposal'
                        AND (SELECT COUNT(*) FROM version_inputs i WHERE i.version_id = v.id) = 2
                     """) == 201 * 6


def test_reviews_of_both_judges_linked_to_versions(db) -> None:
    rows = db.query("""SELECT judge_model, COUNT(*) AS n, SUM(version_id IS NULL) AS unlinked,
                       SUM(parse_status = 'ok') AS ok FROM reviews
                       WHERE stage IN ('idea', 'proposal') GROUP BY 1""")
    assert {r["judge_model"]: (r["n"], r["unlinked"], r["ok"]) for r in rows} == {
        j: (2412, 0, 2412) for j in JUDGES}
    subset = db.query("SELECT judge_model, COUNT(*) AS n FROM reviews WHERE stage IN "
                      "('experiment', 'writeup', 'overall') AND variant IS NOT 'human_study' "
                      "AND variant IS NOT 'ai-scientist-v2' GROUP BY 1")
    assert {r["judge_model"]: r["n"] for r in subset} == {j: 105 for j in JUDGES}
    # The review of a model's idea is linked to that model's idea.
    bad = db.scalar("""SELECT COUNT(*) FROM reviews rv JOIN versions v ON v.id = rv.version_id
                       WHERE rv.stage IN ('idea', 'proposal')
                       AND (v.author != rv.target_model OR v.stage != rv.stage)""")
    assert bad == 0
    assert db.scalar("SELECT COUNT(*) FROM review_scores s JOIN reviews r ON r.id = s.review_id "
                     "WHERE r.stage = 'idea' AND s.dimension = 'Overall'") == 2 * 1206


def test_published_figures(db) -> None:
    e2e = {r["target_model"]: r["m"] for r in db.query(
        "SELECT target_model, AVG(overall) AS m FROM reviews WHERE stage = 'overall' "
        "AND variant IS NULL AND source = 'corpus' GROUP BY 1")}
    assert {k: round(v, 2) for k, v in e2e.items()} == {
        "claude-3-7-sonnet": 4.70, "o4-mini": 3.95, "gemini-2.5-pro-preview": 3.75}
    idea = {r["target_model"]: r["m"] for r in db.query(
        "SELECT target_model, AVG(overall) AS m FROM reviews WHERE stage = 'idea' GROUP BY 1")}
    published = {"deepseek-r1": 8.11, "o4-mini": 8.11, "gemini-2.5-pro-preview": 8.08,
                 "qwen3-235b-a22b": 8.03, "claude-3-7-sonnet": 7.96, "ministral-8b": 7.68}
    assert all(abs(idea[m] - v) <= 0.011 for m, v in published.items()), idea


def test_end_to_end_runs(db, corpus: Path) -> None:
    # The MLR agent's end-to-end runs (AI-Scientist-v2's are end-to-end too: 10 more).
    runs = db.query("SELECT id, agent, model FROM runs WHERE mode = 'end-to-end' "
                    "AND agent != 'ai-scientist-v2'")
    assert len(runs) == 20
    assert {(r["agent"], r["model"]) for r in runs} == {
        ("codex", "o4-mini"), ("gemini-cli", "gemini-2.5-pro-preview")}
    stages = db.query("SELECT stage, COUNT(*) AS n FROM versions v JOIN runs r ON r.id = v.run_id "
                      "WHERE r.mode = 'end-to-end' AND r.agent != 'ai-scientist-v2' GROUP BY 1")
    assert {s["stage"]: s["n"] for s in stages} == {
        s: 20 for s in ("idea", "literature", "proposal", "experiment", "paper")}
    assert db.scalar("SELECT COUNT(*) FROM llm_calls WHERE source = 'corpus' AND status = 'ok' "
                     "AND input_tokens > 0 AND purpose = 'stage'") == 80
    # Priced at import from the token counts: o4-mini is in the price data, never $0.
    assert db.scalar("SELECT COUNT(*) FROM llm_calls WHERE source = 'corpus' "
                     "AND model = 'o4-mini' AND cost_usd > 0") > 0
    assert db.scalar("SELECT COUNT(*) FROM llm_calls WHERE cost_usd = 0") == 0
    # 20 end-to-end runs + 20 experiment runs of experiments_and_writeups.
    assert db.scalar("SELECT COUNT(DISTINCT run_id) FROM executions") == 40
    # Files keep exact bytes.
    row = db.query("SELECT r.agent, r.task_id, f.path, f.content, f.sha256 FROM files f "
                   "JOIN runs r ON r.id = f.run_id WHERE f.kind = 'figure' LIMIT 1")[0]
    disk = (corpus / "agent_results" / f"end2end_{row['agent']}" / row["task_id"]
            / row["path"]).read_bytes()
    assert row["content"] == disk and row["sha256"] == hashlib.sha256(disk).hexdigest()
    # The CLI-agent end-to-end reviews point at the run's paper.
    assert db.scalar("SELECT COUNT(*) FROM reviews WHERE variant IN ('codex', 'gemini-cli') "
                     "AND version_id IS NOT NULL AND run_id IS NOT NULL") == 40


def test_flags_and_human_scores(db) -> None:
    # 10 experiment-review verdicts + 69 findings of the 20 AI-Scientist-v2 hallucination checks.
    assert db.scalar("SELECT COUNT(*) FROM flags WHERE status = 'open' AND source IN "
                     "('claude-3-7-sonnet', 'gemini-2.5-pro-preview')") == 10 + 69
    assert db.scalar("SELECT COUNT(DISTINCT row_index) FROM human_scores") == 60
    assert db.scalar("SELECT COUNT(*) FROM human_scores WHERE source = 'corpus'") == 60 * 5
    dupes = db.query("SELECT reviewer, item, COUNT(DISTINCT row_index) AS n FROM human_scores "
                     "GROUP BY 1, 2 HAVING n > 1")
    assert len(dupes) == 3


def test_problem_lines_name_files(db) -> None:
    problems = [(r["path"], r["problem"]) for r in db.query(
        "SELECT path, problem FROM import_problems WHERE import_id = 1")]
    text = "\n".join(f"{p}: {m}" for p, m in problems)
    for needle in ("iclr2025_dl4c/results/results.json: JSON lines",
                   "end2end_codex/iclr2025_scsl/results/log.txt: missing log",
                   "iclr2025_data_problems/results/log.txt: empty file",
                   "human_eval/human_review.csv: CRLF",
                   "human_review.csv: line 10: reviewer 1",
                   "idea_deepseek-r1.json: extra keys inside score objects",
                   "code fence; fence removed"):
        assert needle in text, needle
    assert all(p and m and "\n" not in m for p, m in problems)
    counts = json.loads(db.scalar("SELECT counts FROM imports WHERE id = 1"))
    # + 20 AI-Scientist-v2 end-to-end reviews and 20 hallucination checks.
    assert counts["added"]["reviews"] == 4824 + 210 + 30 + 20 + 20


def test_second_import_adds_nothing(db, corpus: Path) -> None:
    before = db.scalar("SELECT COUNT(*) FROM import_problems WHERE import_id = 1")
    summary = import_corpus(db, corpus)
    assert summary.added == 0 and summary.counts["versions"] == 0
    assert len(summary.problems) == before
    assert db.scalar("PRAGMA integrity_check") == "ok"
