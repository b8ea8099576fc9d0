"""Model names as the console shows them: one rule (kernel.modelnames.display_model), with the
config keys of the running settings, so "local" and "smollm2-135m-instruct" are one name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlrtui.kernel.modelnames import display_model

if TYPE_CHECKING:
    from textual.app import App


def model_label(app: App, name: str | None) -> str:
    """How `name` (a config key, a model id or "human") is shown in this app."""
    settings = getattr(app, "settings", None)
    return display_model(name, settings.model_ids() if settings is not None else None)
