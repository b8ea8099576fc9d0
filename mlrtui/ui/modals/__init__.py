"""Modal screens (`Modal[T]`) that return a value when they close."""

from mlrtui.ui.modals.base import Modal
from mlrtui.ui.modals.choice import ChoiceScreen
from mlrtui.ui.modals.confirm import ConfirmScreen
from mlrtui.ui.modals.error import ErrorScreen, describe

__all__ = ["ChoiceScreen", "ConfirmScreen", "ErrorScreen", "Modal", "describe"]
