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

from .calls import ToolCalls
from .jsonio import as_float, as_int, as_text, json_lines
from .model import Transcript


def parse_gemini(raw: bytes | str, source: str = "", root: str | None = None) -> Transcript:
    """Parse Gemini CLI output; `root` as in `model.resolve`."""
    text = as_text(raw).lstrip("\ufeff").strip()
    t = Transcript(agent="gemini-cli", format="gemini-text", source=source, root=root)
    if not text:
        t.problem("empty transcript")
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
        _stream(t, text, root)
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


def _stream(t: Transcript, text: str, root: str | None) -> None:
    objs, problems = json_lines(text)
    for p in problems[:5]:
        t.problem(p)
    calls = ToolCalls(t, root)
    parts: list[str] = []
    for ev in objs:
        kind = ev.get("type")
        if kind == "init":
            t.session_id = ev.get("session_id") or ev.get("sessionId")
            t.model = ev.get("model") if isinstance(ev.get("model"), str) else t.model
        elif kind == "message" and ev.get("role") == "assistant":
            if not ev.get("delta"):
                parts = []
            parts.append(str(ev.get("content") or ""))
        elif kind == "tool_use":
            parts = []
            calls.use(str(ev.get("tool_id")), str(ev.get("tool_name")), ev.get("parameters"))
        elif kind == "tool_result":
            status = ev.get("status")
            out = ev.get("output")
            if out is None and isinstance(ev.get("error"), dict):
                out = ev["error"].get("message")
            calls.result(str(ev.get("tool_id")), out,
                         None if status is None else status != "success")
        elif kind == "result":
            stats = ev.get("stats") if isinstance(ev.get("stats"), dict) else {}
            t.input_tokens = as_int(stats.get("input_tokens"))
            t.output_tokens = as_int(stats.get("output_tokens"))
            t.total_tokens = as_int(stats.get("total_tokens"))
            if as_float(stats.get("duration_ms")) is not None:
                t.duration_s = float(stats["duration_ms"]) / 1000
            _tokens(t, stats.get("models"))  # older releases nest per-model counts
            if ev.get("status") not in (None, "success"):
                t.problem(f"agent run ended with status {ev.get('status')!r}")
    calls.finish()
    t.final_text = "".join(parts) or None
