"""The release's layouts on a corpus of our own: experiment runs with transcripts and origins,
papers per writer model, AI-Scientist-v2 PDFs, hallucination reviews as flags, human labels,
linked subset reviews, unknown folders named once, and idempotence."""

from __future__ import annotations

from pathlib import Path

import pytest
from minicorpus import JUDGE, TASK_A
from minirelease import CODER, PAPER_LINES, WRITERS, build_release

from mlrtui.importer import import_corpus
from mlrtui.judge import flags as fl
from mlrtui.scores.hallucination import kappa, report


@pytest.fixture
def imported(tmp_path: Path, store):
    root = build_release(tmp_path / "release")
    summary = import_corpus(store, root)
    return store, root, summary


def _run(store, key: str) -> dict:
    rows = store.query("SELECT * FROM runs WHERE import_key = ?", ["corpus:run:" + key])
    assert rows, key
    return rows[0]


def test_experiment_run_versions_executions_origins_and_cost(imported) -> None:
    store, _, _ = imported
    run = _run(store, f"experiments_and_writeups/claude/{TASK_A}")
    assert (run["agent"], run["model"]) == ("claude-code", "claude-3-7-sonnet")
    exp = store.query("SELECT * FROM versions WHERE run_id = ? AND stage = 'experiment'",
                      [run["id"]])[0]
    assert (exp["agent"], exp["author"]) == ("claude-code", "claude-3-7-sonnet")
    # Idea etc. are the chain's texts: the author comes from the chain's match.
    idea = store.query("SELECT author FROM versions WHERE run_id = ? AND stage = 'idea'",
                       [run["id"]])[0]
    assert idea["author"] == "alpha-1"
    ex = store.query("SELECT command, status, ordinal FROM executions WHERE run_id = ? "
                     "ORDER BY ordinal", [run["id"]])
    assert [e["status"] for e in ex] == ["ok", "failed"] and ex[0]["ordinal"] < ex[1]["ordinal"]
    files = {f["path"]: f for f in store.query(
        "SELECT path, origin, origin_execution_id, origin_reason, kind FROM files "
        "WHERE run_id = ?", [run["id"]])}
    assert files["claude_code/count.py"]["origin"] == "agent"
    counts = files["results/counts.json"]
    assert counts["origin"] == "execution" and counts["origin_execution_id"] is not None
    assert files["results/stray.txt"]["origin"] == "unknown"
    assert files["claude_output.json"]["kind"] == "transcript"
    assert not any(p.startswith("results/paper_") for p in files)
    cost = store.query("SELECT cost_usd, model, purpose FROM llm_calls WHERE run_id = ?",
                       [run["id"]])
    assert [(c["cost_usd"], c["model"], c["purpose"]) for c in cost] == [
        (0.75, "claude-unit-7", "agent")]
    assert CODER.startswith("claude-unit-7")


def test_papers_per_writer_model_built_on_the_experiment(imported) -> None:
    store, _, _ = imported
    exp = store.scalar("SELECT v.id FROM versions v JOIN runs r ON r.id = v.run_id WHERE "
                       "r.import_key = ? AND v.stage = 'experiment'",
                       [f"corpus:run:experiments_and_writeups/claude/{TASK_A}"])
    for m in ("alpha-1", "beta-2"):
        run = _run(store, f"experiments_and_writeups/claude/{TASK_A}/paper/{m}")
        paper = store.query("SELECT id, author FROM versions WHERE run_id = ?", [run["id"]])
        assert [p["author"] for p in paper] == [m]
        assert store.scalar("SELECT input_version_id FROM version_inputs WHERE version_id = ?",
                            [paper[0]["id"]]) == exp
        review = store.query("SELECT version_id FROM reviews WHERE stage = 'writeup' AND "
                             "target_model = ?", [m])
        assert [r["version_id"] for r in review] == [paper[0]["id"]]
    assert len(WRITERS) == 2


