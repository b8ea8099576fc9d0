"""The SQL views answer after an import, and every imported run knows its folder in the corpus."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import minicorpus
import pytest

from mlrtui.importer import import_corpus
from mlrtui.runs.listing import list_run_lines
from mlrtui.store import open_store
from mlrtui.store.migrations import VIEWS_0005

VIEWS = ["current_versions", "leaderboard", "cost_by_task", "cost_by_model", "cost_by_stage",
         "review_scores_full"]


def test_the_views_are_the_ones_documented() -> None:
    assert sorted(VIEWS_0005) == sorted(VIEWS)
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    assert all(f"`{v}`" in readme for v in VIEWS)


def _check_views(path: Path) -> dict[str, list[sqlite3.Row]]:
    """Read with plain sqlite3, as a user of the file would."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        out = {v: conn.execute(f"SELECT * FROM {v}").fetchall() for v in VIEWS}
    finally:
        conn.close()
    assert all(out[v] for v in VIEWS), [v for v in VIEWS if not out[v]]
    return out


def test_views_and_sources_on_the_mini_corpus(tmp_path: Path) -> None:
    root = minicorpus.build(tmp_path / "mini")
    store = open_store(tmp_path / "m.db")
    import_corpus(store, root)
    runs = list_run_lines(store)
    store.close()
    rows = _check_views(tmp_path / "m.db")
    stages = {r["stage"]: r for r in rows["cost_by_stage"]}
    assert sum(r["calls"] for r in stages.values()) == sum(r.calls for r in runs)
    assert all(r["priced_calls"] + r["unpriced_calls"] == r["calls"] for r in stages.values())
    board = {(r["stage"], r["model"], r["dimension"]) for r in rows["leaderboard"]}
    assert ("idea", "alpha-1", "Clarity") in board
    assert {r.source for r in runs} == {
        f"agent_results/ideas_and_proposals/{minicorpus.TASK_A}",
        f"agent_results/ideas_and_proposals/{minicorpus.TASK_B}",
        f"agent_results/end2end_codex/{minicorpus.TASK_A}"}
    for r in runs:
        assert (root / r.source).is_dir()


@pytest.mark.corpus
def test_views_and_sources_on_the_reference_corpus(corpus_db: Path, corpus: Path) -> None:
    rows = _check_views(corpus_db)
    assert len(rows["cost_by_task"]) == 10   # the 20 end-to-end runs cover 10 tasks
    store = open_store(corpus_db)
    try:
        runs = list_run_lines(store)
    finally:
        store.close()
    missing = [r.id for r in runs if r.source is None or not (corpus / r.source).is_dir()]
    assert missing == []
    assert {r.agent for r in runs} == {"mlr-agent", "ai-scientist-v2"}
    assert {r.coder for r in runs if r.mode == "end-to-end"} == {"codex", "gemini-cli",
                                                                 "ai-scientist-v2"}
