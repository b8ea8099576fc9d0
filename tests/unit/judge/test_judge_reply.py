"""Reply validation: what parse_review tolerates plus the rubric's own demands."""

from __future__ import annotations

import json

from judge_helpers import idea_reply

from mlrtui.judge.reply import check_reply, flag_type
from mlrtui.judge.rubrics import get_rubric


def test_fenced_reply_with_extra_keys_and_string_scores_is_ok() -> None:
    body = idea_reply(overall=8)
    body["Clarity"] = {"score": "8/10", "justification": "clear", "confidence_note": "extra"}
    body["Novelty"] = {"score": "7"}
    body["Mood"] = "cheerful"
    text = "Here you go:\n```json\n" + json.dumps(body) + "\n```\nThanks."
    reply = check_reply(get_rubric("idea"), text)
    assert reply.status == "ok", reply.error
    assert reply.scores["Clarity"] == 8 and reply.scores["Novelty"] == 7
    assert reply.overall == 8
    assert "Mood" not in reply.scores


def test_justification_inside_overall_object_is_kept() -> None:
    body = idea_reply()
    body["OverallAssessment"]["justification"] = "solid overall"
    reply = check_reply(get_rubric("idea"), json.dumps(body))
    assert reply.justifications["Overall"] == "solid overall"


def test_broken_json_is_repaired() -> None:
    text = json.dumps(idea_reply(overall=6))[:-2]          # cut the closing braces
    reply = check_reply(get_rubric("idea"), text)
    assert reply.status == "repaired"
    assert reply.overall == 6


def test_missing_dimension_or_out_of_range_score_is_invalid() -> None:
    body = idea_reply()
    del body["Feasibility"]
    reply = check_reply(get_rubric("idea"), json.dumps(body))
    assert reply.status == "invalid" and reply.error == "missing Feasibility"
    reply = check_reply(get_rubric("idea"), json.dumps(idea_reply(overall=11)))
    assert reply.status == "invalid" and "Overall" in reply.error
    assert check_reply(get_rubric("idea"), "I liked it a lot!").status == "invalid"
    assert check_reply(get_rubric("idea"), "").status == "invalid"


def test_confidence_must_be_within_one_to_five() -> None:
    rubric = get_rubric("overall")
    body = {d: {"score": 5, "justification": "x"} for d in rubric.dimension_names}
    body["Confidence"] = 4
    assert check_reply(rubric, json.dumps(body)).confidence == 4
    body["Confidence"] = 6
    bad = check_reply(rubric, json.dumps(body))
    assert bad.status == "invalid" and "Confidence" in bad.error
    del body["Confidence"]
    assert check_reply(rubric, json.dumps(body)).error == "missing Confidence"


def test_experiment_verdict_becomes_a_typed_finding() -> None:
    rubric = get_rubric("experiment")
    body = {d: {"score": 4, "justification": "x"} for d in rubric.dimension_names}
    body["Hallucination"] = {"has_hallucination": True, "type": "faked results",
                             "details": "Table 1 numbers appear in no log.",
                             "evidence": "accuracy 99.1%"}
    reply = check_reply(rubric, json.dumps(body))
    assert reply.status == "ok" and reply.has_hallucination is True
    assert reply.verdict is not None and reply.verdict.type == "faked_results"
    assert reply.verdict.evidence == "accuracy 99.1%"
    body["Hallucination"] = {"has_hallucination": False, "type": "none", "details": ""}
    assert check_reply(rubric, json.dumps(body)).verdict is None
    del body["Hallucination"]
    assert check_reply(rubric, json.dumps(body)).error == "missing Hallucination verdict"


def test_findings_reply_is_read_and_types_normalised() -> None:
    rubric = get_rubric("hallucination")
    body = {"findings": [
        {"type": "Nonexistent Citation", "description": "no such paper", "evidence": "Smith"},
        {"type": "math-error", "description": "wrong sum", "evidence": "2+2=5"},
        {"type": "vibes", "description": "odd", "evidence": ""}], "summary": "three"}
    reply = check_reply(rubric, "```\n" + json.dumps(body) + "\n```")
    assert reply.status == "ok"
    assert [f.type for f in reply.findings] == ["nonexistent_citation", "math_error", "other"]
    assert check_reply(rubric, json.dumps({"findings": [], "summary": "none"})).findings == []
    assert check_reply(rubric, '{"findings": [{"type": "math_error", "description": "x"').status \
        == "repaired"
    assert check_reply(rubric, '{"summary": "fine"}').status == "invalid"


def test_flag_type_aliases() -> None:
    assert flag_type("Faked experimental results") == "faked_results"
    assert flag_type("hallucinated_methodology") == "hallucinated_methodology"
    assert flag_type(None) == "other"
