"""Per-model concurrency and request-rate limits, shared by every call to that model; and which
of those caps bind a batch that asks for more calls at once."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass


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


@dataclass(frozen=True)
class BindingCap:
    """A model whose own concurrency cap is below what a batch asks for: the batch runs at
    the model's pace, not at its own, so the user is told which setting lifts it."""

    model: str
    cap: int
    requested: int

    def message(self, config_file: str | None = None) -> str:
        where = f" in {config_file}" if config_file else ""
        return (f"model {self.model} runs at most {self.cap} calls at once, not "
                f"{self.requested}: set `[models.{self.model}] concurrency = {self.requested}`"
                f"{where} to lift it")


def binding_caps(requested: int, caps: Mapping[str, int]) -> list[BindingCap]:
    """The models (name -> own concurrency) whose cap is below `requested` calls at once."""
    return [BindingCap(name, max(1, cap), requested) for name, cap in sorted(caps.items())
            if max(1, cap) < requested]
