"""Wire formats of the loopback server: OpenAI and Anthropic bodies, stream events, error bodies.

Kept apart from the server so the protocol details can be read (and fixed) in one place.
"""

from __future__ import annotations

import json
import time
from typing import Any

OPENAI_FINISH = {"stop": "stop", "length": "length"}
ANTHROPIC_STOP = {"stop": "end_turn", "length": "max_tokens"}


def count_words(text: str) -> int:
    """The loopback's token count: one token per whitespace-separated word."""
    return len(text.split())


def request_text(protocol: str, body: dict[str, Any]) -> str:
    """All the prompt text of a request, for token counts and default replies."""
    parts: list[str] = []
    system = body.get("system")
    if isinstance(system, str):
        parts.append(system)
    elif isinstance(system, list):
        parts.extend(str(b.get("text", "")) for b in system if isinstance(b, dict))
    # Responses API "input" items and Gemini "contents" carry the prompt under other names
    items = body.get("messages") or body.get("input") or body.get("contents") or []
    for msg in items if isinstance(items, list) else [{"content": items}]:
        content = msg.get("content", msg.get("parts")) if isinstance(msg, dict) else None
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            parts.extend(str(b.get("text", "")) for b in content if isinstance(b, dict))
    return "\n".join(parts)


def requested_schema(protocol: str, body: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON schema a request asks its reply to fit, if any."""
    if protocol == "openai":
        fmt = body.get("response_format") or {}
        if fmt.get("type") == "json_schema":
            return (fmt.get("json_schema") or {}).get("schema") or {}
        return {} if fmt.get("type") == "json_object" else None
    if protocol == "gemini":
        config = body.get("generationConfig") or {}
        return config.get("responseJsonSchema") or config.get("responseSchema")
    if protocol == "responses":
        fmt = (body.get("text") or {}).get("format") or {}
        return fmt.get("schema") if fmt.get("type") == "json_schema" else None
    fmt = (body.get("output_config") or {}).get("format") or {}
    return fmt.get("schema") if fmt.get("type") == "json_schema" else None


def sample_from_schema(schema: dict[str, Any], root: dict[str, Any] | None = None) -> Any:
    """A small value that fits the schema: what a well-behaved model would send back."""
    root = root or schema
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        defs = root.get("$defs") or root.get("definitions") or {}
        return sample_from_schema(defs.get(name, {}), root)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][len(schema["enum"]) // 2]
    for key in ("anyOf", "oneOf", "allOf"):
        if schema.get(key):
            return sample_from_schema(schema[key][0], root)
    kind = schema.get("type", "object" if "properties" in schema else "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    kind = str(kind).lower()             # Gemini schemas spell types in capitals
    if kind == "object":
        props = schema.get("properties") or {}
        return {k: sample_from_schema(v, root) for k, v in props.items()}
    if kind == "array":
        count = max(1, int(schema.get("minItems", 1)))
        return [sample_from_schema(schema.get("items") or {}, root) for _ in range(count)]
    if kind == "integer":
        return int(schema.get("minimum", 7))
    if kind == "number":
        return float(schema.get("minimum", 7.0))
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return "loopback sample"[: int(schema.get("maxLength", 200))]


def openai_body(text: str, model: str, finish: str, usage: dict[str, int]) -> dict[str, Any]:
    return {
        "id": "chatcmpl-loopback", "object": "chat.completion", "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "finish_reason": OPENAI_FINISH.get(finish, finish),
                     "message": {"role": "assistant", "content": text}}],
        "usage": openai_usage(usage),
    }


def openai_usage(usage: dict[str, int]) -> dict[str, Any]:
    prompt = usage["input"] + usage["cache_read"]
    return {"prompt_tokens": prompt, "completion_tokens": usage["output"],
            "total_tokens": prompt + usage["output"],
            "prompt_tokens_details": {"cached_tokens": usage["cache_read"]}}


def openai_chunk(model: str, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {"id": "chatcmpl-loopback", "object": "chat.completion.chunk",
            "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "delta": delta,
                         "finish_reason": OPENAI_FINISH.get(finish, finish) if finish else None}]}


def openai_stream(pieces: list[str], model: str, finish: str, usage: dict[str, int],
                  include_usage: bool) -> list[bytes]:
    """The SSE events of a streamed chat completion, ending with a usage chunk and [DONE]."""
    events = [openai_chunk(model, {"role": "assistant", "content": ""})]
    events += [openai_chunk(model, {"content": p}) for p in pieces]
    events.append(openai_chunk(model, {}, finish))
    if include_usage:
        events.append({"id": "chatcmpl-loopback", "object": "chat.completion.chunk",
                       "created": int(time.time()), "model": model, "choices": [],
                       "usage": openai_usage(usage)})
    out = [b"data: " + json.dumps(e).encode() + b"\n\n" for e in events]
    out.append(b"data: [DONE]\n\n")
    return out


def anthropic_usage(usage: dict[str, int], output: int | None = None) -> dict[str, int]:
    return {"input_tokens": usage["input"], "output_tokens": usage["output"] if output is None
            else output, "cache_read_input_tokens": usage["cache_read"],
            "cache_creation_input_tokens": usage["cache_write"]}


def anthropic_body(text: str, model: str, finish: str, usage: dict[str, int]) -> dict[str, Any]:
    return {"id": "msg_loopback", "type": "message", "role": "assistant", "model": model,
            "content": [{"type": "text", "text": text}],
            "stop_reason": ANTHROPIC_STOP.get(finish, finish), "stop_sequence": None,
            "usage": anthropic_usage(usage)}


def anthropic_stream(pieces: list[str], model: str, finish: str,
                     usage: dict[str, int]) -> list[bytes]:
    """The named SSE events of a streamed Anthropic message, in the documented order."""
    start = anthropic_body("", model, finish, usage)
    start.update(content=[], stop_reason=None)
    start["usage"] = anthropic_usage(usage, output=1)
    events: list[tuple[str, dict[str, Any]]] = [
        ("message_start", {"type": "message_start", "message": start}),
        ("content_block_start", {"type": "content_block_start", "index": 0,
                                 "content_block": {"type": "text", "text": ""}}),
        ("ping", {"type": "ping"}),
    ]
    events += [("content_block_delta", {"type": "content_block_delta", "index": 0,
                                        "delta": {"type": "text_delta", "text": p}})
               for p in pieces]
    events += [
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        ("message_delta", {"type": "message_delta",
                           "delta": {"stop_reason": ANTHROPIC_STOP.get(finish, finish),
                                     "stop_sequence": None},
                           "usage": {"output_tokens": usage["output"]}}),
        ("message_stop", {"type": "message_stop"}),
    ]
    return [f"event: {name}\ndata: {json.dumps(data)}\n\n".encode() for name, data in events]


ERRORS = {
    # kind: (status, openai type/code, anthropic type, message)
    "429": (429, "rate_limit_exceeded", "rate_limit_error", "Rate limit reached; slow down."),
    "500": (500, "server_error", "api_error", "The server had an error processing the request."),
    "503": (503, "server_error", "overloaded_error", "The service is overloaded."),
    "400": (400, "invalid_request_error", "invalid_request_error", "Invalid request."),
    "context": (400, "context_length_exceeded", "invalid_request_error",
                "This model's maximum context length is 8192 tokens; your prompt is longer."),
    "404": (404, "model_not_found", "not_found_error", "The model does not exist."),
}


def error_body(protocol: str, kind: str, message: str | None = None) -> tuple[int, dict]:
    status, oai_code, anth_type, default = ERRORS[kind]
    text = message or default
    if protocol == "openai":
        return status, {"error": {"message": text, "type": oai_code, "code": oai_code,
                                  "param": None}}
    return status, {"type": "error", "error": {"type": anth_type, "message": text}}


def auth_error(protocol: str, key: str) -> tuple[int, dict]:
    """A 401 that echoes the key it got, as some servers do: the client must scrub it."""
    text = f"Incorrect API key provided: {key}"
    if protocol == "openai":
        return 401, {"error": {"message": text, "type": "invalid_request_error",
                               "code": "invalid_api_key", "param": None}}
    return 401, {"type": "error", "error": {"type": "authentication_error", "message": text}}


def reply_content(protocol: str, body: dict[str, Any], reply: Any) -> tuple[str, str,
                                                                         dict[str, int]]:
    """(text, finish, usage) of a scripted Reply to a request: its text, else a sample fitting
    the requested schema, else an echo of the prompt's last words."""
    schema = requested_schema(protocol, body)
    if reply.text is not None:
        text = reply.text
    elif schema is not None:
        text = json.dumps(sample_from_schema(schema))
    else:
        prompt = request_text(protocol, body).split()
        text = "Loopback reply to: " + " ".join(prompt[-12:])
    finish = reply.finish_reason
    limit = body.get("max_tokens") or body.get("max_completion_tokens")
    if reply.text is None and schema is None and limit and count_words(text) > limit:
        text, finish = " ".join(text.split()[:limit]), "length"
    prompt_tokens = count_words(request_text(protocol, body)) + 3
    usage = {
        "input": reply.input_tokens if reply.input_tokens is not None else prompt_tokens,
        "output": (reply.output_tokens if reply.output_tokens is not None
                   else max(1, count_words(text))),
        "cache_read": reply.cache_read_tokens, "cache_write": reply.cache_write_tokens,
    }
    return text, finish, usage
