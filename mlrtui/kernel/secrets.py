"""API keys: which values are secret, and replacing them wherever text leaves the program.

Keys come from environment variables only; every place that stores, logs, exports or prints text
a model or a command produced passes it through `redact` first.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlrtui.config import Settings

REDACTED = "[redacted]"


def known_secrets(settings: Settings) -> list[str]:
    """Values of every key variable the config names (and the usual ones), longest first."""
    names = {cfg.api_key_env for cfg in settings.all_models().values() if cfg.api_key_env}
    names |= {"OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENROUTER_API_KEY"}
    values = {os.environ.get(n, "") for n in names}
    return sorted((v for v in values if len(v) >= 4), key=len, reverse=True)


def redact(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text
