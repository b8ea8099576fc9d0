"""Per-stage output limits (a paper is not cut at the embedded model's 512 tokens) and a reply
that stopped at the limit marked `truncated` on its version, through the real SDKs."""

from __future__ import annotations

import pytest
from loopback import Reply
from stages_helpers import add_task, which_prompt

from mlrtui.config import ModelConfig, Settings, default_models
from mlrtui.providers.client import LLMClient
from mlrtui.runs import prompts as S
from mlrtui.runs import versions as V
from mlrtui.runs.stage_runner import StageRunner


def test_embedded_model_gets_each_stage_its_own_limit() -> None:
    local = default_models()["local"]
    assert S.stage_max_tokens("paper", local) == 2000
    assert S.stage_max_tokens("idea", local) == 700
    values = {"proposal": "p", "experiment": "e", "task": "t", "figures": "none"}
    assert S.build_request("paper", values, local, max_tokens=2000).max_tokens == 2000
    assert local.output_limit() == 512          # other calls (judging) keep the short limit


def test_config_overrides_a_stage_limit_globally_and_per_model() -> None:
    models = {"mine": ModelConfig(provider="openai", model="m", max_tokens=1000,
                                  stage_max_tokens={"idea": 300})}
    settings = Settings(models=models, stage_max_tokens={"paper": 4000, "idea": 900})
    mine = settings.all_models()["mine"]
    assert S.stage_max_tokens("paper", mine) == 4000     # global value lifts the model's 1000
    assert S.stage_max_tokens("idea", mine) == 300       # the model's own value wins
    assert S.stage_max_tokens("proposal", mine) == 1000  # default 1200, capped by max_tokens
    assert settings.all_models()["local"].stage_max_tokens["paper"] == 4000


@pytest.mark.parametrize("model", ["fake-openai", "fake-anthropic"])
async def test_reply_cut_at_the_limit_marks_the_version_truncated(store, llm_settings, loopback,
                                                                   model) -> None:
    settings = llm_settings.model_copy(update={"stage_max_tokens": {"paper": 64}})

    def respond(rec):
        if which_prompt(rec) == "paper":
            return Reply(text="# A paper that goes on and on", finish_reason="length")
        return Reply(text="## Fine\n\nA complete reply.")

    loopback.responder = respond
    add_task(store, "iclr2026_cut")
    run = V.create_run(store, "iclr2026_cut", model)
    for stage in ("idea", "proposal", "experiment"):
        V.write_version(store, run.id, stage, f"a {stage}", model)
    client = LLMClient(store, settings)
    try:
        runner = StageRunner(store, settings, client)
        out = await runner.run_stage(V.get_run(store, run.id), "paper")
        fine = await runner.run_stage(V.get_run(store, run.id), "literature")
    finally:
        await client.aclose()
    assert out.status == "done", out.error
    assert loopback.requests[0].body["max_tokens"] == 64
    paper = V.get_version(store, out.version_id)
    assert paper.truncated
    [row] = store.query("SELECT finish_reason FROM llm_calls WHERE version_id=?", [paper.id])
    assert row["finish_reason"] in ("length", "max_tokens")
    assert not V.get_version(store, fine.version_id).truncated
