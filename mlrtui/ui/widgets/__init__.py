"""Reusable widgets (they may carry DEFAULT_CSS)."""

from mlrtui.ui.widgets.keytable import KeyTable

__all__ = ["KeyTable"]
