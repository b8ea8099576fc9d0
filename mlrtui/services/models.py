"""What the Models screen shows: each configured model with its availability and why, and one
small test call through LLMClient (so it is budget-free, retried and lands in the ledger).

Nothing here ever reads a key's value beyond asking whether its variable is set.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from mlrtui.costs.budget import BudgetExceeded
from mlrtui.providers.base import Message, Request
from mlrtui.providers.client import CallContext, CallFailed, LLMClient
from mlrtui.providers.registry import model_statuses

if TYPE_CHECKING:
    from mlrtui.config import ModelConfig, Settings
    from mlrtui.store import Store

__all__ = ["PROBE_PROMPT", "ModelInfo", "ProbeResult", "endpoint", "model_infos", "probe_model"]

PROBE_PROMPT = "Reply with one short sentence saying that you can hear me."
DEFAULT_ENDPOINTS = {"openai": "api.openai.com", "anthropic": "api.anthropic.com",
                     "local": "in-process"}


def endpoint(cfg: ModelConfig) -> str:
    """host[:port] of the model's server (never credentials or a query string)."""
    if not cfg.base_url:
        return DEFAULT_ENDPOINTS.get(cfg.provider, cfg.provider)
    parts = urlsplit(cfg.base_url)
    host = parts.hostname or cfg.base_url
    return f"{host}:{parts.port}" if parts.port else host


def price_basis(cfg: ModelConfig, priced: bool) -> str:
    """Where a call's cost comes from: free | config | genai-prices | unpriced."""
    if cfg.price is not None:
        return "config"
    if cfg.provider == "local":
        return "free"
    return "genai-prices" if priced else "unpriced"


@dataclass
class ModelInfo:
    name: str
    provider: str
    model: str
    endpoint: str
    key_env: str | None                # the NAME of the variable, never its value
    key_set: bool
    available: bool
    reason: str | None                 # why not available
    price: str                         # free | config | genai-prices | unpriced
    max_tokens: int
    context_tokens: int | None
    concurrency: int
    requests_per_minute: float | None
    max_attempts: int
    timeout_s: float
    cache: bool

    @property
    def short_reason(self) -> str:
        """The reason without its preamble, e.g. "OPENAI_API_KEY is not set"."""
        return (self.reason or "").removeprefix("environment variable ")


def model_infos(settings: Settings) -> list[ModelInfo]:
    """Every configured model, in name order."""
    models = settings.all_models()
    out = []
    for s in model_statuses(settings):
        cfg = models[s.name]
        out.append(ModelInfo(
            name=s.name, provider=s.provider, model=s.model, endpoint=endpoint(cfg),
            key_env=cfg.api_key_env,
            key_set=bool(cfg.api_key_env and os.environ.get(cfg.api_key_env)),
            available=s.available, reason=s.reason, price=price_basis(cfg, s.priced),
            max_tokens=cfg.max_tokens, context_tokens=cfg.context_tokens,
            concurrency=cfg.concurrency, requests_per_minute=cfg.requests_per_minute,
            max_attempts=cfg.max_attempts, timeout_s=cfg.timeout_s, cache=cfg.cache))
    return out


@dataclass
class ProbeResult:
    """The outcome of one test call: a reply with its usage and cost, or a one-line error."""

    name: str
    ok: bool
    reply: str = ""
    model_reported: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    latency_s: float = 0.0
    cost_usd: float | None = None      # None = unpriced
    free: bool = False                 # the embedded model: no cost at all
    cached: bool = False
    notes: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def cost_label(self) -> str:
        if self.free:
            return "free (embedded model)"
        if self.cached:
            return "$0 (served from the cache)"
        return "unpriced" if self.cost_usd is None else f"${self.cost_usd:.6f}"


async def probe_model(store: Store, settings: Settings, name: str,
                      max_tokens: int = 48) -> ProbeResult:
    """One small call (purpose "test"); a failure comes back as a one-line error, not raised."""
    cfg = settings.all_models().get(name)
    if cfg is None:
        return ProbeResult(name, ok=False, error=f"unknown model {name!r}")
    request = Request([Message("user", PROBE_PROMPT)], temperature=0.2, max_tokens=max_tokens)
    client = LLMClient(store, settings)
    started = time.monotonic()
    try:
        result = await client.complete(name, request, CallContext(purpose="test"))
    except (CallFailed, BudgetExceeded) as exc:
        return ProbeResult(name, ok=False, latency_s=time.monotonic() - started,
                           error=" ".join(str(exc).split()))
    finally:
        await client.aclose()
    comp = result.completion
    return ProbeResult(
        name, ok=True, reply=comp.text.strip(), model_reported=comp.model,
        input_tokens=comp.usage.input_tokens, output_tokens=comp.usage.output_tokens,
        cache_read_tokens=comp.usage.cache_read_tokens,
        latency_s=time.monotonic() - started, cost_usd=result.cost_usd,
        free=cfg.provider == "local" and cfg.price is None, cached=result.cached,
        notes=list(comp.notes))
