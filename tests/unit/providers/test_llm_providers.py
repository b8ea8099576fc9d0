"""OpenAI-compatible and Anthropic providers: the real SDKs against the loopback server."""

from __future__ import annotations

import json

import pytest
from llm_helpers import ask
from loopback import Fault, Reply

from mlrtui.providers.anthropic_provider import AnthropicProvider
from mlrtui.providers.base import ProviderError
from mlrtui.providers.openai_compat import OpenAICompatProvider

SCHEMA = {"type": "object", "required": ["score", "reason"],
          "properties": {"score": {"type": "integer", "enum": list(range(1, 11))},
                         "reason": {"type": "string", "maxLength": 60}}}


@pytest.fixture(params=["openai", "anthropic"])
def provider(request, openai_cfg, anthropic_cfg):
    cfg = openai_cfg() if request.param == "openai" else anthropic_cfg()
    made = OpenAICompatProvider(cfg) if request.param == "openai" else AnthropicProvider(cfg)
    yield made


async def test_plain_reply_text_usage_and_key_header(provider, loopback):
    loopback.script(Reply(text="Seven words are in this reply today.", input_tokens=21,
                          output_tokens=8))
    comp = await provider.complete(ask(max_tokens=50))
    await provider.aclose()
    assert comp.text == "Seven words are in this reply today."
    assert (comp.usage.input_tokens, comp.usage.output_tokens) == (21, 8)
    assert comp.finish_reason in ("stop", "end_turn")
    got = loopback.requests[-1]
    assert got.api_key == "test-key-loopback"
    assert got.stream is False
    assert got.model == provider.model


async def test_streaming_calls_back_each_piece_and_keeps_usage(provider, loopback):
    loopback.script(Reply(text="one two three four five six seven", output_tokens=7))
    pieces: list[str] = []
    comp = await provider.complete(ask(max_tokens=50), on_text=pieces.append)
    await provider.aclose()
    assert len(pieces) >= 3
    assert "".join(pieces) == comp.text == "one two three four five six seven"
    assert comp.usage.output_tokens == 7
    body = loopback.requests[-1].body
    assert body["stream"] is True
    if provider.kind == "openai":
        assert body["stream_options"] == {"include_usage": True}


async def test_json_schema_is_sent_and_reply_parses(provider, loopback):
    comp = await provider.complete(ask(json_schema=SCHEMA, max_tokens=80))
    await provider.aclose()
    body = loopback.requests[-1].body
    if provider.kind == "openai":
        assert body["response_format"]["type"] == "json_schema"
        assert body["response_format"]["json_schema"]["schema"] == SCHEMA
    else:
        assert body["output_config"]["format"] == {"type": "json_schema", "schema": SCHEMA}
    reply = json.loads(comp.text)
    assert reply["score"] in range(1, 11) and isinstance(reply["reason"], str)


async def test_system_prompt_placement(provider, loopback):
    await provider.complete(ask("hello"))
    await provider.aclose()
    body = loopback.requests[-1].body
    if provider.kind == "openai":
        assert body["messages"][0] == {"role": "system", "content": "Answer briefly."}
    else:
        assert body["system"][0]["text"] == "Answer briefly."
        assert [m["role"] for m in body["messages"]] == ["user"]


@pytest.mark.parametrize("stream", [False, True])
async def test_anthropic_cache_tokens(anthropic_cfg, loopback, stream):
    provider = AnthropicProvider(anthropic_cfg())
    loopback.script(Reply(text="cached answer", input_tokens=10, output_tokens=2,
                          cache_read_tokens=900, cache_write_tokens=40))
    comp = await provider.complete(ask(stream=stream))
    await provider.aclose()
    assert comp.usage.cache_read_tokens == 900
    assert comp.usage.cache_write_tokens == 40
    assert comp.usage.input_tokens == 950     # ours include the cached tokens
    assert comp.usage.output_tokens == 2


async def test_anthropic_marks_a_long_system_prompt_for_caching(anthropic_cfg, loopback):
    from mlrtui.providers.base import Message, Request

    provider = AnthropicProvider(anthropic_cfg())
    rubric = "Score the proposal on clarity and soundness. " * 120
    await provider.complete(Request([Message("system", rubric), Message("user", "text")]))
    await provider.aclose()
    assert loopback.requests[-1].body["system"][0]["cache_control"] == {"type": "ephemeral"}


async def test_openai_cached_prompt_tokens(openai_cfg, loopback):
    provider = OpenAICompatProvider(openai_cfg())
    loopback.script(Reply(text="ok", input_tokens=100, cache_read_tokens=1000))
    comp = await provider.complete(ask())
    await provider.aclose()
    assert comp.usage.input_tokens == 1100 and comp.usage.cache_read_tokens == 1000


FAULTS = [
    ("429", True), ("500", True), ("503", True), ("hang", True), ("malformed", True),
    ("cutoff", True), ("401", False), ("400", False), ("context", False), ("404", False),
]


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize(("kind", "retryable"), FAULTS)
async def test_faults_map_to_provider_errors(provider, loopback, kind, retryable, stream):
    loopback.script(Fault(kind, retry_after=3))
    with pytest.raises(ProviderError) as info:
        await provider.complete(ask(stream=stream))
    await provider.aclose()
    err = info.value
    assert err.retryable is retryable, str(err)
    assert "\n" not in str(err)
    if kind == "429":
        assert err.status == 429 and err.retry_after == 3
    if kind == "401":
        assert "MLRTUI_TEST_KEY" in str(err)
        assert "test-key-loopback" not in str(err)      # the server echoed it; scrubbed
    if kind == "context":
        assert "context window" in str(err)
    if kind == "hang":
        assert "timed out" in str(err)


def test_retry_after_header_forms():
    import email.utils
    import time

    from mlrtui.providers.errors import retry_after

    assert retry_after({"retry-after": "2"}) == 2.0
    assert retry_after({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= retry_after({"retry-after": later}) <= 31
    assert retry_after({}) is None and retry_after(None) is None
