"""The client's answers to faults: a cut stream resets the live text, garbage is retried once."""

from __future__ import annotations

import pytest
from llm_helpers import ask
from loopback import Fault, Reply

from mlrtui.providers.base import is_reset
from mlrtui.providers.client import CallContext, CallFailed


def _live_text(pieces: list[str]) -> str:
    """What a pane shows: the pieces since the last reset."""
    shown: list[str] = []
    for piece in pieces:
        if is_reset(piece):
            shown.clear()
        else:
            shown.append(piece)
    return "".join(shown)


async def test_a_cut_and_retried_stream_resets_the_live_text(make_client, loopback):
    client = make_client()
    full = "the whole reply arrives on the second attempt in several chunks"
    loopback.script(Fault("cutoff", after_chunks=3), Reply(text=full))
    pieces: list[str] = []
    result = await client.complete("fake-openai", ask(stream=True), CallContext(purpose="test"),
                                   on_text=pieces.append)
    assert result.completion.text == full
    assert sum(map(is_reset, pieces)) == 1
    assert _live_text(pieces) == full


async def test_no_reset_when_nothing_was_streamed_before_the_retry(make_client, loopback):
    client = make_client()
    loopback.script(Fault("500"), Reply(text="fine"))
    pieces: list[str] = []
    await client.complete("fake-openai", ask(stream=True), CallContext(purpose="test"),
                          on_text=pieces.append)
    assert not any(map(is_reset, pieces)) and "".join(pieces) == "fine"


@pytest.mark.parametrize("stream", [False, True])
async def test_a_garbage_body_is_retried_once_at_most(make_client, loopback, store, stream):
    client = make_client()
    loopback.fail_next("malformed", 5)
    with pytest.raises(CallFailed, match="malformed"):
        await client.complete("fake-openai", ask(stream=stream), CallContext(purpose="test"))
    assert len(loopback.requests) == 2
    statuses = [r["status"] for r in store.query("SELECT status FROM llm_calls ORDER BY id")]
    assert statuses == ["error", "error"]


async def test_one_garbage_body_then_a_good_reply_succeeds(make_client, loopback):
    client = make_client()
    loopback.script(Fault("malformed"), Reply(text="recovered"))
    result = await client.complete("fake-openai", ask(), CallContext(purpose="test"))
    assert result.completion.text == "recovered" and len(loopback.requests) == 2
