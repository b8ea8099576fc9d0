"""Blind human scoring: what the form shows, validation, the per-reviewer queue."""

from __future__ import annotations

import pytest
from judge_helpers import PAPER, add_review, make_run

from mlrtui.scores.human import HumanScoreError, blind_item, blind_queue, list_scores, save_scores

FULL = {"Clarity": 6, "Novelty": 5, "Soundness": 4, "Significance": 5, "Overall": 4}


def test_blind_item_shows_rubric_but_no_judge_scores_or_model(store) -> None:
    run, v = make_run(store, {"paper": PAPER}, model="secret-model")
    add_review(store, stage="overall", judge="A", target="secret-model", run_id=run,
               version_id=v["paper"], scores={"Overall": 9})
    item = blind_item(store, v["paper"])
    dumped = item.model_dump_json()
    assert "secret-model" not in dumped and '"Overall": 9' not in dumped
    assert item.text == PAPER and item.rubric_id == "overall"
    assert [d.name for d in item.dimensions] == list(FULL)
    assert item.confidence is not None


def test_saved_scores_are_user_blind_rows_with_the_rubric(store) -> None:
    _run, v = make_run(store, {"paper": PAPER})
    ids = save_scores(store, "ana", v["paper"], {**{k.lower(): str(s) for k, s in FULL.items()},
                                                  "Confidence": 4})
    assert len(ids) == 6
    rows = list_scores(store, reviewer="ana")
    assert {r.dimension for r in rows} == set(FULL) | {"Confidence"}
    assert all(r.source == "user" and r.blind and r.rubric_id == "overall" for r in rows)
    assert rows[0].version_id == v["paper"] and rows[0].target_model == "o4-mini"


@pytest.mark.parametrize("scores, message", [
    ({**FULL, "Overall": 11}, "Overall: 11 is outside 1-10"),
    ({**FULL, "Confidence": 9}, "Confidence: 9 is outside 1-5"),
    ({**FULL, "Vibes": 3}, "'Vibes' is not a dimension of rubric overall"),
    ({k: s for k, s in FULL.items() if k != "Soundness"}, "missing score(s) for Soundness"),
    ({**FULL, "Novelty": "high"}, "Novelty: 'high' is not a number"),
])
def test_bad_scores_save_nothing(store, scores, message) -> None:
    _run, v = make_run(store, {"paper": PAPER})
    with pytest.raises(HumanScoreError) as err:
        save_scores(store, "ana", v["paper"], scores)
    assert str(err.value).startswith(message)
    assert list_scores(store) == []


def test_queue_skips_what_the_reviewer_scored(store) -> None:
    versions = [make_run(store, {"paper": PAPER}, model=m)[1]["paper"]
                for m in ("a", "b", "c")]
    queue = blind_queue(store, "ana")
    assert sorted(queue) == sorted(versions)
    save_scores(store, "ana", queue[0], FULL)
    assert queue[0] not in blind_queue(store, "ana")
    assert len(blind_queue(store, "bob")) == 3
    with pytest.raises(HumanScoreError, match="no version 999"):
        blind_item(store, 999)
