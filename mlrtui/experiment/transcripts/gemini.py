"""Gemini CLI transcripts.

- "gemini-text": what the MLR-Bench release holds (`end2end_gemini-cli/*/gemini_log.log`): only
  the model's narration, its messages run together without separators; no tool calls, no usage,
  no model name. We keep it as the final text and record nothing else.
- "gemini-json": `--output-format json`, one object {response, stats{models{name: {api, tokens}}},
  error}; tokens are summed over models.
- "gemini-stream-json": `--output-format stream-json`, JSON lines `init`, `message`, `tool_use`
  {tool_name, tool_id, parameters}, `tool_result` {tool_id, status, output}, `result` {stats}.
"""

from __future__ import annotations

import json
from typing import Any

from .events import EventWalk, Handler, begin, read_events
from .jsonio import as_float, as_int
from .model import Transcript


def parse_gemini(raw: bytes | str, source: str = "", root: str | None = None) -> Transcript:
    """Parse Gemini CLI output; `root` as in `model.resolve`."""
    text, t = begin(raw, "gemini-cli", "gemini-text", source, root)
    if not text:
        return t
    if text.startswith("{"):
        try:
            obj = json.loads(text)
        except ValueError:
            obj = None
        if isinstance(obj, dict) and "type" not in obj:
            t.format = "gemini-json"
            _json(t, obj)
            return t
        t.format = "gemini-stream-json"
        _Stream(t, root).walk(read_events(t, text))
        return t
    t.final_text = text
    return t


def _tokens(t: Transcript, models: Any) -> None:
    """Sum per-model token counts of a `stats.models` mapping."""
    if not isinstance(models, dict):
        return
    sums = {"prompt": 0, "candidates": 0, "cached": 0, "total": 0}
    for name, m in models.items():
        t.model = t.model or str(name)
        tok = m.get("tokens") if isinstance(m, dict) else None
        if isinstance(tok, dict):
            for k in sums:
                sums[k] += as_int(tok.get(k)) or 0
        api = m.get("api") if isinstance(m, dict) else None
        if isinstance(api, dict) and as_float(api.get("totalLatencyMs")) is not None:
            t.duration_api_s = (t.duration_api_s or 0) + float(api["totalLatencyMs"]) / 1000
            t.turns = (t.turns or 0) + (as_int(api.get("totalRequests")) or 0)
    t.input_tokens, t.output_tokens = sums["prompt"], sums["candidates"]
    t.cache_read_tokens, t.total_tokens = sums["cached"], sums["total"]


def _json(t: Transcript, obj: dict[str, Any]) -> None:
    if isinstance(obj.get("response"), str):
        t.final_text = obj["response"]
    stats = obj.get("stats")
    if isinstance(stats, dict):
        _tokens(t, stats.get("models"))
        tools = stats.get("tools")
        if isinstance(tools, dict):
            t.tool_calls = as_int(tools.get("totalCalls")) or 0
    if isinstance(obj.get("session_id"), str):
        t.session_id = obj["session_id"]
    if obj.get("error"):
        t.problem(f"agent reported an error: {str(obj['error'])[:200]}")


class _Stream(EventWalk):
    """`--output-format stream-json`: the final text is the assistant's last message, the
    deltas after the last tool call run together."""

    def __init__(self, t: Transcript, root: str | None) -> None:
        super().__init__(t, root)
        self.parts: list[str] = []

    def handlers(self) -> dict[str, Handler]:
        return {"init": self.init, "message": self.message, "tool_use": self.tool_use,
                "tool_result": self.tool_result, "result": self.result}

    def init(self, ev: dict[str, Any]) -> None:
        self.t.session_id = ev.get("session_id") or ev.get("sessionId")
        self.t.model = ev.get("model") if isinstance(ev.get("model"), str) else self.t.model

    def message(self, ev: dict[str, Any]) -> None:
        if ev.get("role") != "assistant":
            return
        if not ev.get("delta"):
            self.parts = []
        self.parts.append(str(ev.get("content") or ""))

    def tool_use(self, ev: dict[str, Any]) -> None:
        self.parts = []
        self.calls.use(str(ev.get("tool_id")), str(ev.get("tool_name")), ev.get("parameters"))

    def tool_result(self, ev: dict[str, Any]) -> None:
        status = ev.get("status")
        out = ev.get("output")
        if out is None and isinstance(ev.get("error"), dict):
            out = ev["error"].get("message")
        self.calls.result(str(ev.get("tool_id")), out,
                          None if status is None else status != "success")

    def result(self, ev: dict[str, Any]) -> None:
        t = self.t
        stats = ev.get("stats") if isinstance(ev.get("stats"), dict) else {}
        t.input_tokens = as_int(stats.get("input_tokens"))
        t.output_tokens = as_int(stats.get("output_tokens"))
        t.total_tokens = as_int(stats.get("total_tokens"))
        if as_float(stats.get("duration_ms")) is not None:
            t.duration_s = float(stats["duration_ms"]) / 1000
        _tokens(t, stats.get("models"))  # older releases nest per-model counts
        if ev.get("status") not in (None, "success"):
            t.problem(f"agent run ended with status {ev.get('status')!r}")

    def finish(self) -> None:
        super().finish()
        self.t.final_text = "".join(self.parts) or None
