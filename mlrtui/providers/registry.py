"""From a configured model to a provider, and why a model can or cannot be used right now."""

from __future__ import annotations

from dataclasses import dataclass

from mlrtui.config import ModelConfig, Settings
from mlrtui.costs.pricing import is_priced
from mlrtui.providers.base import Provider, ProviderError


@dataclass
class ModelStatus:
    name: str
    provider: str
    model: str
    available: bool
    reason: str | None      # why not available, e.g. "environment variable X is not set"
    priced: bool            # False: calls are recorded as unpriced


def unavailable_reason(cfg: ModelConfig) -> str | None:
    """Why calls to this model would fail before reaching it, or None."""
    if cfg.provider == "local":
        from mlrtui.providers.local import llama_available, model_path

        reason = llama_available()
        if reason:
            return reason
        try:
            model_path(cfg)
        except ProviderError as exc:
            return str(exc)
        return None
    return cfg.unavailable_reason()


def make_provider(name: str, cfg: ModelConfig) -> Provider:
    """Build the provider for a model; unavailable models raise a non-retryable ProviderError."""
    reason = unavailable_reason(cfg)
    if reason:
        raise ProviderError(f"model {name} is unavailable: {reason}", retryable=False)
    if cfg.provider == "openai":
        from mlrtui.providers.openai_compat import OpenAICompatProvider

        return OpenAICompatProvider(cfg)
    if cfg.provider == "anthropic":
        from mlrtui.providers.anthropic_provider import AnthropicProvider

        return AnthropicProvider(cfg)
    if cfg.provider == "local":
        from mlrtui.providers.local import LocalProvider

        return LocalProvider(cfg)
    raise ProviderError(f"model {name}: unknown provider {cfg.provider!r}", retryable=False)


def model_statuses(settings: Settings) -> list[ModelStatus]:
    """Every configured model, available or not and why, in name order."""
    out = []
    for name, cfg in sorted(settings.all_models().items()):
        reason = unavailable_reason(cfg)
        out.append(ModelStatus(name=name, provider=cfg.provider, model=cfg.model,
                               available=reason is None, reason=reason, priced=is_priced(cfg)))
    return out
