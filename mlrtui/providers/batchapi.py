"""Provider batch APIs through the real SDKs: OpenAI's Batch API and Anthropic's Message Batches.

Half the price of live calls, in exchange for waiting (up to 24 hours). A backend submits many
requests at once, tells how far the provider has got, and hands back each request's result by
its custom_id. Request bodies are built by the live providers themselves, so a batch asks
exactly what a live call would. The embedded local model has no batch API.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from mlrtui.config import ModelConfig
from mlrtui.providers.base import Completion, ProviderError, Request
from mlrtui.providers.registry import make_provider

ENDPOINT = "/v1/chat/completions"
ENDED = ("ended", "failed")          # our states after which the provider does no more work


class BatchUnsupported(Exception):
    """This model's provider has no batch API; one line naming the model."""


@dataclass
class BatchState:
    """How far the provider has got with one batch."""

    status: str                       # pending | ended | failed (ours)
    provider_status: str              # as the provider says it
    counts: dict[str, int] = field(default_factory=dict)
    expires_at: str | None = None
    error: str | None = None          # why the whole batch failed

    @property
    def done(self) -> bool:
        return self.status in ENDED


@dataclass
class BatchResult:
    """One request's outcome: a completion, or why there is none."""

    custom_id: str
    status: str                       # succeeded | errored | expired | canceled
    completion: Completion | None = None
    error: str | None = None


class BatchBackend(Protocol):
    async def submit(self, requests: list[tuple[str, Request]]) -> tuple[str, BatchState,
                                                                       str | None]: ...
    async def poll(self, batch_id: str) -> BatchState: ...
    async def results(self, batch_id: str) -> list[BatchResult]: ...
    async def aclose(self) -> None: ...


def iso_time(ts: Any) -> str | None:
    if ts is None:
        return None
    if isinstance(ts, (int, float)):
        return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")
    return ts.isoformat(timespec="seconds") if hasattr(ts, "isoformat") else str(ts)


def make_backend(name: str, cfg: ModelConfig) -> BatchBackend:
    """The batch backend of a configured model; the local provider has none."""
    if cfg.provider == "openai":
        from mlrtui.providers.batch_openai import OpenAIBatches

        return OpenAIBatches(make_provider(name, cfg))
    if cfg.provider == "anthropic":
        from mlrtui.providers.batch_anthropic import AnthropicBatches

        return AnthropicBatches(make_provider(name, cfg))
    raise BatchUnsupported(f"model {name} ({cfg.provider}) has no batch API; "
                           "only openai and anthropic models can use --batch-api")


def check_batchable(name: str, cfg: ModelConfig | None) -> None:
    """Raise BatchUnsupported early, before anything is built or sent."""
    if cfg is None:
        raise BatchUnsupported(f"unknown model {name!r}: add it under [models] in the config")
    if cfg.provider not in ("openai", "anthropic"):
        raise BatchUnsupported(f"model {name} ({cfg.provider}) has no batch API; "
                               "only openai and anthropic models can use --batch-api")


def jsonl(rows: list[dict[str, Any]]) -> io.BytesIO:
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
    return io.BytesIO(data)


def sdk_call_error(what: str, exc: Exception) -> ProviderError:
    """A failed batch-API call as one line (the SDKs' messages are long and nested)."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return ProviderError(f"{what}: {text[:300]}", retryable=True)
