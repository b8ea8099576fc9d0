"""The loopback's batch desks: OpenAI's Batch API (file upload, batch create / retrieve, file
content) and Anthropic's Message Batches (create, retrieve, JSONL results).

A batch ends `complete_after_s` seconds after it was created; until then it is in progress.
With `expire_unfinished = n`, a batch instead EXPIRES with its last n requests unfinished.
Each request's reply comes from the server's usual script or responder, so faults work too.
Every batch-API call is recorded in `calls` ("POST /v1/batches", ...) for assertions.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from typing import TYPE_CHECKING, Any

from loopback import wire

if TYPE_CHECKING:
    from loopback.server import LoopbackServer


@dataclass
class _Batch:
    id: str
    protocol: str                          # openai | anthropic
    requests: list[tuple[str, dict[str, Any]]]
    created: float
    input_file_id: str = ""
    results: list[dict[str, Any]] | None = None   # JSONL rows once ended
    expired: bool = False
    counts: dict[str, int] = field(default_factory=dict)


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


class BatchDesk:
    def __init__(self, owner: LoopbackServer) -> None:
        self.owner = owner
        self.complete_after_s = 0.0
        self.expire_unfinished: int | None = None
        self.calls: list[str] = []
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, _Batch] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def creates(self) -> int:
        return sum(c in ("POST /v1/batches", "POST /v1/messages/batches") for c in self.calls)

    # -- routing -----------------------------------------------------------------------------
    def route(self, method: str, path: str, headers: dict[str, str],
              raw: bytes) -> tuple[int, str, bytes] | None:
        """(status, content type, body) for a batch-API path, else None."""
        parts = path.strip("/").split("/")
        if parts[:1] != ["v1"]:
            return None
        key = f"{method} /{'/'.join(parts[:3] if parts[1] == 'messages' else parts[:2])}"
        with self._lock:
            self.calls.append(key)
        if method == "POST" and path == "/v1/files":
            return self._upload(headers, raw)
        if method == "POST" and path == "/v1/batches":
            return self._create_openai(json.loads(raw or b"{}"))
        if method == "GET" and len(parts) == 3 and parts[1] == "batches":
            return self._json(self._openai_view(self._get(parts[2])))
        if method == "GET" and len(parts) == 4 and parts[1] == "files" and parts[3] == "content":
            data = self.files.get(parts[2])
            return (200, "application/octet-stream", data) if data is not None else \
                self._json({"error": {"message": "no such file"}}, 404)
        if parts[1:3] == ["messages", "batches"]:
            if method == "POST" and len(parts) == 3:
                return self._create_anthropic(json.loads(raw or b"{}"))
            if method == "GET" and len(parts) == 4:
                return self._json(self._anthropic_view(self._get(parts[3])))
            if method == "GET" and len(parts) == 5 and parts[4] == "results":
                batch = self._get(parts[3])
                rows = self._finish(batch) or []
                body = "".join(json.dumps(r) + "\n" for r in rows).encode()
                return 200, "application/binary", body
        with self._lock:
            self.calls.pop()
        return None

    @staticmethod
    def _json(body: dict[str, Any], status: int = 200) -> tuple[int, str, bytes]:
        return status, "application/json", json.dumps(body).encode()

    def _get(self, batch_id: str) -> _Batch:
        return self.batches[batch_id]

    # -- OpenAI ------------------------------------------------------------------------------
    def _upload(self, headers: dict[str, str], raw: bytes) -> tuple[int, str, bytes]:
        head = f"Content-Type: {headers.get('content-type', '')}\r\n\r\n".encode()
        msg = BytesParser(policy=policy.default).parsebytes(head + raw)
        data = b""
        for part in msg.iter_parts():
            if part.get_param("name", header="content-disposition") == "file":
                data = part.get_payload(decode=True) or b""
        file_id = f"file-{next(self._ids)}"
        self.files[file_id] = data
        return self._json({"id": file_id, "object": "file", "bytes": len(data),
                           "created_at": int(time.time()), "filename": "batch.jsonl",
                           "purpose": "batch", "status": "processed"})

    def _create_openai(self, body: dict[str, Any]) -> tuple[int, str, bytes]:
        lines = self.files.get(body.get("input_file_id", ""), b"").decode().splitlines()
        reqs = [(r["custom_id"], r["body"]) for r in map(json.loads, filter(None, lines))]
        batch = _Batch(f"batch_{next(self._ids)}", "openai", reqs, time.time(),
                       input_file_id=body.get("input_file_id", ""))
        self.batches[batch.id] = batch
        return self._json(self._openai_view(batch))

    def _openai_view(self, batch: _Batch) -> dict[str, Any]:
        rows = self._finish(batch)
        view: dict[str, Any] = {
            "id": batch.id, "object": "batch", "endpoint": "/v1/chat/completions",
            "input_file_id": batch.input_file_id, "completion_window": "24h",
            "created_at": int(batch.created), "expires_at": int(batch.created) + 86400,
            "status": "in_progress", "output_file_id": None, "error_file_id": None,
            "request_counts": {"total": len(batch.requests), "completed": 0, "failed": 0}}
        if rows is None:
            return view
        ok = [r for r in rows if r.get("error") is None and r["response"]["status_code"] == 200]
        bad = [r for r in rows if r not in ok]
        for name, part in (("output_file_id", ok), ("error_file_id", bad)):
            if part:
                file_id = f"file-{batch.id}-{name[:3]}"
                self.files[file_id] = "".join(json.dumps(r) + "\n" for r in part).encode()
                view[name] = file_id
        view["status"] = "expired" if batch.expired else "completed"
        view["request_counts"] = {"total": len(batch.requests), "completed": len(ok),
                                  "failed": len(bad)}
        return view

    # -- Anthropic ---------------------------------------------------------------------------
    def _create_anthropic(self, body: dict[str, Any]) -> tuple[int, str, bytes]:
        reqs = [(r["custom_id"], r["params"]) for r in body.get("requests", [])]
        batch = _Batch(f"msgbatch_{next(self._ids)}", "anthropic", reqs, time.time())
        self.batches[batch.id] = batch
        return self._json(self._anthropic_view(batch))

    def _anthropic_view(self, batch: _Batch) -> dict[str, Any]:
        rows = self._finish(batch)
        counts = {"processing": len(batch.requests), "succeeded": 0, "errored": 0,
                  "canceled": 0, "expired": 0}
        if rows is not None:
            counts["processing"] = 0
            for r in rows:
                counts[r["result"]["type"]] += 1
        return {"id": batch.id, "type": "message_batch",
                "processing_status": "ended" if rows is not None else "in_progress",
                "request_counts": counts, "created_at": _iso(batch.created),
                "expires_at": _iso(batch.created + 86400),
                "ended_at": _iso(time.time()) if rows is not None else None,
                "archived_at": None, "cancel_initiated_at": None,
                "results_url": (f"{self.owner.base_url}/v1/messages/batches/{batch.id}/results"
                                if rows is not None else None)}

    # -- processing --------------------------------------------------------------------------
    def _finish(self, batch: _Batch) -> list[dict[str, Any]] | None:
        """The batch's result rows once it has ended (computed once), else None."""
        with self._lock:
            if batch.results is not None:
                return batch.results
            if time.time() - batch.created < self.complete_after_s:
                return None
            unfinished = self.expire_unfinished or 0
            batch.expired = self.expire_unfinished is not None
        done = len(batch.requests) - unfinished
        rows = [self._result(batch.protocol, cid, body) if i < done
                else self._expired(batch.protocol, cid)
                for i, (cid, body) in enumerate(batch.requests)]
        with self._lock:
            batch.results = rows
        return rows

    def _result(self, protocol: str, custom_id: str, body: dict[str, Any]) -> dict[str, Any]:
        from loopback.server import Fault, Received

        # recorded among the server's requests, marked as served inside a batch
        path = "batch:" + ("/v1/chat/completions" if protocol == "openai" else "/v1/messages")
        rec = Received(protocol, path, {}, body, time.monotonic())
        action = self.owner._decide(rec)
        rec.outcome = action.kind if isinstance(action, Fault) else "ok"
        if isinstance(action, Fault):
            status, err = wire.error_body(protocol, action.kind if action.kind in wire.ERRORS
                                          else "500")
            if protocol == "openai":
                return {"id": f"batch_req_{custom_id}", "custom_id": custom_id, "error": None,
                        "response": {"status_code": status, "body": err}}
            return {"custom_id": custom_id, "result": {"type": "errored", "error": err}}
        text, finish, usage = wire.reply_content(protocol, body, action)
        model = action.model or body.get("model") or "loopback"
        if protocol == "openai":
            return {"id": f"batch_req_{custom_id}", "custom_id": custom_id, "error": None,
                    "response": {"status_code": 200, "request_id": f"req_{custom_id}",
                                 "body": wire.openai_body(text, model, finish, usage)}}
        return {"custom_id": custom_id, "result": {
            "type": "succeeded", "message": wire.anthropic_body(text, model, finish, usage)}}

    @staticmethod
    def _expired(protocol: str, custom_id: str) -> dict[str, Any]:
        if protocol == "openai":
            return {"id": f"batch_req_{custom_id}", "custom_id": custom_id, "response": None,
                    "error": {"code": "batch_expired",
                              "message": "not run before the completion window closed"}}
        return {"custom_id": custom_id, "result": {"type": "expired"}}
