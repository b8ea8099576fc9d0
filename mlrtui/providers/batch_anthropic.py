"""Anthropic's Message Batches: every request sent in one create call with its custom_id and
the same params a live call would send; results streamed back as JSONL once the batch ends.

A request the provider did not reach within 24 hours comes back with result type "expired".
"""

from __future__ import annotations

from typing import Any

from mlrtui.providers.anthropic_provider import AnthropicProvider, _usage
from mlrtui.providers.base import Completion, Request
from mlrtui.providers.batchapi import BatchResult, BatchState, iso_time, sdk_call_error


def batch_params(provider: AnthropicProvider, request: Request) -> dict[str, Any]:
    """A live call's params, with what the SDK sends as extra body folded in."""
    params = provider._params(request)
    params.update(params.pop("extra_body", None) or {})
    return params


class AnthropicBatches:
    def __init__(self, provider: AnthropicProvider) -> None:
        self.provider = provider
        self.client = provider.client

    async def submit(self, requests: list[tuple[str, Request]]) -> tuple[str, BatchState,
                                                                       str | None]:
        items: list[Any] = [{"custom_id": cid, "params": batch_params(self.provider, req)}
                            for cid, req in requests]
        try:
            batch = await self.client.messages.batches.create(requests=items)
        except Exception as exc:  # every SDK/transport failure: one line
            raise sdk_call_error("submitting the batch", exc) from exc
        return batch.id, self._state(batch), None

    async def poll(self, batch_id: str) -> BatchState:
        try:
            return self._state(await self.client.messages.batches.retrieve(batch_id))
        except Exception as exc:  # every SDK/transport failure: one line
            raise sdk_call_error(f"asking about batch {batch_id}", exc) from exc

    @staticmethod
    def _state(batch: Any) -> BatchState:
        c = batch.request_counts
        counts = {"processing": c.processing, "succeeded": c.succeeded, "errored": c.errored,
                  "expired": c.expired, "canceled": c.canceled} if c else {}
        status = "ended" if batch.processing_status == "ended" else "pending"
        return BatchState(status=status, provider_status=batch.processing_status, counts=counts,
                          expires_at=iso_time(batch.expires_at))

    async def results(self, batch_id: str) -> list[BatchResult]:
        out: list[BatchResult] = []
        try:
            async for row in await self.client.messages.batches.results(batch_id):
                out.append(self._row(row))
        except Exception as exc:  # every SDK/transport failure: one line
            raise sdk_call_error(f"reading the results of batch {batch_id}", exc) from exc
        return out

    def _row(self, row: Any) -> BatchResult:
        result = row.result
        if result.type == "succeeded":
            msg = result.message
            text = "".join(getattr(b, "text", "") for b in msg.content if b.type == "text")
            return BatchResult(row.custom_id, "succeeded", Completion(
                text=text, usage=_usage(msg.usage), model=msg.model or self.provider.model,
                finish_reason=msg.stop_reason))
        if result.type == "errored":
            err = getattr(result.error, "error", None)
            detail = f"{getattr(err, 'type', 'error')}: {getattr(err, 'message', '')}"
            return BatchResult(row.custom_id, "errored", error=detail)
        return BatchResult(row.custom_id, result.type, error=f"request {result.type}")

    async def aclose(self) -> None:
        await self.provider.aclose()
