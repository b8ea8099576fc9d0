"""Shared fixtures: a real temp-file store, the reference corpus path, isolated config dirs."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlrtui.store import Store, open_store

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CORPUS = (PROJECT_ROOT / ".." / "shared" / "mlrbench").resolve()


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Never read or write the developer's real config, data dir or API keys in tests."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("MLRTUI_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("MLRTUI_DATA_DIR", str(home / "data"))
    monkeypatch.delenv("MLRTUI_CONFIG", raising=False)
    monkeypatch.delenv("MLRTUI_DB", raising=False)
    for var in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENROUTER_API_KEY"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = open_store(tmp_path / "test.db")
    yield s
    s.close()


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not (CORPUS / "tasks").is_dir():
        pytest.skip(f"reference corpus not found at {CORPUS} (needs ../shared/mlrbench)")
    return CORPUS


@pytest.fixture
def loopback():
    """A started loopback LLM server (OpenAI + Anthropic protocols), stopped after the test."""
    from loopback import LoopbackServer

    server = LoopbackServer().start()
    yield server
    server.stop()


@pytest.fixture
def llm_settings(loopback, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Settings whose models include fake-openai and fake-anthropic, served by `loopback`.

    Both use the key variable MLRTUI_TEST_KEY (set here); the defaults, incl. "local", remain.
    """
    from mlrtui.config import ModelConfig, Settings, default_models

    monkeypatch.setenv("MLRTUI_TEST_KEY", "test-key-loopback")
    models = default_models()
    models["fake-openai"] = ModelConfig(
        provider="openai", model="gpt-4o", base_url=loopback.openai_base_url,
        api_key_env="MLRTUI_TEST_KEY", max_tokens=256, timeout_s=2.0, max_attempts=4)
    models["fake-anthropic"] = ModelConfig(
        provider="anthropic", model="claude-sonnet-4-6", base_url=loopback.base_url,
        api_key_env="MLRTUI_TEST_KEY", max_tokens=256, timeout_s=2.0, max_attempts=4)
    return Settings(db=tmp_path / "llm.db", models=models, default_model="fake-openai",
                    judges=["fake-openai", "fake-anthropic"])
