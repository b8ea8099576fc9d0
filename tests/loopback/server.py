"""A real HTTP server on 127.0.0.1 speaking the OpenAI and Anthropic protocols, for tests.

Provider tests run the official SDKs against it, so the wire format, streaming, timeouts and
retries are exercised for real. Replies are scripted (a queue, a function of the request, or a
default built from the request); latency is fixed; faults come on demand or at a seeded rate.
Every request received is recorded with its arrival time, for assertions.

    with LoopbackServer() as server:
        server.fail_next("429", retry_after=1)
        client = AsyncOpenAI(base_url=server.openai_base_url, api_key="x")
"""

from __future__ import annotations

import json
import random
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, Self

from loopback import agentic, wire
from loopback.batches import BatchDesk

FaultKind = Literal["429", "500", "503", "400", "404", "context", "401", "hang", "malformed",
                    "cutoff"]


@dataclass
class Reply:
    """A scripted successful reply; unset fields are derived from the request."""

    text: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    finish_reason: str = "stop"          # stop | length (mapped to end_turn / max_tokens)
    latency_s: float | None = None       # overrides the server's fixed latency
    model: str | None = None


@dataclass
class Fault:
    """An injected failure of one request."""

    kind: FaultKind
    retry_after: float | None = None     # Retry-After header (seconds) of a 429 / 503
    after_chunks: int = 2                # cutoff: stream events sent before the cut


@dataclass
class Received:
    """One request as the server saw it."""

    protocol: Literal["openai", "anthropic", "responses", "gemini"]
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float                            # time.monotonic() on arrival
    outcome: str = ""                    # "ok" or the fault kind

    @property
    def stream(self) -> bool:
        return bool(self.body.get("stream")) or ":streamGenerateContent" in self.path

    @property
    def model(self) -> str:
        if self.protocol == "gemini":        # .../models/<model>:generateContent
            return self.path.rsplit("/", 1)[-1].split(":", 1)[0]
        return str(self.body.get("model", ""))

    @property
    def api_key(self) -> str:
        auth = self.headers.get("authorization", "")
        return auth.removeprefix("Bearer ") if auth else self.headers.get("x-api-key", "")


Responder = Callable[[Received], "Reply | Fault | str | None"]


class LoopbackServer:
    """Start with `start()` or as a context manager; `stop()` releases hanging requests too."""

    def __init__(self, *, latency_s: float = 0.0, responder: Responder | None = None,
                 fault_rate: float = 0.0, fault_kinds: tuple[FaultKind, ...] = ("429", "500",
                                                                                "hang"),
                 retry_after: float | None = None, seed: int = 0, hang_s: float = 30.0,
                 words_per_chunk: int = 2) -> None:
        self.latency_s = latency_s
        self.responder = responder
        self.fault_rate = fault_rate
        self.fault_kinds = fault_kinds
        self.retry_after = retry_after
        self.hang_s = hang_s
        self.words_per_chunk = words_per_chunk
        self.requests: list[Received] = []
        self.conversation: agentic.Conversation | None = None
        self.unknown: list[str] = []         # "METHOD /path" of requests with no route
        self.batches = BatchDesk(self)       # OpenAI and Anthropic batch APIs
        self._queue: deque[Reply | Fault] = deque()
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> LoopbackServer:
        handler = type("Handler", (_Handler,), {"owner": self})
        self._httpd = _Server(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,),
                                        name="loopback-llm", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        """Root URL; the Anthropic SDK appends /v1/messages to it."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def openai_base_url(self) -> str:
        """The OpenAI SDK's base_url includes the /v1 prefix."""
        return f"{self.base_url}/v1"

    # -- scripting ---------------------------------------------------------------------------
    def script(self, *items: Reply | Fault | str) -> None:
        """Queue replies (a str is a Reply with that text) and faults, served in order."""
        with self._lock:
            self._queue.extend(Reply(text=i) if isinstance(i, str) else i for i in items)

    def converse(self, *turns: agentic.Turn) -> agentic.Conversation:
        """Answer every request that offers tools from this script (see loopback.agentic)."""
        self.conversation = agentic.Conversation(list(turns))
        return self.conversation

    def fail_next(self, kind: FaultKind, n: int = 1, **kw: Any) -> None:
        self.script(*(Fault(kind, **kw) for _ in range(n)))

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()
            self.requests.clear()

    def outcomes(self) -> list[str]:
        with self._lock:
            return [r.outcome for r in self.requests]

    def _decide(self, rec: Received) -> Reply | Fault:
        with self._lock:
            self.requests.append(rec)
            if self._queue:
                return self._queue.popleft()
            if self.fault_rate and self._rng.random() < self.fault_rate:
                return Fault(self._rng.choice(self.fault_kinds), retry_after=self.retry_after)
        made = self.responder(rec) if self.responder else None
        return Reply(text=made) if isinstance(made, str) else (made or Reply())

    def _wait(self, seconds: float) -> None:
        """Sleep that ends early when the server stops."""
        if seconds > 0:
            self._stopping.wait(seconds)


