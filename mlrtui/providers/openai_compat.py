"""OpenAI-compatible chat completions through the official `openai` SDK.

Serves OpenAI itself, OpenRouter and any server with a `/v1/chat/completions` endpoint (vLLM,
Ollama, LM Studio, llama.cpp server). The SDK's own retries are off: one call is one attempt,
and LLMClient decides about the next one.
"""

from __future__ import annotations

from typing import Any

from openai import AsyncOpenAI

from mlrtui.providers.base import (
    Completion,
    Message,
    ProviderError,
    Request,
    StreamCallback,
    Usage,
    estimate_tokens,
)
from mlrtui.providers.sdk import SDKProvider

# Reasoning models reject a temperature and the old max_tokens parameter.
_REASONING_PREFIXES = ("o1", "o3", "o4", "gpt-5")


class OpenAICompatProvider(SDKProvider):
    kind = "openai"
    CLIENT = AsyncOpenAI

    def _params(self, request: Request, stream: bool) -> dict[str, Any]:
        name = self.model.rsplit("/", 1)[-1].lower()
        reasoning = name.startswith(_REASONING_PREFIXES)
        params: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
        }
        official = self.cfg.base_url is None or "api.openai.com" in self.cfg.base_url
        params["max_completion_tokens" if official else "max_tokens"] = request.max_tokens
        if not reasoning:
            params["temperature"] = request.temperature
        if request.json_schema is not None:
            params["response_format"] = {"type": "json_schema", "json_schema": {
                "name": "reply", "schema": request.json_schema, "strict": False}}
        if stream:
            params["stream"] = True
            params["stream_options"] = {"include_usage": True}
        return params

    async def complete(self, request: Request,
                       on_text: StreamCallback | None = None) -> Completion:
        stream = request.stream or on_text is not None
        with self.sdk_errors():
            if stream:
                return await self._stream(self._params(request, True), on_text)
            resp = await self.client.chat.completions.create(**self._params(request, False))
        if not getattr(resp, "choices", None):
            raise ProviderError("malformed response from the server (no choices)",
                                retryable=True, malformed=True)
        choice = resp.choices[0]
        return Completion(text=choice.message.content or "", usage=_usage(resp.usage),
                          model=resp.model or self.model, finish_reason=choice.finish_reason)

    async def _stream(self, params: dict[str, Any], on_text: StreamCallback | None) -> Completion:
        parts: list[str] = []
        usage = None
        finish: str | None = None
        model = self.model
        stream = await self.client.chat.completions.create(**params)
        try:
            async for chunk in stream:
                model = chunk.model or model
                if chunk.usage is not None:
                    usage = chunk.usage
                for choice in chunk.choices:
                    piece = choice.delta.content if choice.delta else None
                    if piece:
                        parts.append(piece)
                        if on_text is not None:
                            on_text(piece)
                    if choice.finish_reason:
                        finish = choice.finish_reason
        finally:
            await stream.close()
        if finish is None:
            raise ProviderError("stream ended before the reply was complete", retryable=True)
        text = "".join(parts)
        if usage is None:  # servers that ignore include_usage: estimate, and say so
            comp = Completion(text=text, model=model, finish_reason=finish, usage=Usage(
                input_tokens=self.count_tokens_of(params), output_tokens=estimate_tokens(text)))
            comp.notes.append("the server sent no token usage; counts are estimates")
            return comp
        return Completion(text=text, usage=_usage(usage), model=model, finish_reason=finish)

    def count_tokens_of(self, params: dict[str, Any]) -> int:
        return self.count_tokens([Message(m["role"], m["content"]) for m in params["messages"]])


def _usage(raw: Any) -> Usage:
    """OpenAI's prompt_tokens already include cached tokens (our input_tokens convention)."""
    if raw is None:
        return Usage()
    details = getattr(raw, "prompt_tokens_details", None)
    cached = getattr(details, "cached_tokens", None) or 0
    return Usage(input_tokens=raw.prompt_tokens or 0, output_tokens=raw.completion_tokens or 0,
                 cache_read_tokens=cached)
