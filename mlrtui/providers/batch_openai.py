"""OpenAI's Batch API: a JSONL file of /v1/chat/completions requests, uploaded with purpose
"batch", one batch created from it, and the output and error files read back when it ends.

Requests the provider did not reach before the 24-hour window closed come back in the error
file (code batch_expired); any custom_id missing from both files is reported as expired too.
"""

from __future__ import annotations

import json
from typing import Any

from openai.types.chat import ChatCompletion

from mlrtui.providers.base import Completion, Request
from mlrtui.providers.batchapi import (
    ENDPOINT,
    BatchResult,
    BatchState,
    iso_time,
    jsonl,
    sdk_call_error,
)
from mlrtui.providers.openai_compat import OpenAICompatProvider, _usage

_STATUS = {"validating": "pending", "in_progress": "pending", "finalizing": "pending",
           "cancelling": "pending", "completed": "ended", "expired": "ended",
           "cancelled": "ended", "failed": "failed"}


class OpenAIBatches:
    def __init__(self, provider: OpenAICompatProvider) -> None:
        self.provider = provider
        self.client = provider.client

    async def submit(self, requests: list[tuple[str, Request]]) -> tuple[str, BatchState,
                                                                       str | None]:
        rows = [{"custom_id": cid, "method": "POST", "url": ENDPOINT,
                 "body": self.provider._params(req, False)} for cid, req in requests]
        try:
            upload = await self.client.files.create(file=("batch.jsonl", jsonl(rows)),
                                                    purpose="batch")
            batch = await self.client.batches.create(input_file_id=upload.id, endpoint=ENDPOINT,
                                                     completion_window="24h")
        except Exception as exc:  # every SDK/transport failure: one line
            raise sdk_call_error("submitting the batch", exc) from exc
        return batch.id, self._state(batch), upload.id

    async def poll(self, batch_id: str) -> BatchState:
        try:
            return self._state(await self.client.batches.retrieve(batch_id))
        except Exception as exc:  # every SDK/transport failure: one line
            raise sdk_call_error(f"asking about batch {batch_id}", exc) from exc

    @staticmethod
    def _state(batch: Any) -> BatchState:
        counts = batch.request_counts
        error = None
        if batch.status == "failed" and batch.errors and batch.errors.data:
            error = "; ".join(e.message or e.code or "" for e in batch.errors.data)[:300]
        return BatchState(
            status=_STATUS.get(batch.status, "pending"), provider_status=batch.status,
            counts={"total": counts.total, "completed": counts.completed,
                    "failed": counts.failed} if counts else {},
            expires_at=iso_time(batch.expires_at), error=error)

    async def results(self, batch_id: str) -> list[BatchResult]:
        try:
            batch = await self.client.batches.retrieve(batch_id)
            out = [*await self._file(batch.output_file_id), *await self._file(batch.error_file_id)]
        except Exception as exc:  # every SDK/transport failure: one line
            raise sdk_call_error(f"reading the results of batch {batch_id}", exc) from exc
        return out

    async def _file(self, file_id: str | None) -> list[BatchResult]:
        if not file_id:
            return []
        content = await self.client.files.content(file_id)
        return [self._line(json.loads(line)) for line in content.text.splitlines()
                if line.strip()]

    def _line(self, row: dict[str, Any]) -> BatchResult:
        cid = str(row.get("custom_id"))
        resp = row.get("response") or {}
        error = row.get("error")
        if error:
            code = error.get("code") or ""
            status = "expired" if code == "batch_expired" else "errored"
            return BatchResult(cid, status, error=f"{code}: {error.get('message') or ''}")
        if resp.get("status_code") != 200:
            body = resp.get("body") or {}
            msg = (body.get("error") or {}).get("message") if isinstance(body, dict) else body
            return BatchResult(cid, "errored", error=f"HTTP {resp.get('status_code')}: {msg}")
        comp = ChatCompletion.model_validate(resp["body"])
        if not comp.choices:
            return BatchResult(cid, "errored", error="reply without choices")
        choice = comp.choices[0]
        return BatchResult(cid, "succeeded", Completion(
            text=choice.message.content or "", usage=_usage(comp.usage),
            model=comp.model or self.provider.model, finish_reason=choice.finish_reason))

    async def aclose(self) -> None:
        await self.provider.aclose()
