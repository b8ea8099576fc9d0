"""Prompt templates, input fitting, code extraction and figure validation."""

from __future__ import annotations

import pytest

from mlrtui import paths
from mlrtui.config import default_models
from mlrtui.runs import prompts as S


def test_every_stage_template_loads_and_fills() -> None:
    cfg = default_models()["gpt-4o"]
    for name in ["idea", "literature", "proposal", "experiment_code", "experiment_repair",
                 "experiment_results", "paper", "agent"]:
        _system, user = S.load_template(name)
        assert user
    req = S.build_request("proposal", {"task": "T" * 50, "idea": "My idea", "literature": "L"},
                          cfg, max_tokens=300, fitted=("task", "idea", "literature"))
    assert req.messages[0].role == "system" and "My idea" in req.messages[-1].content
    assert "{{" not in req.messages[-1].content and req.max_tokens == 300


def test_user_override_wins(tmp_path) -> None:
    folder = paths.prompts_dirs()[0]
    folder.mkdir(parents=True)
    (folder / "idea.md").write_text("=== user ===\nMine: {{task}} {{unknown}}\n")
    system, user = S.load_template("idea")
    assert system == "" and user.startswith("Mine:")
    assert S.fill(user, {"task": "X"}) == "Mine: X {{unknown}}"
    (folder / "idea.md").write_text("no sections here\n")
    with pytest.raises(S.PromptError, match="idea.md: needs a '=== user ==='"):
        S.load_template("idea")


def test_local_model_gets_a_small_input_budget() -> None:
    local, big = default_models()["local"], default_models()["gpt-4o"]
    values = {"task": "word " * 5000, "idea": "short idea"}
    small = S.build_request("literature", values, local, max_tokens=900,
                            fitted=("task", "idea"))
    large = S.build_request("literature", values, big, max_tokens=900, fitted=("task", "idea"))
    assert len(small.messages[-1].content) < S.LOCAL_INPUT_CHARS + 1000
    assert len(large.messages[-1].content) > 20000
    assert "short idea" in small.messages[-1].content and S.CUT.strip() in small.messages[-1].content
    assert small.max_tokens == S.stage_max_tokens("literature", local)


def test_fit_keeps_short_inputs_whole() -> None:
    out = S.fit({"a": "x" * 100, "b": "y" * 5000, "c": "z" * 5000}, 2100)
    assert out["a"] == "x" * 100
    assert sum(len(v) for v in out.values()) <= 2100
    assert abs(len(out["b"]) - len(out["c"])) <= 1


def test_extract_code() -> None:
    assert S.extract_code("Here:\n```python\nprint(1)\n```\nand ```\nx\n```") == "print(1)\n"
    assert S.extract_code("```py\nimport os\n") == "import os\n"      # unterminated fence
    assert S.extract_code("print('bare')") == "print('bare')\n"


def test_paper_keeps_only_known_figures() -> None:
    text = ("![ok](results/curve.png) ![by name](./curve.png) ![bad](fig/none.png)\n"
            '<img src="ghost.svg"> ![web](http://example.com/x.png)')
    out, removed = S.keep_known_figures(text, ["results/curve.png"])
    assert "![ok](results/curve.png)" in out and "![by name](./curve.png)" in out
    assert removed == ["fig/none.png", "ghost.svg", "http://example.com/x.png"]
    assert "none.png" not in out.replace("figure omitted: bad", "")