class _Server(ThreadingHTTPServer):
    # The default backlog of 5 drops connections when a test opens dozens at once.
    request_queue_size = 256


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # TCP_NODELAY, as real LLM endpoints send: without it a streamed reply's first chunk waits
    # for the client's delayed ACK of the headers (40 ms on Linux), a stall the fixed latency
    # does not include.
    disable_nagle_algorithm = True
    owner: LoopbackServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests and benches print their own output."""

    def do_GET(self) -> None:
        """Batch-API reads; CLIs also probe a few endpoints at start: log those, say 404."""
        path = self.path.split("?", 1)[0]
        if not self._batch_route(path, b""):
            self._unknown(path)

    def _batch_route(self, path: str, raw: bytes) -> bool:
        headers = {k.lower(): v for k, v in self.headers.items()}
        made = self.owner.batches.route(self.command, path, headers, raw)
        if made is not None:
            self._raw(made[0], made[1], made[2])
        return made is not None

    def _unknown(self, path: str) -> None:
        with self.owner._lock:
            self.owner.unknown.append(f"{self.command} {path}")
        self._json(404, {"error": {"message": f"no route {path}"}})

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = self.path.split("?", 1)[0]
        if self._batch_route(path, raw):
            return None
        if path.endswith("/chat/completions"):
            protocol = "openai"
        elif path.endswith("/messages/count_tokens"):
            words = wire.count_words(raw.decode("utf-8", "replace"))
            return self._json(200, {"input_tokens": words})
        elif path.endswith("/messages"):
            protocol = "anthropic"
        elif path.endswith("/responses"):
            protocol = "responses"
        elif path.endswith((":generateContent", ":streamGenerateContent")):
            protocol = "gemini"
        elif path.endswith(":countTokens"):
            return self._json(200, {"totalTokens": wire.count_words(raw.decode("utf-8",
                                                                               "replace"))})
        else:
            return self._unknown(path)
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return self._json(400, {"error": {"message": "request body is not JSON"}})
        headers = {k.lower(): v for k, v in self.headers.items()}
        rec = Received(protocol, path, headers, body, time.monotonic())
        action = self.owner._decide(rec)
        rec.outcome = action.kind if isinstance(action, Fault) else "ok"
        latency = action.latency_s if isinstance(action, Reply) else None
        self.owner._wait(self.owner.latency_s if latency is None else latency)
        if isinstance(action, Fault):
            self._fault(rec, action)
        else:
            self._reply(rec, action)

    # -- replies -----------------------------------------------------------------------------
    def _reply(self, rec: Received, reply: Reply, cut_after: int | None = None) -> None:
        text, finish, usage = self._content(rec, reply)
        model = reply.model or rec.model or "loopback"
        talk = self.owner.conversation
        if talk is not None and agentic.offered_tools(rec.protocol, rec.body):
            return self._agent_turn(rec, *talk.next_turn(rec.protocol, rec.body), model, usage)
        if rec.protocol in ("responses", "gemini"):
            return self._agent_turn(rec, 0, agentic.Turn(text=text), model, usage)
        if not rec.stream:
            make = wire.openai_body if rec.protocol == "openai" else wire.anthropic_body
            return self._json(200, make(text, model, finish, usage))
        words = text.split(" ")
        n = max(1, self.owner.words_per_chunk)
        pieces = [" ".join(words[i:i + n]) + (" " if i + n < len(words) else "")
                  for i in range(0, len(words), n)]
        if rec.protocol == "openai":
            include = bool((rec.body.get("stream_options") or {}).get("include_usage"))
            events = wire.openai_stream(pieces, model, finish, usage, include)
        else:
            events = wire.anthropic_stream(pieces, model, finish, usage)
        self._stream(events, cut_after)

    def _agent_turn(self, rec: Received, index: int, turn: agentic.Turn, model: str,
                    usage: dict[str, int]) -> None:
        """A scripted turn (tool call or text) in the protocol's own format."""
        if rec.protocol == "anthropic":
            made = agentic.anthropic_turn(turn, index, model, usage, rec.stream)
            return self._stream(made, None) if isinstance(made, list) else self._json(200, made)
        if rec.protocol == "responses":
            made = agentic.responses_turn(turn, index, model, usage, rec.stream)
            return self._stream(made, None) if isinstance(made, list) else self._json(200, made)
        if rec.protocol == "gemini":
            body = agentic.gemini_turn(turn, model, usage)
            return self._stream(agentic.gemini_stream(body), None) if rec.stream else \
                self._json(200, body)
        return self._json(400, {"error": {"message": f"no tool calls over {rec.protocol}"}})

    def _content(self, rec: Received, reply: Reply) -> tuple[str, str, dict[str, int]]:
        return wire.reply_content(rec.protocol, rec.body, reply)

    def _fault(self, rec: Received, fault: Fault) -> None:
        kind = fault.kind
        if kind == "hang":
            self.owner._wait(self.owner.hang_s)
            self.close_connection = True
            return None
        if kind == "cutoff":
            if not rec.stream:
                return self._raw(200, "application/json", b'{"id": "chatcmpl-cut", "choi',
                                 cut=True)
            return self._reply(rec, Reply(text="this stream will be cut off before its end "
                                                "so the client must notice the missing part"),
                               cut_after=fault.after_chunks)
        if kind == "malformed":
            if rec.stream:
                name = b"" if rec.protocol == "openai" else b"event: message_start\n"
                return self._stream([name + b"data: {this is not json\n\n"], None)
            return self._raw(200, "application/json", b'{"id": "broken", "choices": [}')
        if kind == "401":
            status, body = wire.auth_error(rec.protocol, rec.api_key)
        else:
            status, body = wire.error_body(rec.protocol, kind)
        headers = {}
        if fault.retry_after is not None and kind in ("429", "503"):
            value = fault.retry_after
            headers["Retry-After"] = str(int(value)) if value == int(value) else f"{value:.3f}"
        return self._json(status, body, headers)

    # -- low-level writing -------------------------------------------------------------------
    def _json(self, status: int, body: dict[str, Any],
              headers: dict[str, str] | None = None) -> None:
        self._raw(status, "application/json", json.dumps(body).encode(), headers=headers)

    def _raw(self, status: int, ctype: str, data: bytes, *, cut: bool = False,
             headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data) + (100 if cut else 0)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self._write(data)
        if cut:
            self._drop()

    def _stream(self, events: list[bytes], cut_after: int | None) -> None:
        """Chunked SSE; a cut stream stops mid-chunk and drops the connection."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for i, event in enumerate(events):
            if cut_after is not None and i >= cut_after:
                self._write(b"%x\r\n" % (len(event) + 50) + event[: len(event) // 2])
                return self._drop()
            self._write(b"%x\r\n%s\r\n" % (len(event), event))
        self._write(b"0\r\n\r\n")

    def _write(self, data: bytes) -> None:
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            self.close_connection = True
