"""The loopback server itself: scripting, seeded faults, recording, default replies, shutdown."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest
from loopback import Fault, LoopbackServer, Reply
from loopback.wire import sample_from_schema
from openai import AsyncOpenAI


def post(url: str, body: dict, timeout: float = 5) -> tuple[int, bytes]:
    req = urllib.request.Request(url, json.dumps(body).encode(),
                                 {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


CHAT = {"model": "m", "messages": [{"role": "user", "content": "hello loopback"}]}


def test_seeded_fault_rate_is_reproducible():
    def run(seed: int) -> list[str]:
        with LoopbackServer(fault_rate=0.5, fault_kinds=("429", "500"), seed=seed) as server:
            for _ in range(30):
                post(f"{server.openai_base_url}/chat/completions", CHAT)
            return server.outcomes()
    first, again, other = run(3), run(3), run(4)
    assert first == again != other
    assert {"ok", "429", "500"} == set(first)


def test_queue_then_responder_then_default(loopback):
    loopback.script("scripted", Fault("500"))
    loopback.responder = lambda req: f"echo {req.body['messages'][0]['content']}"
    url = f"{loopback.openai_base_url}/chat/completions"
    texts = []
    for _ in range(3):
        status, raw = post(url, CHAT)
        texts.append(json.loads(raw)["choices"][0]["message"]["content"] if status == 200
                     else status)
    assert texts == ["scripted", 500, "echo hello loopback"]
    loopback.responder = None
    status, raw = post(url, CHAT)
    assert json.loads(raw)["choices"][0]["message"]["content"].startswith("Loopback reply")
    assert [r.path for r in loopback.requests] == ["/v1/chat/completions"] * 4


def test_max_tokens_truncates_default_reply(loopback):
    _, raw = post(f"{loopback.base_url}/v1/messages",
                       {**CHAT, "max_tokens": 2, "system": "one two three four five"})
    body = json.loads(raw)
    assert body["stop_reason"] == "max_tokens" and body["usage"]["output_tokens"] == 2


def test_unknown_route_and_bad_json(loopback):
    assert post(f"{loopback.base_url}/v2/other", CHAT)[0] == 404
    req = urllib.request.Request(f"{loopback.openai_base_url}/chat/completions", b"{nope",
                                 {"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req, timeout=5)
    assert info.value.code == 400


def test_stop_releases_a_hanging_request():
    server = LoopbackServer(hang_s=60).start()
    server.fail_next("hang")
    result: list[object] = []

    def call() -> None:
        try:
            result.append(post(f"{server.openai_base_url}/chat/completions", CHAT, timeout=30))
        except OSError as exc:   # the connection closes with no reply
            result.append(exc)
    worker = threading.Thread(target=call)
    worker.start()
    while not server.requests:
        threading.Event().wait(0.01)
    server.stop()
    worker.join(timeout=10)
    assert not worker.is_alive() and result


async def test_latency_and_reply_fields_reach_the_sdk(loopback):
    loopback.script(Reply(text="hi", model="served-model", finish_reason="length",
                          latency_s=0.01))
    client = AsyncOpenAI(base_url=loopback.openai_base_url, api_key="k", max_retries=0)
    resp = await client.chat.completions.create(model="asked", messages=CHAT["messages"])
    await client.close()
    assert resp.model == "served-model" and resp.choices[0].finish_reason == "length"


def test_sample_from_schema_fits_common_shapes():
    schema = {"type": "object", "$defs": {"Dim": {"type": "object", "properties": {
        "score": {"type": "integer", "enum": [1, 2, 3]}, "why": {"type": "string",
                                                               "maxLength": 4}}}},
        "properties": {"dims": {"type": "array", "items": {"$ref": "#/$defs/Dim"}},
                       "ok": {"type": "boolean"}, "note": {"type": ["null", "string"]}}}
    value = sample_from_schema(schema)
    assert value["dims"][0]["score"] in (1, 2, 3) and len(value["dims"][0]["why"]) <= 4
    assert value["ok"] is True and isinstance(value["note"], str)
