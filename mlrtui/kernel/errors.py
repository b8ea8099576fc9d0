"""The one error that ends a command or the console's start: printed as one line, then exit."""

from __future__ import annotations


class Fatal(Exception):
    """A start-up problem: printed as one line, then exit with `code` (2 by default)."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code
