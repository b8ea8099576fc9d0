"""Scripted tool-using conversations for the loopback server: what coding-agent CLIs need.

A `Conversation` is a list of `Turn`s, each a tool call or a final text. The server answers a
request that offers tools with turn N, where N is the number of tool results already in the
request's history: stateless, so client retries and side requests never skip a step. Three
wire formats: Anthropic messages (`tool_use` blocks with `input_json_delta`), the OpenAI
Responses API (`function_call` items) and Gemini `generateContent` (`functionCall` parts).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from loopback.wire import ANTHROPIC_STOP, anthropic_body, anthropic_usage


@dataclass
class ToolCall:
    """One call of a tool the CLI offered, with its arguments as the CLI's schema wants them."""

    name: str
    args: dict[str, Any]


@dataclass
class Turn:
    """A model turn: some text, then at most one tool call (none ends the conversation)."""

    text: str = ""
    call: ToolCall | None = None


@dataclass
class Conversation:
    """The script of one agent run, plus what the CLI sent back as tool results."""

    turns: list[Turn]
    outputs: list[str] = field(default_factory=list)   # tool results, in the order first seen
    served: list[int] = field(default_factory=list)     # turn index of each answered request
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def next_turn(self, protocol: str, body: dict[str, Any]) -> tuple[int, Turn]:
        results = tool_results(protocol, body)
        with self._lock:
            for text in results[len(self.outputs):]:
                self.outputs.append(text)
            index = min(len(results), len(self.turns) - 1)
            self.served.append(index)
        return index, self.turns[index]


# -- reading requests --------------------------------------------------------------------------
def offered_tools(protocol: str, body: dict[str, Any]) -> list[str]:
    """Names of the tools a request offers (Gemini nests them in functionDeclarations)."""
    names: list[str] = []
    for tool in body.get("tools") or []:
        if not isinstance(tool, dict):
            continue
        if protocol == "gemini":
            names += [str(d.get("name")) for d in tool.get("functionDeclarations") or []]
        elif tool.get("name"):
            names.append(str(tool["name"]))
        elif isinstance(tool.get("function"), dict):
            names.append(str(tool["function"].get("name")))
    return names


def _text_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(_text_of(v.get("text", v.get("content", ""))) if isinstance(v, dict)
                         else str(v) for v in value)
    return json.dumps(value) if value is not None else ""


def tool_results(protocol: str, body: dict[str, Any]) -> list[str]:
    """The tool results a request carries in its history, as text, oldest first."""
    out: list[str] = []
    if protocol == "anthropic":
        for msg in body.get("messages") or []:
            for block in msg.get("content") or [] if isinstance(msg, dict) else []:
                if isinstance(block, dict) and block.get("type") == "tool_result":
                    out.append(_text_of(block.get("content")))
    elif protocol == "responses":
        for item in body.get("input") or []:
            if isinstance(item, dict) and item.get("type") in ("function_call_output",
                                                               "custom_tool_call_output"):
                out.append(_text_of(item.get("output")))
    elif protocol == "gemini":
        for content in body.get("contents") or []:
            for part in content.get("parts") or [] if isinstance(content, dict) else []:
                if isinstance(part, dict) and "functionResponse" in part:
                    out.append(_text_of(part["functionResponse"].get("response")))
    return out


# -- Anthropic messages ------------------------------------------------------------------------
def _sse(name: str | None, data: dict[str, Any]) -> bytes:
    head = f"event: {name}\n" if name else ""
    return f"{head}data: {json.dumps(data)}\n\n".encode()


