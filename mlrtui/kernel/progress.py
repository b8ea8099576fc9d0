"""How core code reports progress without knowing who listens (CLI bar, TUI, tests)."""

from __future__ import annotations

from typing import Protocol


class ProgressSink(Protocol):
    def start(self, total: int, description: str = "") -> None: ...
    def advance(self, n: int = 1, detail: str = "") -> None: ...
    def problem(self, path: str, message: str) -> None: ...
    def finish(self) -> None: ...


class NullProgress:
    """A sink that collects problems and ignores the rest."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []
        self.total = 0
        self.done = 0

    def start(self, total: int, description: str = "") -> None:
        self.total = total

    def advance(self, n: int = 1, detail: str = "") -> None:
        self.done += n

    def problem(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def finish(self) -> None:
        pass
