"""The entry and the event loop the JSON-based parsers share (Claude Code, Gemini CLI; Codex's
JSON lines use `read_events`): each parser only says which event types it reads and how.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .calls import ToolCalls
from .jsonio import as_text, json_lines
from .model import Transcript

Handler = Callable[[dict[str, Any]], None]
SHOWN = 5  # unreadable lines named one by one


def begin(raw: bytes | str, agent: str, fmt: str, source: str,
          root: str | None) -> tuple[str, Transcript]:
    """The text without BOM and outer white space, and its Transcript; an empty text is
    already recorded as the problem "empty transcript"."""
    text = as_text(raw).lstrip("\ufeff").strip()
    t = Transcript(agent=agent, format=fmt, source=source, root=root)
    if not text:
        t.problem("empty transcript")
    return text, t


def note_unreadable(t: Transcript, problems: list[str]) -> int:
    """Record the first unreadable lines; return how many more there were."""
    for p in problems[:SHOWN]:
        t.problem(p)
    return max(0, len(problems) - SHOWN)


def read_events(t: Transcript, text: str) -> list[dict[str, Any]]:
    """The JSON-lines events of `text`, its first unreadable lines recorded as problems."""
    objs, problems = json_lines(text)
    note_unreadable(t, problems)
    return objs


class EventWalk:
    """One pass over a transcript's events: each goes to the handler of its "type" (events of
    other types are skipped), tool calls to `self.calls`; then `finish`."""

    def __init__(self, t: Transcript, root: str | None) -> None:
        self.t, self.root = t, root
        self.calls = ToolCalls(t, root)

    def handlers(self) -> dict[str, Handler]:
        raise NotImplementedError

    def walk(self, events: Iterable[dict[str, Any]]) -> None:
        handlers = self.handlers()
        for ev in events:
            kind = ev.get("type")
            handler = handlers.get(kind) if isinstance(kind, str) else None
            if handler is not None:
                handler(ev)
        self.finish()

    def finish(self) -> None:
        self.calls.finish()