def anthropic_turn(turn: Turn, index: int, model: str, usage: dict[str, int],
                   stream: bool) -> list[bytes] | dict[str, Any]:
    """A turn as a message: text block, then a tool_use block streamed as JSON fragments."""
    stop = "tool_use" if turn.call else ANTHROPIC_STOP["stop"]
    blocks: list[dict[str, Any]] = []
    if turn.text:
        blocks.append({"type": "text", "text": turn.text})
    if turn.call:
        blocks.append({"type": "tool_use", "id": f"toolu_loopback_{index:02d}",
                       "name": turn.call.name, "input": turn.call.args})
    if not stream:
        body = anthropic_body("", model, "stop", usage)
        body.update(content=blocks, stop_reason=stop, id=f"msg_loopback_{index:02d}")
        return body
    start = anthropic_body("", model, "stop", usage)
    start.update(content=[], stop_reason=None, id=f"msg_loopback_{index:02d}",
                 usage=anthropic_usage(usage, output=1))
    events = [_sse("message_start", {"type": "message_start", "message": start})]
    for i, block in enumerate(blocks):
        if block["type"] == "text":
            first, delta = {"type": "text", "text": ""}, {"type": "text_delta",
                                                          "text": block["text"]}
        else:
            first = {**block, "input": {}}
            text = json.dumps(block["input"])
            half = len(text) // 2        # two fragments: the client must join partial JSON
            events.append(_sse("content_block_start", {"type": "content_block_start",
                                                       "index": i, "content_block": first}))
            for piece in (text[:half], text[half:]):
                events.append(_sse("content_block_delta", {
                    "type": "content_block_delta", "index": i,
                    "delta": {"type": "input_json_delta", "partial_json": piece}}))
            events.append(_sse("content_block_stop", {"type": "content_block_stop", "index": i}))
            continue
        events += [_sse("content_block_start", {"type": "content_block_start", "index": i,
                                                "content_block": first}),
                   _sse("content_block_delta", {"type": "content_block_delta", "index": i,
                                                "delta": delta}),
                   _sse("content_block_stop", {"type": "content_block_stop", "index": i})]
    events += [_sse("message_delta", {"type": "message_delta",
                                      "delta": {"stop_reason": stop, "stop_sequence": None},
                                      "usage": {"output_tokens": usage["output"]}}),
               _sse("message_stop", {"type": "message_stop"})]
    return events


# -- OpenAI Responses API ----------------------------------------------------------------------
def responses_turn(turn: Turn, index: int, model: str, usage: dict[str, int],
                   stream: bool = True) -> list[bytes] | dict[str, Any]:
    """A turn as Responses SSE (items added and done, then response.completed) or one body."""
    rid = f"resp_loopback_{index:02d}"
    items: list[dict[str, Any]] = []
    if turn.text:
        items.append({"type": "message", "id": f"msg_{rid}", "role": "assistant",
                      "status": "completed",
                      "content": [{"type": "output_text", "text": turn.text,
                                   "annotations": []}]})
    if turn.call:
        items.append({"type": "function_call", "id": f"fc_{rid}", "status": "completed",
                      "call_id": f"call_loopback_{index:02d}", "name": turn.call.name,
                      "arguments": json.dumps(turn.call.args)})
    base = {"id": rid, "object": "response", "created_at": int(time.time()), "model": model,
            "status": "in_progress", "output": []}
    events = [_sse("response.created", {"type": "response.created", "response": base})]
    for i, item in enumerate(items):
        events.append(_sse("response.output_item.added", {
            "type": "response.output_item.added", "output_index": i, "item": item}))
        if item["type"] == "message":
            events.append(_sse("response.output_text.delta", {
                "type": "response.output_text.delta", "output_index": i, "content_index": 0,
                "item_id": item["id"], "delta": turn.text}))
        events.append(_sse("response.output_item.done", {
            "type": "response.output_item.done", "output_index": i, "item": item}))
    done = {**base, "status": "completed", "output": items, "usage": {
        "input_tokens": usage["input"], "output_tokens": usage["output"],
        "total_tokens": usage["input"] + usage["output"],
        "input_tokens_details": {"cached_tokens": usage["cache_read"]},
        "output_tokens_details": {"reasoning_tokens": 0}}}
    if not stream:
        return done
    events.append(_sse("response.completed", {"type": "response.completed", "response": done}))
    return events


# -- Gemini generateContent --------------------------------------------------------------------
def gemini_turn(turn: Turn, model: str, usage: dict[str, int]) -> dict[str, Any]:
    """A turn as one GenerateContentResponse (the stream sends it as a single SSE event)."""
    parts: list[dict[str, Any]] = []
    if turn.text:
        parts.append({"text": turn.text})
    if turn.call:
        parts.append({"functionCall": {"name": turn.call.name, "args": turn.call.args}})
    return {"candidates": [{"content": {"role": "model", "parts": parts},
                            "finishReason": "STOP", "index": 0}],
            "usageMetadata": {"promptTokenCount": usage["input"],
                              "candidatesTokenCount": usage["output"],
                              "totalTokenCount": usage["input"] + usage["output"]},
            "modelVersion": model}


def gemini_stream(body: dict[str, Any]) -> list[bytes]:
    return [_sse(None, body)]
