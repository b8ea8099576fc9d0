"""Headless sub-commands: each parses its arguments, calls a service and prints the result."""

from __future__ import annotations

from mlrtui.kernel.errors import Fatal
from mlrtui.services.session import Context, check_models

__all__ = ["Context", "Fatal", "check_models"]
