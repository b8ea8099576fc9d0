"""On the imported MLR-Bench corpus the leaderboards and the agreement table reproduce the
published figures, with no per-model constants anywhere in the code."""

from __future__ import annotations

import pytest
from test_judge_agreement import RELEASED

from mlrtui.judge.flags import list_flags
from mlrtui.scores import agreement as agr
from mlrtui.scores.aggregate import leaderboard

pytestmark = pytest.mark.corpus

# Published: idea Overall, mean of the two judges over 201 tasks; end-to-end Overall.
IDEA = {"deepseek-r1": 8.11, "o4-mini": 8.11, "gemini-2.5-pro-preview": 8.08,
        "qwen3-235b-a22b": 8.03, "claude-3-7-sonnet": 7.96, "ministral-8b": 7.68}
END_TO_END = {"claude-3-7-sonnet": 4.70, "o4-mini": 3.95, "gemini-2.5-pro-preview": 3.75}


def _overall(board) -> dict[str, tuple[float, float]]:
    return {r.model: (r.cells["Overall"].display, r.cells["Overall"].mean) for r in board.rows}


def test_idea_leaderboard_matches_the_paper(corpus_store) -> None:
    board = leaderboard(corpus_store, "idea", source="corpus")
    assert board.judges == ["claude-3-7-sonnet", "gemini-2.5-pro-preview"]
    got = _overall(board)
    assert set(got) == set(IDEA)
    for model, published in IDEA.items():
        display, exact = got[model]
        assert display == published, model            # the paper's table rounding
        assert abs(exact - published) <= 0.01, model   # the unrounded mean
    assert all(r.n_items == 201 for r in board.rows)
    assert [r.model for r in board.rows][-1] == "ministral-8b"
    assert board.dimensions == ["Consistency", "Clarity", "Novelty", "Feasibility",
                                "Significance", "Overall"]


def test_end_to_end_overall_matches_the_paper(corpus_store) -> None:
    got = _overall(leaderboard(corpus_store, "overall", source="corpus"))
    assert {m: d for m, (d, _) in got.items()} == END_TO_END
    no_code = leaderboard(corpus_store, "overall", source="corpus", variant="no_code")
    assert {r.model for r in no_code.rows} == {"o4-mini"}         # reviewed without code


def test_proposal_leaderboard_has_every_model_and_dimension(corpus_store) -> None:
    board = leaderboard(corpus_store, "proposal", source="corpus")
    assert len(board.rows) == 6 and "Soundness" in board.dimensions
    assert all(len(r.cells) == 7 and r.n_items == 201 for r in board.rows)


def test_agreement_from_db_rows_equals_the_released_analysis(corpus_store) -> None:
    rep = agr.from_store(corpus_store, "corpus")
    assert (rep.items, rep.reviewers, rep.duplicate_rows) == (30, 8, 3)
    assert rep.items_without_judge == []
    for d in rep.dimensions:
        u, p = RELEASED[d.dimension]
        assert (d.n_human_human, d.n_human_judge) == (24, 60)
        assert d.u == pytest.approx(u) and d.p == pytest.approx(p, abs=1e-6)
    overall = next(c for c in rep.correlations if c.dimension == "Overall")
    assert (overall.judge_a, overall.judge_b, overall.n) == (
        "claude-3-7-sonnet", "gemini-2.5-pro-preview", 30)
    assert 0 < overall.rho < 1


def test_corpus_hallucination_verdicts_are_in_the_flag_queue(corpus_store) -> None:
    flags = list_flags(corpus_store)
    # 10 experiment-review verdicts + 69 findings of the AI-Scientist-v2 hallucination checks.
    assert len(flags) == 79 and all(f.status == "open" and f.linked for f in flags)
