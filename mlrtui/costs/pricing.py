"""USD cost of one call's token usage: a config price override, else the genai-prices data.

A model the data does not know is *unpriced* (None), never $0. The embedded local model runs on
the user's own machine and costs nothing. Each price says where it came from (source, version),
so old ledger rows can be re-priced and audited.
"""

from __future__ import annotations

import functools
import importlib.metadata
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from mlrtui.config import ModelConfig, Price

SOURCE_CONFIG = "config"
SOURCE_GENAI = "genai-prices"
SOURCE_LOCAL = "local"
SOURCE_CACHE = "cache"


class UsageLike(Protocol):
    input_tokens: int          # all input tokens, cached ones included
    output_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int


@dataclass
class _Probe:
    input_tokens: int = 1000
    output_tokens: int = 1000
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0


@functools.cache
def genai_prices_version() -> str:
    """Read once per process: the metadata lookup parses files (~1.5 ms, on every call)."""
    try:
        return importlib.metadata.version("genai-prices")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def price_provider(cfg: ModelConfig) -> str:
    """The genai-prices provider id of a configured model (routers price by their own list)."""
    url = (cfg.base_url or "").lower()
    if "openrouter.ai" in url:
        return "openrouter"
    if "api.groq.com" in url:
        return "groq"
    if "api.deepseek.com" in url:
        return "deepseek"
    if "api.together" in url:
        return "together"
    return cfg.provider


def override_cost(usage: UsageLike, price: Price) -> float:
    """Cost under a config price; cache tokens fall back to the input price when not given."""
    read = usage.cache_read_tokens or 0
    write = usage.cache_write_tokens or 0
    plain = max(0, (usage.input_tokens or 0) - read - write)
    read_price = price.input_per_mtok if price.cache_read_per_mtok is None \
        else price.cache_read_per_mtok
    write_price = price.input_per_mtok if price.cache_write_per_mtok is None \
        else price.cache_write_per_mtok
    total = (plain * price.input_per_mtok + read * read_price + write * write_price
             + (usage.output_tokens or 0) * price.output_per_mtok)
    return total / 1_000_000


def price_usage(model: str, provider: str, usage: UsageLike, override: Price | None = None,
                *, when: datetime | None = None) -> tuple[float | None, str, str]:
    """(usd or None when unpriced, price source, price version) for one call's usage."""
    if override is not None:
        version = f"in={override.input_per_mtok:g},out={override.output_per_mtok:g}/MTok"
        return round(override_cost(usage, override), 10), SOURCE_CONFIG, version
    if provider == "local":
        return 0.0, SOURCE_LOCAL, "free"
    from genai_prices import Usage, calc_price

    gp_usage = Usage(input_tokens=usage.input_tokens or 0, output_tokens=usage.output_tokens or 0,
                     cache_read_tokens=usage.cache_read_tokens or None,
                     cache_write_tokens=usage.cache_write_tokens or None)
    version = genai_prices_version()
    try:
        calc: Any = calc_price(gp_usage, model, provider_id=provider,
                               genai_request_timestamp=when)
    except LookupError:
        return None, SOURCE_GENAI, version
    return round(float(calc.total_price), 10), SOURCE_GENAI, version


def is_priced(cfg: ModelConfig) -> bool:
    """Whether calls to this model get a cost (a tiny probe through the same path)."""
    cost, _, _ = price_usage(cfg.model, price_provider(cfg), _Probe(), cfg.price)
    return cost is not None
