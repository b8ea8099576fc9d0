"""What the two SDK-backed providers (openai, anthropic) share: the async client built the same
way, every SDK or transport failure turned into a one-line ProviderError, and rough token counts.

The SDKs' own retries are off: one call is one attempt, and LLMClient decides about the next.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, ClassVar

from mlrtui.config import ModelConfig
from mlrtui.providers.base import Message, ProviderError, estimate_tokens
from mlrtui.providers.errors import from_sdk_error


class SDKProvider:
    kind: ClassVar[str]
    CLIENT: ClassVar[Any]              # the SDK's async client class

    def __init__(self, cfg: ModelConfig) -> None:
        self.cfg = cfg
        self.model = cfg.model
        # A local server often needs no key; the SDKs insist on some string.
        self.client = self.CLIENT(api_key=cfg.api_key() or "no-key", base_url=cfg.base_url,
                                  timeout=cfg.timeout_s, max_retries=0)

    @contextlib.contextmanager
    def sdk_errors(self) -> Iterator[None]:
        """Inside, any SDK or transport failure becomes a ProviderError (cancellation passes)."""
        try:
            yield
        except ProviderError:
            raise
        except Exception as exc:  # every SDK/transport failure becomes a ProviderError
            raise from_sdk_error(exc, key_env=self.cfg.api_key_env,
                                 timeout_s=self.cfg.timeout_s) from exc

    def count_tokens(self, messages: list[Message]) -> int:
        return sum(estimate_tokens(m.content) + 4 for m in messages)

    async def aclose(self) -> None:
        await self.client.close()
