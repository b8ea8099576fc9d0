"""The loopback server's scripted tool-call conversations, read back by the official SDKs (and
plain httpx for Gemini): no agent CLI needed, so these run everywhere."""

from __future__ import annotations

import json

import anthropic
import httpx
import openai
from loopback import LoopbackServer
from loopback.agentic import ToolCall, Turn

ARGS = {"command": "python3 run.py", "note": "quotes \" and\nnewlines survive"}
SCRIPT = (Turn("Running it.", ToolCall("Bash", ARGS)), Turn("All done."))
TOOL = {"name": "Bash", "description": "Run a command.",
        "input_schema": {"type": "object", "properties": {"command": {"type": "string"}}}}


def test_anthropic_stream_assembles_tool_use_and_counts_results(loopback: LoopbackServer) -> None:
    talk = loopback.converse(*SCRIPT)
    client = anthropic.Anthropic(base_url=loopback.base_url, api_key="x", max_retries=0)
    history = [{"role": "user", "content": "run it"}]
    with client.messages.stream(model="claude-x", max_tokens=100, messages=history,
                                tools=[TOOL]) as stream:
        first = stream.get_final_message()
    assert first.stop_reason == "tool_use"
    text, use = first.content
    assert text.text == "Running it." and use.name == "Bash" and use.input == ARGS
    history += [{"role": "assistant", "content": [b.model_dump() for b in first.content]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": use.id,
                                              "content": "accuracy: 0.75"}]}]
    second = client.messages.create(model="claude-x", max_tokens=100, messages=history,
                                    tools=[TOOL])
    assert second.stop_reason == "end_turn" and second.content[0].text == "All done."
    # a retried request (same history) gets the same turn again: nothing is skipped
    again = client.messages.create(model="claude-x", max_tokens=100, messages=history,
                                   tools=[TOOL])
    assert again.content[0].text == "All done."
    assert talk.served == [0, 1, 1] and talk.outputs == ["accuracy: 0.75"]
    # requests without tools still get the ordinary reply, outside the script
    plain = client.messages.create(model="claude-x", max_tokens=50, messages=[
        {"role": "user", "content": "a title please"}])
    assert plain.content[0].text.startswith("Loopback reply to:")
    assert talk.served == [0, 1, 1]


def test_openai_responses_function_call_stream_and_body(loopback: LoopbackServer) -> None:
    talk = loopback.converse(*SCRIPT)
    client = openai.OpenAI(base_url=loopback.openai_base_url, api_key="x", max_retries=0)
    tools = [{"type": "function", "name": "Bash", "parameters": {"type": "object"}}]
    events = list(client.responses.create(model="gpt-x", input="run it", tools=tools,
                                          stream=True))
    done = next(e for e in events if e.type == "response.completed").response
    call = next(o for o in done.output if o.type == "function_call")
    assert call.name == "Bash" and json.loads(call.arguments) == ARGS
    assert done.output_text == "Running it." and done.usage.output_tokens > 0
    follow = client.responses.create(model="gpt-x", tools=tools, input=[
        {"role": "user", "content": "run it"},
        {"type": "function_call", "call_id": call.call_id, "name": "Bash",
         "arguments": call.arguments},
        {"type": "function_call_output", "call_id": call.call_id, "output": "accuracy: 0.75"}])
    assert follow.output_text == "All done."
    assert talk.served == [0, 1] and talk.outputs == ["accuracy: 0.75"]


def test_gemini_function_call_schema_reply_and_unknown_paths(loopback: LoopbackServer) -> None:
    talk = loopback.converse(*SCRIPT)
    base = f"{loopback.base_url}/v1beta/models/gemini-x"
    tools = [{"functionDeclarations": [{"name": "Bash", "parameters": {"type": "OBJECT"}}]}]
    with httpx.Client(timeout=5) as http:
        streamed = http.post(f"{base}:streamGenerateContent?alt=sse", json={
            "contents": [{"role": "user", "parts": [{"text": "run it"}]}], "tools": tools})
        data = [json.loads(line[6:]) for line in streamed.text.splitlines()
                if line.startswith("data: ")]
        parts = data[0]["candidates"][0]["content"]["parts"]
        assert parts == [{"text": "Running it."}, {"functionCall": {"name": "Bash",
                                                                    "args": ARGS}}]
        assert data[0]["modelVersion"] == "gemini-x"
        # a JSON-mode side request with a capitalised Gemini schema gets JSON that fits it
        side = http.post(f"{base}:generateContent", json={
            "contents": [{"role": "user", "parts": [{"text": "rate it"}]}],
            "generationConfig": {"responseJsonSchema": {
                "type": "OBJECT", "properties": {"score": {"type": "INTEGER"},
                                                 "why": {"type": "STRING"}}}}}).json()
        reply = json.loads(side["candidates"][0]["content"]["parts"][0]["text"])
        assert isinstance(reply["score"], int) and isinstance(reply["why"], str)
        counted = http.post(f"{base}:countTokens", json={"contents": []}).json()
        assert counted["totalTokens"] > 0
        assert http.get(f"{loopback.base_url}/v1/models").status_code == 404
        assert http.post(f"{loopback.base_url}/v1/whatever", json={}).status_code == 404
        anth = http.post(f"{loopback.base_url}/v1/messages/count_tokens",
                         json={"messages": [{"role": "user", "content": "four words right here"}]})
        assert anth.json()["input_tokens"] > 0
    assert talk.served == [0]
    assert loopback.unknown == ["GET /v1/models", "POST /v1/whatever"]
