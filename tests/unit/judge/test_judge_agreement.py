"""Agreement statistics: the released analysis from the CSVs, and the same from DB rows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from judge_helpers import PAPER, add_review, make_run

from mlrtui.scores import agreement as agr
from mlrtui.scores.human import save_scores

# The authors' released analysis of the released CSVs (their notebook's output table).
RELEASED = {"Novelty": (662.5, 0.568827), "Clarity": (525.5, 0.052853),
            "Soundness": (630.5, 0.372652), "Significance": (603.0, 0.241145),
            "Overall": (692.0, 0.782697)}


@pytest.mark.corpus
def test_released_csvs_reproduce_the_authors_analysis(corpus: Path) -> None:
    human, judge = agr.load_csv(corpus / "human_eval")
    rep = agr.report("csv", "authors", human, judge)
    assert (rep.items, rep.reviewers, rep.duplicate_rows) == (30, 8, 3)
    for d in rep.dimensions:
        u, p = RELEASED[d.dimension]
        assert (d.n_human_human, d.n_human_judge) == (24, 60)
        assert d.u == pytest.approx(u) and d.p == pytest.approx(p, abs=1e-6)
    clarity = next(d for d in rep.dimensions if d.dimension == "Clarity")
    assert clarity.mean_human_judge > clarity.mean_human_human


@pytest.mark.corpus
def test_other_duplicate_policies_keep_every_human_pair(corpus: Path) -> None:
    human, judge = agr.load_csv(corpus / "human_eval")
    for policy in ("mean", "first", "last"):
        dims = agr.compare(human, judge, None, policy)
        assert {(d.n_human_human, d.n_human_judge) for d in dims} == {(27, 57)}
    with pytest.raises(agr.AgreementError, match="unknown duplicate policy"):
        agr.compare(human, judge, None, "median")


def test_csv_with_missing_column_names_the_file(tmp_path: Path, corpus: Path) -> None:
    shutil.copy(corpus / "human_eval" / "llm_judge.csv", tmp_path / "llm_judge.csv")
    (tmp_path / "human_review.csv").write_text("reviewer,paper\n1,a\n", encoding="utf-8")
    with pytest.raises(agr.AgreementError, match=r"human_review.csv: missing column"):
        agr.load_csv(tmp_path)


def _user_study(store) -> list[int]:
    """Three papers, two judges, two blind human reviewers (see the expected numbers below)."""
    judges = {"A": [6, 4, 9], "B": [8, 4, 7]}
    humans = {"r1": [5, 4, 8], "r2": [7, 3, 8]}
    versions = []
    for i, model in enumerate(["o4-mini", "gpt-4o", "claude-3-7-sonnet"]):
        run, v = make_run(store, {"paper": PAPER}, model=model)
        versions.append(v["paper"])
        for judge, overall in judges.items():
            add_review(store, stage="overall", judge=judge, target=model, run_id=run,
                       version_id=v["paper"], scores={"Clarity": 7, "Novelty": 6, "Soundness": 5,
                                                      "Significance": 6,
                                                      "Overall": overall[i]})
        for reviewer, overall in humans.items():
            save_scores(store, reviewer, v["paper"], {"Clarity": 7, "Novelty": 6,
                                                      "Soundness": 5, "Significance": 6,
                                                      "Overall": overall[i], "Confidence": 3})
    return versions


def test_user_scores_in_the_db_get_the_same_analysis(store) -> None:
    from scipy.stats import mannwhitneyu

    versions = _user_study(store)
    rep = agr.from_store(store, "user")
    assert (rep.items, rep.reviewers, rep.duplicate_rows) == (3, 2, 0)
    overall = next(d for d in rep.dimensions if d.dimension == "Overall")
    # |h-h| = [2, 1, 0]; judge means 7, 4, 8 -> |h-j| = [2, 0, 0, 1, 0, 0]
    assert (overall.n_human_human, overall.n_human_judge) == (3, 6)
    assert overall.mean_human_human == 1.0 and overall.mean_human_judge == 0.5
    expect = mannwhitneyu([2, 1, 0], [2, 0, 0, 1, 0, 0], alternative="two-sided")
    assert overall.u == expect.statistic and overall.p == pytest.approx(expect.pvalue)
    assert [d.dimension for d in rep.dimensions] == agr.DIMENSIONS      # Confidence left out
    rho = {(c.dimension, c.judge_a, c.judge_b): c for c in rep.correlations}
    assert rho[("Overall", "A", "B")].rho == pytest.approx(0.5)
    assert rho[("Overall", "A", "B")].n == 3
    assert rho[("Clarity", "A", "B")].rho is None                  # constant scores
    # a duplicate: r1 scores the first paper again
    save_scores(store, "r1", versions[0], {"Clarity": 7, "Novelty": 6, "Soundness": 5,
                                            "Significance": 6, "Overall": 6})
    authors = next(d for d in agr.from_store(store, "user").dimensions
                   if d.dimension == "Overall")
    assert (authors.n_human_human, authors.n_human_judge) == (2, 7)
    mean = next(d for d in agr.from_store(store, "user", "mean").dimensions
                if d.dimension == "Overall")
    assert (mean.n_human_human, mean.n_human_judge) == (3, 6)
    assert agr.from_store(store, "corpus").items == 0


def test_human_score_without_judge_reviews_is_listed(store) -> None:
    _run, v = make_run(store, {"idea": "An idea."})
    save_scores(store, "me", v["idea"], {"Consistency": 5, "Clarity": 5, "Novelty": 5,
                                         "Feasibility": 5, "Significance": 5, "Overall": 5})
    rep = agr.from_store(store, "all")
    assert len(rep.items_without_judge) == 1
    assert all(d.u is None for d in rep.dimensions)
    with pytest.raises(agr.AgreementError, match="unknown source"):
        agr.from_store(store, "aliens")
