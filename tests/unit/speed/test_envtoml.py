"""Settings sources without pydantic-settings: TOML, then MLRTUI_* env, then explicit values."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlrtui.config import ConfigError, Settings, load_settings
from mlrtui.kernel.envtoml import deep_merge, env_values

TOML = """
judges = ["a"]
run_budget_usd = 1.5
[models.lab]
provider = "openai"
model = "lab-model"
concurrency = 2
"""


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(TOML, encoding="utf-8")
    monkeypatch.setenv("MLRTUI_CONFIG", str(path))
    return path


def test_toml_then_env_then_explicit(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().run_budget_usd == 1.5
    monkeypatch.setenv("MLRTUI_RUN_BUDGET_USD", "3")
    monkeypatch.setenv("mlrtui_judges", '["x", "y"]')          # names are case-insensitive
    monkeypatch.setenv("MLRTUI_MODELS__LAB__CONCURRENCY", "16")  # nested, merged into TOML's
    s = load_settings()
    assert (s.run_budget_usd, s.judges) == (3.0, ["x", "y"])
    assert (s.models["lab"].model, s.models["lab"].concurrency) == ("lab-model", 16)
    assert Settings(run_budget_usd=9).run_budget_usd == 9.0
    assert load_settings(db=Path("x.db")).db == Path("x.db")


def test_variables_naming_no_field_are_ignored(config: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLRTUI_LOG_LEVEL", "DEBUG")
    monkeypatch.setenv("MLRTUI_NO_SUCH__THING", "1")
    assert load_settings().judges == ["a"]


def test_bad_json_for_a_list_is_one_line_naming_the_variable(
        config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLRTUI_JUDGES", "a,b")
    with pytest.raises(ConfigError, match="MLRTUI_JUDGES") as err:
        load_settings()
    assert "\n" not in str(err.value)


def test_deep_merge_and_env_values_alone() -> None:
    assert deep_merge({"a": {"b": 1, "c": 2}}, {"a": {"c": 3}}, {"d": 4}) == {
        "a": {"b": 1, "c": 3}, "d": 4}
    env = {"P_X": "1", "P_M__K__V": "2", "OTHER": "3", "P_L": "[1, 2]"}
    assert env_values("P_", ["x", "m", "l"], ["l"], environ=env) == {
        "x": "1", "m": {"k": {"v": "2"}}, "l": [1, 2]}
