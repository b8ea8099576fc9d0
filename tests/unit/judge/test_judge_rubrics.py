"""Rubrics as data: bundled files load, user files override or fail alone, hashes are stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlrtui import paths
from mlrtui.judge.rubrics import (
    JUDGE_STAGES,
    RubricError,
    get_rubric,
    load_rubrics,
    rubric_for_stage,
    store_rubric,
    stored_rubric,
)

BUNDLED = paths.PROJECT_ROOT / "rubrics"


def test_bundled_rubrics_cover_every_stage_with_their_dimensions() -> None:
    rubrics, problems = load_rubrics()
    assert problems == []
    assert set(JUDGE_STAGES.values()) <= set(rubrics)
    assert rubrics["idea"].dimension_names == ["Consistency", "Clarity", "Novelty",
                                               "Feasibility", "Significance", "Overall"]
    assert "Soundness" in rubrics["proposal"].dimension_names
    assert rubrics["experiment"].has_verdict
    assert "Insightfulness" in rubrics["experiment"].dimension_names
    assert rubrics["overall"].confidence is not None
    assert (rubrics["overall"].confidence.min, rubrics["overall"].confidence.max) == (1, 5)
    assert rubrics["hallucination"].kind == "findings"
    assert {t.id for t in rubrics["hallucination"].finding_types} == {
        "nonexistent_citation", "hallucinated_methodology", "math_error", "faked_results"}
    for r in rubrics.values():
        for dim in r.dimensions:
            assert len(dim.bands) == 5, (r.id, dim.name)      # described 1-10 bands


def test_schema_and_prompt_name_every_dimension() -> None:
    rubric = rubric_for_stage("proposal")
    full, compact = rubric.schema_for(False), rubric.schema_for(True)
    assert set(full["required"]) == set(rubric.dimension_names)
    assert full["properties"]["Novelty"]["properties"]["score"]["enum"] == list(range(1, 11))
    assert compact["properties"]["justification"]["maxLength"] <= 200
    prompt = rubric.system_prompt()
    for dim in rubric.dimension_names:
        assert f"- {dim}:" in prompt
    assert "9-10" in prompt and "9-10" not in rubric.system_prompt(compact=True)


def test_paper_stage_uses_the_writeup_rubric() -> None:
    assert rubric_for_stage("paper").id == "writeup"
    assert rubric_for_stage("overall").target_stage == "paper"
    with pytest.raises(RubricError, match="unknown stage"):
        rubric_for_stage("poem")


def test_user_rubric_overrides_bundled_and_broken_one_is_reported_alone() -> None:
    user_dir = paths.rubrics_dirs()[0]
    user_dir.mkdir(parents=True)
    text = (BUNDLED / "idea.toml").read_text(encoding="utf-8").replace(
        'name = "Research idea"', 'name = "My stricter idea rubric"')
    (user_dir / "idea.toml").write_text(text, encoding="utf-8")
    (user_dir / "broken.toml").write_text("id = 'broken'\nname = [", encoding="utf-8")
    rubrics, problems = load_rubrics()
    assert rubrics["idea"].name == "My stricter idea rubric"
    assert rubrics["idea"].hash != get_rubric("idea", [BUNDLED]).hash
    assert "proposal" in rubrics
    assert len(problems) == 1 and problems[0].startswith(str(user_dir / "broken.toml"))
    assert "\n" not in problems[0]
    with pytest.raises(RubricError, match="broken.toml"):
        get_rubric("broken")


def test_missing_schema_and_unknown_input_are_one_line_errors(tmp_path: Path) -> None:
    text = (BUNDLED / "idea.toml").read_text(encoding="utf-8")
    (tmp_path / "a.toml").write_text(text.split("[output]")[0], encoding="utf-8")
    (tmp_path / "b.toml").write_text(text.replace('inputs = ["task"]', 'inputs = ["dreams"]'),
                                     encoding="utf-8")
    rubrics, problems = load_rubrics([tmp_path])
    assert rubrics == {}
    assert any("a.toml: missing [output] schema" in p for p in problems)
    assert any("b.toml: unknown inputs ['dreams']" in p for p in problems)


def test_stored_rubric_keeps_the_exact_wording(store) -> None:
    rubric = get_rubric("idea")
    store_rubric(store, rubric)
    store_rubric(store, rubric)              # idempotent
    assert store.scalar("SELECT COUNT(*) FROM rubrics") == 1
    again = stored_rubric(store, "idea", rubric.hash)
    assert again is not None and again.content == rubric.content
    assert again.dimension_names == rubric.dimension_names
