"""Anthropic messages through the official `anthropic` SDK: system prompt, prompt caching, JSON.

System messages are joined into Anthropic's separate `system` field; a long system prompt (a judge
rubric, reused across many calls) is marked for prompt caching, and the cache read/write tokens
the API reports are kept in Usage.
"""

from __future__ import annotations

import re
from typing import Any

from anthropic import AsyncAnthropic

from mlrtui.providers.base import Completion, ProviderError, Request, StreamCallback, Usage
from mlrtui.providers.sdk import SDKProvider

_TAKES_TEMPERATURE = re.compile(r"claude-(3|instant|2|(sonnet|opus|haiku)-4(-[0-5])?(-\d{8})?$)")
# Prompt caching needs at least ~1,024 tokens; shorter prompts are not worth the marker.
CACHE_MIN_CHARS = 4000
# The SDK refuses non-streaming calls that may run past 10 minutes; stream those instead.
STREAM_ABOVE_MAX_TOKENS = 16000


class AnthropicProvider(SDKProvider):
    kind = "anthropic"
    CLIENT = AsyncAnthropic

    def _params(self, request: Request) -> dict[str, Any]:
        system = "\n\n".join(m.content for m in request.messages if m.role == "system")
        params: dict[str, Any] = {
            "model": self.model,
            "max_tokens": request.max_tokens,
            "messages": [{"role": m.role, "content": m.content}
                         for m in request.messages if m.role != "system"],
        }
        if system:
            block: dict[str, Any] = {"type": "text", "text": system}
            if len(system) >= CACHE_MIN_CHARS:
                block["cache_control"] = {"type": "ephemeral"}
            params["system"] = [block]
        if _TAKES_TEMPERATURE.match(self.model):
            # The SDK no longer types it (newer models choose their own sampling); older ones
            # still accept it in the body.
            params["extra_body"] = {"temperature": min(1.0, request.temperature)}
        if request.json_schema is not None:
            params["output_config"] = {"format": {"type": "json_schema",
                                                  "schema": request.json_schema}}
        return params

    async def complete(self, request: Request,
                       on_text: StreamCallback | None = None) -> Completion:
        params = self._params(request)
        stream = (request.stream or on_text is not None
                  or request.max_tokens > STREAM_ABOVE_MAX_TOKENS)
        with self.sdk_errors():
            if stream:
                return await self._stream(params, on_text)
            msg = await self.client.messages.create(**params)
        text = "".join(getattr(b, "text", "") for b in msg.content if b.type == "text")
        return Completion(text=text, usage=_usage(msg.usage), model=msg.model or self.model,
                          finish_reason=msg.stop_reason)

    async def _stream(self, params: dict[str, Any], on_text: StreamCallback | None) -> Completion:
        parts: list[str] = []
        start_usage: Any = None
        output_tokens = 0
        finish: str | None = None
        done = False
        model = self.model
        stream = await self.client.messages.create(**params, stream=True)
        try:
            async for event in stream:
                if event.type == "message_start":
                    start_usage = event.message.usage
                    model = event.message.model or model
                elif event.type == "content_block_delta" and event.delta.type == "text_delta":
                    parts.append(event.delta.text)
                    if on_text is not None:
                        on_text(event.delta.text)
                elif event.type == "message_delta":
                    finish = event.delta.stop_reason or finish
                    output_tokens = event.usage.output_tokens or output_tokens
                elif event.type == "message_stop":
                    done = True
        finally:
            await stream.close()
        if not done or start_usage is None:
            raise ProviderError("stream ended before the reply was complete", retryable=True)
        usage = _usage(start_usage)
        usage.output_tokens = output_tokens or usage.output_tokens
        return Completion(text="".join(parts), usage=usage, model=model, finish_reason=finish)


def _usage(raw: Any) -> Usage:
    """Anthropic's input_tokens exclude cached ones; ours include them (see base.Usage)."""
    read = getattr(raw, "cache_read_input_tokens", None) or 0
    write = getattr(raw, "cache_creation_input_tokens", None) or 0
    return Usage(input_tokens=(raw.input_tokens or 0) + read + write,
                 output_tokens=raw.output_tokens or 0, cache_read_tokens=read,
                 cache_write_tokens=write)
