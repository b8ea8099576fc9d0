"""The one protocol every LLM backend speaks, and the value types that cross it.

A provider makes ONE attempt of a call. Retries, budgets, the response cache and the ledger
live in `mlrtui.providers.client.LLMClient`, which wraps any provider, so every backend gets them
the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class Message:
    role: Role
    content: str


@dataclass
class Usage:
    """Tokens of one call. input_tokens counts ALL input tokens, cached ones included (OpenAI's
    convention and genai-prices'); cache_read/cache_write say how many of them hit the cache."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0


@dataclass
class Request:
    messages: list[Message]
    temperature: float = 0.7
    max_tokens: int = 1024
    json_schema: dict[str, Any] | None = None   # ask for structured output that fits it
    stream: bool = False


@dataclass
class Completion:
    text: str
    usage: Usage
    model: str                       # as reported by the backend
    finish_reason: str | None = None
    notes: list[str] = field(default_factory=list)   # e.g. "input cut to fit context window"


# Why a reply ended when it hit the output limit: OpenAI and llama.cpp say "length",
# Anthropic "max_tokens". Such a reply is cut, and the version it becomes says so.
TRUNCATED_REASONS = ("length", "max_tokens")

# Streaming: the provider calls this with each new piece of text as it arrives.
StreamCallback = Callable[[str], None]


class StreamReset(str):
    """The piece a StreamCallback gets when a cut stream is retried: drop the text shown so far.

    It is an empty string, so a consumer that does not know it appends nothing.
    """


STREAM_RESET = StreamReset("")


def is_reset(piece: str) -> bool:
    return isinstance(piece, StreamReset)


class ProviderError(Exception):
    """A failed attempt. `retryable` tells the client whether another attempt may succeed."""

    def __init__(self, message: str, *, retryable: bool, status: int | None = None,
                 retry_after: float | None = None, malformed: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after
        self.malformed = malformed     # a garbage body: retried once at most


class Provider(Protocol):
    kind: str        # openai | anthropic | local | scripted
    model: str       # the model id sent to the backend

    async def complete(self, request: Request,
                       on_text: StreamCallback | None = None) -> Completion:
        """One attempt. Raises ProviderError; must be cancellable (asyncio.CancelledError)."""
        ...

    def count_tokens(self, messages: list[Message]) -> int:
        """Input tokens of messages (exact where the backend can tell, else an estimate)."""
        ...

    async def aclose(self) -> None: ...


def estimate_tokens(text: str) -> int:
    """A cheap upper-leaning estimate (about 3.5 characters a token) for budget checks."""
    return max(1, int(len(text) / 3.5) + 1)