def test_ai_scientist_paper_from_pdf_tokens_reviews_and_flags(imported) -> None:
    store, _, _ = imported
    run = _run(store, f"ai_scientist_v2_papers/o4-mini/{TASK_A}")
    assert (run["agent"], run["model"], run["mode"]) == ("ai-scientist-v2", "o4-mini",
                                                         "end-to-end")
    paper = store.query("SELECT id, text FROM versions WHERE run_id = ? AND stage = 'paper'",
                        [run["id"]])[0]
    assert all(line in paper["text"] for line in PAPER_LINES)
    assert store.scalar("SELECT kind FROM files WHERE run_id = ? AND path LIKE '%.pdf'",
                        [run["id"]]) == "figure"
    assert store.scalar("SELECT cost_usd FROM llm_calls WHERE run_id = ?", [run["id"]]) == 0.5
    flags = fl.list_flags(store, fl.FlagFilter(run_id=run["id"]))
    assert sorted(f.type for f in flags) == ["faked_results", "nonexistent_citation"]
    assert all(f.linked and f.version_id == paper["id"] for f in flags)
    faked = next(f for f in flags if f.type == "faked_results")
    where = fl.evidence_context(store, faked.id)
    assert not where.approximate and "doubles the accuracy" in where.text[where.start:where.end]
    cited = next(f for f in flags if f.type == "nonexistent_citation")
    assert fl.evidence_context(store, cited.id).line is None     # not in the text: not found
    assert store.scalar("SELECT COUNT(*) FROM reviews WHERE run_id = ? AND stage = "
                        "'hallucination'", [run["id"]]) == 2


def test_end2end_claude_layout_and_approximate_evidence(imported) -> None:
    store, _, _ = imported
    run = _run(store, f"end2end_o4-mini/{TASK_A}")
    assert (run["agent"], run["model"]) == ("claude-code", "o4-mini")
    assert store.scalar("SELECT COUNT(*) FROM executions WHERE run_id = ? AND ordinal IS NOT "
                        "NULL", [run["id"]]) == 2
    flag = fl.list_flags(store, fl.FlagFilter(run_id=run["id"]))[0]
    where = fl.evidence_context(store, flag.id)
    assert where.approximate and 0.5 <= where.share < 1
    assert "counted snails" in where.text[where.start:where.end]
    assert "approximate" in where.where
    review = store.query("SELECT run_id, version_id FROM reviews WHERE import_key LIKE "
                         "'%review_o4-mini.json'")[0]
    assert review["run_id"] == run["id"] and review["version_id"] is not None


def test_human_labels_and_judges_versus_humans(imported) -> None:
    store, _, summary = imported
    labels = store.query("SELECT system, run_id, type, label FROM hallucination_labels")
    assert len(labels) == 8 and all(r["run_id"] is not None for r in labels)
    lines = summary.problem_lines()
    assert any("line 4: unknown system 'Robot Writer'" in line for line in lines)
    rep = report(store)
    ai = [r for r in rep.rows if r.system == "AI Scientist V2" and r.type == "faked_results"]
    assert ai[0].human == "yes" and ai[0].judges[rep.judges[0]] == "yes"
    mlr = [r for r in rep.rows if r.system == "MLR Agent" and r.type == "nonexistent_citation"]
    assert mlr[0].human == "not_sure"
    judge = next(j for j in rep.judges if j.startswith("judge-one"))
    cite = next(a for a in rep.agreement if a.type == "nonexistent_citation" and a.judge == judge)
    # AI Scientist: human no, judge yes; MLR agent: not sure (left out).
    assert (cite.n, cite.human_no_judge_yes, cite.not_sure) == (1, 1, 1)
    assert cite.kappa == 0.0 and cite.agreement == 0.0   # one pair, opposite answers


def test_kappa_values() -> None:
    assert kappa(5, 0, 0, 5)[0] == pytest.approx(1.0)
    assert kappa(2, 3, 3, 2)[0] == pytest.approx(-0.2)
    note = "undefined: both sides gave a single answer, chance agreement is total"
    assert kappa(4, 0, 0, 0) == (None, note)


def test_unknown_folders_and_absent_targets_are_one_line_each(imported) -> None:
    _, _, summary = imported
    lines = summary.problem_lines()
    mystery = [line for line in lines if "mystery_outputs" in line]
    expected = ("agent_results/mystery_outputs: unknown kind of folder in agent_results; "
                "not imported")
    assert mystery == [expected]
    absent = [line for line in lines if "end2end_zeta-9" in line]
    assert len(absent) == 1 and "kept unlinked" in absent[0]


def test_unlinked_flag_cannot_be_decided_and_precision_skips_it(imported) -> None:
    store, _, _ = imported
    flag = fl.list_flags(store)[0]
    with store.transaction():
        store.db.execute("UPDATE flags SET version_id = NULL WHERE id = ?", [flag.id])
    assert not fl.get_flag(store, flag.id).linked
    with pytest.raises(fl.FlagError, match="unlinked"):
        fl.confirm(store, flag.id, "sure")
    total = store.scalar("SELECT COUNT(*) FROM flags WHERE source = ?", [flag.source])
    row = next(r for r in fl.precision(store) if r.source == flag.source)
    assert row.flags == total - 1


def test_second_import_adds_nothing(imported) -> None:
    store, root, _ = imported
    again = import_corpus(store, root)
    assert again.added == 0, {k: v for k, v in again.counts.items() if v}
    assert JUDGE
