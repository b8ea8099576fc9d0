"""Small helpers shared by the provider tests (imported by name: tests/ has no packages)."""

from __future__ import annotations

from mlrtui.providers.base import Message, Request
from mlrtui.providers.client import RetryPolicy

FAST = RetryPolicy(base_s=0.005, max_s=0.05)


def ask(text: str = "Name one benchmark for research agents.", **kw) -> Request:
    return Request([Message("system", "Answer briefly."), Message("user", text)], **kw)
