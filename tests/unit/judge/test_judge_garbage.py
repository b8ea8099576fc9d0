"""A garbage judge reply is invalid quickly and never blocks the event loop."""

from __future__ import annotations

import asyncio
import json
import random
import time

from judge_helpers import idea_reply

from mlrtui.judge.parse import REPAIR_LIMIT, parse_review
from mlrtui.judge.reply import check_reply_async
from mlrtui.judge.rubrics import get_rubric


def _garbage(n: int) -> str:
    rng = random.Random(7)
    return "Scores: " + "".join(rng.choice('{["a1:, }]') for _ in range(n))


def test_a_huge_garbage_reply_is_invalid_fast_not_repaired():
    text = _garbage(2_000_000)
    started = time.perf_counter()
    parsed = parse_review(text)
    elapsed = time.perf_counter() - started
    assert parsed.status == "invalid" and "not repaired" in (parsed.error or "")
    assert elapsed < 1.0, f"{elapsed:.2f}s"


def test_a_large_valid_reply_still_parses_past_the_repair_cap():
    body = idea_reply(overall=7)
    body["Padding"] = "x" * (REPAIR_LIMIT * 2)
    assert parse_review(json.dumps(body)).status == "ok"


async def test_checking_a_reply_runs_off_the_event_loop():
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)                 # the ticker has ticked once
    text = json.dumps(idea_reply(overall=5))[:-2] + " " * (REPAIR_LIMIT - 2000)
    started = time.perf_counter()
    replies = await asyncio.gather(*(check_reply_async(get_rubric("idea"), text)
                                     for _ in range(8)))
    elapsed = time.perf_counter() - started
    task.cancel()
    assert all(r.status == "repaired" and r.overall == 5 for r in replies)
    # The loop kept running while the replies were checked: on the loop, the ticker would
    # not have ticked again until they were all done (ticks == 1). Under load a tick may
    # take far longer than 10 ms, so a few ticks are enough to tell.
    assert ticks >= 1 + min(3, int(elapsed / 0.01 / 3)), (ticks, elapsed)
