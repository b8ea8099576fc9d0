"""API keys: which values are secret, and replacing them wherever text leaves the program.

Keys come from environment variables only; every place that stores, logs, exports or prints text
a model or a command produced passes it through `redact` first. The store does it for every row
it writes (`redact_value` with `active_secrets`): the variables named by any config this process
loaded are registered here, plus the usual ones and any `*_API_KEY` variable.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlrtui.config import Settings

REDACTED = "[redacted]"
USUAL = {"OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENROUTER_API_KEY"}
MIN_STORED = 8            # shorter values are not keys: replacing them would mangle text
_registered: set[str] = set(USUAL)


def known_secrets(settings: Settings) -> list[str]:
    """Values of every key variable the config names (and the usual ones), longest first."""
    return key_values(cfg.api_key_env for cfg in settings.all_models().values()
                      if cfg.api_key_env)


def key_values(names: Iterable[str]) -> list[str]:
    """Values of these key variables and the usual ones, longest first; registers the names
    (for `active_secrets`)."""
    names = set(names) | USUAL
    _registered.update(names)
    values = {os.environ.get(n, "") for n in names}
    return sorted((v for v in values if len(v) >= 4), key=len, reverse=True)


def redact(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


def active_secrets() -> list[str]:
    """Key values to keep out of anything stored: registered variables and `*_API_KEY` ones."""
    names = _registered | {n for n in os.environ if n.endswith("_API_KEY")}
    values = {os.environ.get(n, "") for n in names}
    return sorted((v for v in values if len(v) >= MIN_STORED), key=len, reverse=True)


def redact_value(value: Any, secrets: list[str]) -> Any:
    """A column value with every secret replaced (text and bytes; other types unchanged)."""
    if isinstance(value, str):
        return redact(value, secrets) if any(s in value for s in secrets) else value
    if isinstance(value, bytes):
        for secret in secrets:
            if secret.encode() in value:
                value = value.replace(secret.encode(), REDACTED.encode())
    return value
