"""Prices of calls made through a provider batch API: half the live price.

genai-prices knows the batch rate of many models (a price variant for processing "batch");
where it does, that rate is used and the source says "batch:genai-prices". Where it does not
(older models, config price overrides), the providers' documented 50% discount is applied to the
live price and the source says "batch". Either way the price is traceable and repriceable.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mlrtui.config import Price
from mlrtui.costs.pricing import UsageLike, genai_prices_version, override_cost, price_usage

BATCH_DISCOUNT = 0.5                  # OpenAI Batch API and Anthropic Message Batches
SOURCE_BATCH = "batch"                # 50% of the live price, applied here
SOURCE_BATCH_GENAI = "batch:genai-prices"   # genai-prices' own batch rate


def is_batch_source(source: str | None) -> bool:
    return bool(source) and str(source).startswith(SOURCE_BATCH)


def price_batch(model: str, provider: str, usage: UsageLike, override: Price | None = None,
                *, when: datetime | None = None) -> tuple[float | None, str, str]:
    """(usd or None when unpriced, price source, price version) of one batch request."""
    if override is not None:
        cost = override_cost(usage, override) * BATCH_DISCOUNT
        return round(cost, 10), SOURCE_BATCH, "50% of the config price"
    live, _, version = price_usage(model, provider, usage, None, when=when)
    if live is None:
        return None, SOURCE_BATCH, version
    batch = _genai_batch(model, provider, usage, when)
    if batch is not None and batch < live:
        return round(batch, 10), SOURCE_BATCH_GENAI, version
    return round(live * BATCH_DISCOUNT, 10), SOURCE_BATCH, f"50% of genai-prices {version}"


def _genai_batch(model: str, provider: str, usage: UsageLike,
                 when: datetime | None) -> float | None:
    from genai_prices import Usage, calc_price

    gp_usage = Usage(input_tokens=usage.input_tokens or 0, output_tokens=usage.output_tokens or 0,
                     cache_read_tokens=usage.cache_read_tokens or None,
                     cache_write_tokens=usage.cache_write_tokens or None)
    try:
        calc: Any = calc_price(gp_usage, model, provider_id=provider,
                               genai_request_timestamp=when,
                               price_context={"processing": "batch"})
    except LookupError:
        return None
    return float(calc.total_price)


__all__ = ["BATCH_DISCOUNT", "SOURCE_BATCH", "SOURCE_BATCH_GENAI", "genai_prices_version",
           "is_batch_source", "price_batch"]
