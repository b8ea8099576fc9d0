"""Per-model concurrency and request-rate limits, shared by every call to that model."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator


class ModelGate:
    """At most `concurrency` calls in flight, and starts spaced to `requests_per_minute`."""

    def __init__(self, concurrency: int, requests_per_minute: float | None = None) -> None:
        self._sem = asyncio.Semaphore(max(1, concurrency))
        self._interval = 60.0 / requests_per_minute if requests_per_minute else 0.0
        self._next_start = 0.0

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self._sem:
            if self._interval:
                now = time.monotonic()
                start = max(now, self._next_start)
                self._next_start = start + self._interval
                if start > now:
                    await asyncio.sleep(start - now)
            yield
