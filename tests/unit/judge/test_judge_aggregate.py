"""Aggregation: latest valid review per judge, mean of per-judge means, spread, disagreement."""

from __future__ import annotations

import pytest
from judge_helpers import add_review, make_run

from mlrtui.scores.aggregate import (
    disagreements,
    distribution,
    judge_pairs,
    leaderboard,
    round_half_up,
    run_scores,
)


def test_leaderboard_is_the_mean_of_per_judge_means(store) -> None:
    # judge A scored two items of model m, judge B only one: per-judge means 6 and 9 -> 7.5
    add_review(store, stage="idea", judge="A", task="t1", target="m", scores={"Overall": 5})
    add_review(store, stage="idea", judge="A", task="t2", target="m", scores={"Overall": 7})
    add_review(store, stage="idea", judge="B", task="t1", target="m", scores={"Overall": 9})
    add_review(store, stage="idea", judge="A", task="t1", target="n", scores={"Overall": 4,
                                                                             "Novelty": 3})
    board = leaderboard(store, "idea")
    assert [r.model for r in board.rows] == ["m", "n"]
    cell = board.rows[0].cells["Overall"]
    assert cell.judges == {"A": 6.0, "B": 9.0}
    assert cell.mean == pytest.approx(7.5)
    assert cell.spread == pytest.approx(3.0)
    assert board.rows[0].n_items == 2
    assert board.dimensions == ["Novelty", "Overall"]
    assert "Novelty" not in board.rows[0].cells


def test_newer_review_replaces_and_invalid_ones_do_not_count(store) -> None:
    run, versions = make_run(store, {"idea": "x"})
    common = {"stage": "idea", "judge": "A", "run_id": run, "version_id": versions["idea"]}
    add_review(store, scores={"Overall": 2}, **common)
    add_review(store, scores={"Overall": 8}, **common)
    add_review(store, scores={"Overall": 1}, status="invalid", **common)
    board = leaderboard(store, "idea")
    assert board.rows[0].cells["Overall"].mean == 8
    assert board.rows[0].n_items == 1


def test_display_rounds_each_judge_mean_like_a_printed_table() -> None:
    assert round_half_up(7.995) == 8.0 and round_half_up(2.675) == 2.68
    assert round_half_up(8.025) == 8.03


def test_display_value_differs_from_exact_mean_only_by_rounding(store) -> None:
    # judge means 7.905 and 7.995 -> printed 7.91 and 8.00 -> 7.955 -> 7.96 (exact 7.95)
    for i, (a, b) in enumerate([(7.905, 7.995)]):
        add_review(store, stage="idea", judge="A", task=f"t{i}", target="m", scores={"Overall": a})
        add_review(store, stage="idea", judge="B", task=f"t{i}", target="m", scores={"Overall": b})
    cell = leaderboard(store, "idea").rows[0].cells["Overall"]
    assert round(cell.mean, 2) == 7.95 and cell.display == 7.96


def test_variants_and_sources_are_kept_apart(store) -> None:
    add_review(store, stage="overall", judge="A", target="m", scores={"Overall": 6})
    add_review(store, stage="overall", judge="A", target="m", scores={"Overall": 2},
               variant="no_code")
    add_review(store, stage="overall", judge="A", target="m", scores={"Overall": 9},
               source="corpus", task="t9")
    assert leaderboard(store, "overall", source="local").rows[0].cells["Overall"].mean == 6
    assert leaderboard(store, "overall", variant="no_code").rows[0].cells["Overall"].mean == 2
    assert leaderboard(store, "overall", source="corpus").rows[0].cells["Overall"].mean == 9
    assert leaderboard(store, "overall").rows[0].n_items == 2


def test_run_scores_flag_spreads_above_the_threshold(store) -> None:
    run, versions = make_run(store, {"idea": "x"})
    v = versions["idea"]
    add_review(store, stage="idea", judge="A", run_id=run, version_id=v,
               scores={"Novelty": 3, "Clarity": 7, "Overall": 6})
    add_review(store, stage="idea", judge="B", run_id=run, version_id=v,
               scores={"Novelty": 8, "Clarity": 9, "Overall": 7})
    by_dim = {d.dimension: d for d in run_scores(store, run, "idea", threshold=2.0)}
    assert by_dim["Novelty"].disagree and by_dim["Novelty"].spread == 5
    assert by_dim["Novelty"].mean == 5.5
    assert not by_dim["Clarity"].disagree           # a spread of exactly 2 is not above 2
    assert list(by_dim)[-1] == "Overall"
    found = disagreements(store, "idea", threshold=2.0)
    assert [(d.dimension, d.spread) for d in found] == [("Novelty", 5)]
    assert run_scores(store, run, "proposal") == []


def test_distribution_and_judge_pairs_for_plots(store) -> None:
    for task, (a, b) in {"t1": (4, 6), "t2": (8, 8)}.items():
        add_review(store, stage="idea", judge="A", task=task, target="m", scores={"Overall": a})
        add_review(store, stage="idea", judge="B", task=task, target="m", scores={"Overall": b})
    assert distribution(store, "idea", "Overall") == {"m": [5.0, 8.0]}
    assert sorted(judge_pairs(store, "idea", "Overall", "A", "B")) == [(4, 6), (8, 8)]
