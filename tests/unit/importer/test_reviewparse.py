"""parse_review on judge replies of every shape we have seen (all strings are our own)."""

from __future__ import annotations

import pytest

from mlrtui.judge.parse import canonical_dimension, parse_review, parse_score


def test_nested_objects_with_extra_keys_and_overall_justification() -> None:
    text = ('{"Clarity": {"score": 7, "justification": "easy to follow", "scale": "1-10"},'
            ' "OverallAssessment": {"score": 6, "justification": "fine overall",'
            ' "strengths": ["tidy"], "weaknesses": ["small"]}}')
    r = parse_review(text)
    assert r.status == "ok"
    assert r.scores == {"Clarity": 7.0, "Overall": 6.0}
    assert r.justifications == {"Clarity": "easy to follow", "Overall": "fine overall"}
    assert r.strengths == ["tidy"] and r.weaknesses == ["small"]


def test_code_fence_and_leading_prose() -> None:
    text = 'Here is my assessment.\n```json\n{"Novelty": {"score": 9}, "Overall": 8}\n```\nBye.'
    r = parse_review(text)
    assert (r.status, r.scores) == ("ok", {"Novelty": 9.0, "Overall": 8.0})


def test_plain_numbers_and_score_strings() -> None:
    r = parse_review('{"soundness": "8/10", "clarity": "7.5", "novelty": "4/5",'
                     ' "overall": "Score: 6", "notes": "a 3-part plan"}')
    assert r.scores == {"Soundness": 8.0, "Clarity": 7.5, "Novelty": 8.0, "Overall": 6.0}


@pytest.mark.parametrize("key", ["overall_assessment", "OVERALL", "Overall Assessment",
                                 "overallScore"])
def test_odd_overall_keys(key: str) -> None:
    assert parse_review(f'{{"{key}": {{"score": 5}}}}').scores == {"Overall": 5.0}


def test_odd_case_dimensions() -> None:
    assert canonical_dimension("NOVELTY") == "Novelty"
    assert canonical_dimension("insightfulness") == "Insightfulness"
    assert canonical_dimension("overall_assessment") == "Overall"


def test_json_lines() -> None:
    r = parse_review('{"Clarity": {"score": 4}}\n{"Overall": {"score": 3}}\n')
    assert (r.status, r.scores) == ("ok", {"Clarity": 4.0, "Overall": 3.0})


def test_broken_json_is_repaired() -> None:
    r = parse_review('{"Clarity": {"score": 8, "justification": "good",}, "Overall": {"score": 7')
    assert r.status == "repaired"
    assert r.scores == {"Clarity": 8.0, "Overall": 7.0}
    assert r.data["Clarity"]["justification"] == "good"


@pytest.mark.parametrize("text,error", [("", "empty reply"), ("   \n", "empty reply"),
                                        ("I cannot score this.", "no JSON found"),
                                        ('{"summary": "nothing numeric"}', "no scores")])
def test_invalid_replies(text: str, error: str) -> None:
    r = parse_review(text)
    assert r.status == "invalid" and error in r.error and r.scores == {}


def test_hallucination_confidence_and_string_lists() -> None:
    r = parse_review('{"Hallucination": {"has_hallucination": "True", "details": "made up"},'
                     ' "Confidence": 4,'
                     ' "Overall": {"score": "3", "strengths": "[\'one\', \'two\']"}}')
    assert r.hallucination is True and r.hallucination_details == "made up"
    assert r.confidence == 4.0 and "Confidence" not in r.scores
    assert r.strengths == ["one", "two"]
    assert r.summary()["hallucination"] is True


def test_wrapped_scores_and_dimension_lists() -> None:
    assert parse_review('{"scores": {"Novelty": 9, "Overall": 8}}').scores == {
        "Novelty": 9.0, "Overall": 8.0}
    r = parse_review('[{"dimension": "Soundness", "score": 6, "reason": "ok"}]')
    assert r.scores == {"Soundness": 6.0} and r.justifications == {"Soundness": "ok"}


@pytest.mark.parametrize("value,expected", [(8, 8.0), ("9", 9.0), ("8 out of 10", 8.0),
                                            (True, None), ("great", None), (None, None),
                                            ({"Score": "6"}, 6.0)])
def test_parse_score(value: object, expected: float | None) -> None:
    assert parse_score(value) == expected
