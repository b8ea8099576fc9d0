"""Modal screens that return a value with `dismiss`."""

from mlrtui.ui.modals.choice import ChoiceScreen
from mlrtui.ui.modals.confirm import ConfirmScreen
from mlrtui.ui.modals.error import ErrorScreen

__all__ = ["ChoiceScreen", "ConfirmScreen", "ErrorScreen"]
