"""A synthetic mini-corpus with each kind of bad file: nothing aborts, every problem is one line
naming its file, good rows are all there, and a re-run adds nothing."""

from __future__ import annotations

import json
from pathlib import Path

import minicorpus
import pytest

from mlrtui.cli import main
from mlrtui.importer import CorpusError, ImportSummary, import_corpus
from mlrtui.importer.context import ImportContext, UnitFailed
from mlrtui.kernel.progress import NullProgress
from mlrtui.store import open_store

EXPECTED_PROBLEMS = {
    "tasks/badname.md": "name is not",
    "idea/idea_gamma-3.md": "empty file",
    "idea/idea_epsilon-5.md": "not valid UTF-8",
    "idea/idea_delta-4.md": "code fence",
    "proposal/proposal_beta-2.md": "CRLF",
    "results/log.txt": "missing log",
    "results/empty.csv": "empty file",
    "results/scores.json": "JSON lines (2 records)",
    "lit_token_usage.json": "JSON lines",
    "paper_token_usage.json": "invalid JSON",
    "codex_log.log": "bare CR",
    f"idea/idea_{minicorpus.MODELS[0]}.json": "extra keys inside score objects",
    f"proposal/proposal_{minicorpus.MODELS[0]}.json": "JSON lines",
    "iclr2099_ghost": "unknown task",
    f"idea/idea_{minicorpus.MODELS[1]}.json": "empty file",
    f"proposal/proposal_{minicorpus.MODELS[1]}.json": "kept raw as 'invalid'",
    "human_review.csv": "again (first on line 2)",
}


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    return minicorpus.build(tmp_path / "mini")


def _rows(store) -> dict[str, int]:
    return {t: store.scalar(f"SELECT COUNT(*) FROM {t}") for t in (
        "tasks", "runs", "versions", "version_inputs", "stage_heads", "files", "executions",
        "llm_calls", "reviews", "review_scores", "flags", "human_scores", "model_aliases")}


def test_bad_files_become_problem_lines(store, mini: Path) -> None:
    sink = NullProgress()
    summary = import_corpus(store, mini, progress=sink)
    lines = summary.problem_lines()
    for where, what in EXPECTED_PROBLEMS.items():
        assert any(where in line and what in line for line in lines), (where, what, lines)
    assert sink.problems == summary.problems and sink.done == sink.total
    stored = store.query("SELECT path, problem FROM import_problems WHERE import_id = ?",
                         [summary.import_id])
    assert [(r["path"], r["problem"]) for r in stored] == summary.problems
    assert all(not Path(p).is_absolute() for p, _ in summary.problems)


def test_good_rows_survive_bad_neighbours(store, mini: Path) -> None:
    summary = import_corpus(store, mini)
    assert summary.counts["tasks"] == 2
    # Broken review repaired, invalid kept raw, empty one skipped.
    statuses = sorted(r["parse_status"] for r in store.query("SELECT parse_status FROM reviews "
                                                             "WHERE judge_model = 'judge-one'"))
    assert statuses == ["invalid", "ok", "ok", "ok", "ok", "ok", "repaired"]
    fenced = store.scalar("SELECT text FROM versions WHERE author = 'delta-4'")
    assert fenced.startswith("# Fenced idea") and "```" not in fenced
    crlf = store.scalar("SELECT text FROM versions WHERE import_key LIKE "
                        "'%neurips2032_lanterns/proposal/proposal_beta-2.md'")
    assert "\r" not in crlf
    # The chain's idea is attributed to the model whose idea it copies; related work unknown.
    authors = dict(store.db.execute(
        "SELECT v.stage, v.author FROM versions v JOIN runs r ON r.id = v.run_id "
        "WHERE r.import_key = 'corpus:run:chain/iclr2031_tidepools'").fetchall())
    assert authors == {"idea": "alpha-1", "literature": "unknown", "proposal": "beta-2"}
    # End-to-end: both usage records of the JSON-lines file, none from the broken one.
    calls = store.query("SELECT stage, model, input_tokens FROM llm_calls ORDER BY id")
    assert [(c["stage"], c["input_tokens"]) for c in calls] == [
        ("idea", 10), ("literature", 1), ("literature", 3), ("proposal", 7)]
    assert {c["model"] for c in calls} == {"alpha-1", "lit-engine"}
    ex = store.query("SELECT executor, status, duration_s FROM executions ORDER BY id")
    assert [(e["executor"], e["status"], e["duration_s"]) for e in ex] == [
        ("codex", "ok", 240.0), ("imported", "ok", 540.0)]
    kinds = dict(store.db.execute("SELECT path, kind FROM files").fetchall())
    assert kinds["results/figure.png"] == "figure" and kinds["codex/run.py"] == "code"
    assert kinds["codex_log.log"] == "transcript"
    # Human scores: duplicate rows kept apart, empty and non-numeric cells skipped.
    assert store.scalar("SELECT COUNT(*) FROM human_scores") == 6
    assert store.scalar("SELECT COUNT(DISTINCT row_index) FROM human_scores "
                        "WHERE reviewer = '1'") == 2


