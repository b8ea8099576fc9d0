"""Big documents in the console: how much of a text to show, the notice saying so, and rendering
to lines off the event loop.

A 50 MB task body rendered as markdown keeps the loop busy for minutes (escape and ctrl+q go
unanswered). So every view shows at most a prefix (`SHOW_CHARS`, more on request), renders it
as markdown only up to `MARKDOWN_CHARS` (plain text beyond), and renders anything above
`SYNC_CHARS` in a thread worker. The whole text stays one key away in $PAGER.
"""

from __future__ import annotations

import os
import shlex
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console, RenderableType
from rich.markdown import Markdown
from rich.segment import Segment
from rich.text import Text

SHOW_CHARS = 200_000        # shown at first; `m` shows this much more each time
MARKDOWN_CHARS = 400_000    # beyond this much shown text, plain text (rich markdown ~5 µs/char)
SYNC_CHARS = 16_000         # rendered on the event loop up to here (~0.1 s), in a thread beyond


def size_text(n: int) -> str:
    """A character count as the notice says it: 200 KB, 50 MB."""
    for unit, scale in (("MB", 1_000_000), ("KB", 1_000)):
        if n >= scale:
            value = n / scale
            return f"{value:.0f} {unit}" if value >= 10 else f"{value:.1f} {unit}"
    return f"{n} B"


@dataclass(frozen=True)
class Clip:
    """The shown part of a text and, when it is not all of it, the notice to show above it."""

    text: str
    total: int

    @property
    def clipped(self) -> bool:
        return len(self.text) < self.total

    @property
    def notice(self) -> str:
        if not self.clipped:
            return ""
        return (f"showing {size_text(len(self.text))} of {size_text(self.total)} — "
                "press m for more · o opens it all in $PAGER")


def clip(text: str, limit: int = SHOW_CHARS) -> Clip:
    """The first `limit` characters, cut back to a line end when one is near (no half lines)."""
    if len(text) <= limit:
        return Clip(text, len(text))
    cut = text.rfind("\n", max(0, limit - 2_000), limit)
    return Clip(text[: cut if cut > 0 else limit], len(text))


def window(text: str, start: int, end: int, radius: int = SHOW_CHARS // 2
           ) -> tuple[str, int, str]:
    """Text around [start, end) for a view that must show that span (flag evidence):
    (window, offset of the window in `text`, notice or "")."""
    if len(text) <= 2 * radius:
        return text, 0, ""
    lo = max(0, start - radius)
    hi = min(len(text), max(end, start) + radius)
    notice = (f"showing {size_text(hi - lo)} of {size_text(len(text))} around the evidence "
              f"(characters {lo:,}–{hi:,})")
    return text[lo:hi], lo, notice


def renderable(shown: str, markdown: bool = True) -> RenderableType:
    """Markdown while that stays cheap, plain text beyond."""
    if markdown and len(shown) <= MARKDOWN_CHARS:
        return Markdown(shown)
    return Text(shown)


class Rendered:
    """Lines rendered earlier (in a thread), replayed as a renderable: writing them to a RichLog
    costs a copy, not a second markdown pass."""

    def __init__(self, lines: list[list[Segment]]) -> None:
        self.lines = lines

    def __rich_console__(self, console: Console, options: object):
        newline = Segment.line()
        for line in self.lines:
            yield from line
            yield newline


def render_lines(console: Console, content: RenderableType, width: int) -> Rendered:
    """Render `content` at `width` into lines; safe in a thread (the console is only read)."""
    options = console.options.update_width(width)
    return Rendered(list(Segment.split_lines(console.render(content, options))))


def pager_command() -> list[str]:
    """$PAGER, else less, as an argv list."""
    return shlex.split(os.environ.get("PAGER") or "less")


def write_temp(text: str, suffix: str = ".md") -> Path:
    """The whole document in a temp file for the pager; the caller deletes it."""
    fd, name = tempfile.mkstemp(prefix="mlrtui-", suffix=suffix)
    with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as out:
        out.write(text)
    return Path(name)
