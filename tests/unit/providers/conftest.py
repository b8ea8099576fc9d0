"""Fixtures of the provider tests: model configs pointing at the loopback server, fast retries."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from llm_helpers import FAST

from mlrtui.config import ModelConfig, Settings
from mlrtui.providers.client import LLMClient
from mlrtui.store import Store


@pytest.fixture
def openai_cfg(loopback, monkeypatch: pytest.MonkeyPatch) -> Callable[..., ModelConfig]:
    """A factory of OpenAI-protocol configs served by the loopback server."""
    monkeypatch.setenv("MLRTUI_TEST_KEY", "test-key-loopback")

    def make(**kw) -> ModelConfig:
        base = {"provider": "openai", "model": "gpt-4o", "base_url": loopback.openai_base_url,
                "api_key_env": "MLRTUI_TEST_KEY", "timeout_s": 0.5, "max_attempts": 4}
        return ModelConfig(**(base | kw))
    return make


@pytest.fixture
def anthropic_cfg(loopback, monkeypatch: pytest.MonkeyPatch) -> Callable[..., ModelConfig]:
    monkeypatch.setenv("MLRTUI_TEST_KEY", "test-key-loopback")

    def make(**kw) -> ModelConfig:
        base = {"provider": "anthropic", "model": "claude-sonnet-4-6",
                "base_url": loopback.base_url, "api_key_env": "MLRTUI_TEST_KEY",
                "timeout_s": 0.5, "max_attempts": 4}
        return ModelConfig(**(base | kw))
    return make


@pytest.fixture
async def make_client(store: Store, llm_settings: Settings):
    """LLMClient over the test store with extra models and fast retries; closed after."""
    made: list[LLMClient] = []

    def make(models: dict[str, ModelConfig] | None = None, **kw) -> LLMClient:
        settings = llm_settings.model_copy(
            update={"models": {**llm_settings.models, **(models or {})}})
        client = LLMClient(store, settings, retry=kw.pop("retry", FAST), **kw)
        made.append(client)
        return client
    yield make
    for client in made:
        await client.aclose()