def test_second_import_adds_nothing(store, mini: Path) -> None:
    first = import_corpus(store, mini)
    before = _rows(store)
    second = import_corpus(store, mini)
    assert second.added == 0 and _rows(store) == before
    assert second.problems == first.problems
    assert store.scalar("SELECT COUNT(*) FROM imports WHERE status = 'done'") == 2


def test_stop_then_rerun_completes(tmp_path: Path, mini: Path) -> None:
    clean = open_store(tmp_path / "clean.db")
    import_corpus(clean, mini)
    expected = _rows(clean)
    clean.close()
    store = open_store(tmp_path / "stopped.db")
    calls = iter(range(100))
    summary = import_corpus(store, mini, should_stop=lambda: next(calls) >= 3)
    assert summary.stopped and _rows(store)["reviews"] == 0
    assert store.scalar("SELECT status FROM imports") == "stopped"
    import_corpus(store, mini)
    assert _rows(store) == expected
    store.close()


def test_not_a_corpus(store, tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="not an MLR-Bench checkout"):
        import_corpus(store, tmp_path)
    assert store.scalar("SELECT COUNT(*) FROM imports") == 0


def _cli(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    """The real entry point, in-process (the kill test covers the subprocess path)."""
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_json_table_and_exit_codes(tmp_path: Path, mini: Path, capsys) -> None:
    db = tmp_path / "cli.db"
    code, out, err = _cli(capsys, "import", str(mini), "--db", str(db), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["added"]["tasks"] == 2 and report["found"]["end-to-end runs"] == 1
    assert any(p["path"].endswith("results/log.txt") for p in report["problems"])
    code, out, err = _cli(capsys, "--db", str(db), "import", str(mini))
    assert code == 0
    assert "0 rows added" in out and "missing log" in out
    assert "found" in out and "added" in out
    code, out, err = _cli(capsys, "import", str(tmp_path / "nowhere"), "--db", str(db))
    assert code == 2 and "not an MLR-Bench checkout" in err
    bad_db = tmp_path / "text.db"
    bad_db.write_text("not a database\n")
    code, out, err = _cli(capsys, "import", str(mini), "--db", str(bad_db))
    assert code == 2 and err.count("\n") == 1 and "text.db" in err
    assert bad_db.read_text() == "not a database\n"


def test_failed_unit_rolls_back_rows_counts_and_ids(store, tmp_path: Path) -> None:
    store.insert("tasks", {"id": "t1", "venue": "v", "year": 2031, "slug": "s", "title": "T",
                           "body": "b", "category": "Others", "source": "user",
                           "content_hash": "h", "created_at": "now"})
    summary = ImportSummary()
    ctx = ImportContext(store, tmp_path, summary, NullProgress())
    ctx.preload()
    run = {"task_id": "t1", "mode": "stepwise", "model": "m", "status": "done",
           "source": "corpus", "import_key": "corpus:run:x", "created_at": "n",
           "updated_at": "n"}
    with ctx.unit(tmp_path / "broken"):
        ctx.model("some-model-2031-01-01")
        ctx.keyed("runs", run)
        raise UnitFailed("half done")
    assert store.scalar("SELECT COUNT(*) FROM runs") == 0
    assert store.scalar("SELECT COUNT(*) FROM model_aliases") == 0
    assert summary.counts["runs"] == 0 and "corpus:run:x" not in ctx.ids["runs"]
    assert summary.problems == [("broken", "not imported (UnitFailed: half done)")]
    with ctx.unit(tmp_path / "fine"):
        run_id = ctx.keyed("runs", run)
    assert store.scalar("SELECT id FROM runs") == run_id and summary.counts["runs"] == 1
