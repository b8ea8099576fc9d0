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
