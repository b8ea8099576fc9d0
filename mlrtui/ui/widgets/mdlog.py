"""Markdown rendered once into lines (a RichLog), so long documents scroll without re-rendering.

Textual's Markdown widget builds a widget per block: a 20 KB proposal takes seconds to mount,
six of them side by side far longer. Rich's renderer into a RichLog takes milliseconds, and the
text is re-rendered only when the width changes.
"""

from __future__ import annotations

from rich.markdown import Markdown as RichMarkdown
from textual.events import Resize
from textual.widgets import RichLog


class MarkdownLog(RichLog):
    DEFAULT_CSS = """
    MarkdownLog { background: $surface; padding: 0 1; scrollbar-size-vertical: 1;
                  scrollbar-gutter: stable; }
    """

    def __init__(self, markdown: str, **kwargs) -> None:
        super().__init__(wrap=True, min_width=16, auto_scroll=False, **kwargs)
        self.markdown = markdown
        self._width: int | None = None

    def on_resize(self, event: Resize) -> None:
        """Render at the real width: first when it is known, again whenever it changes."""
        width = self.scrollable_content_region.width
        if width and width != self._width:
            self._width = width
            self.clear()
            self.write(RichMarkdown(self.markdown), width=width, scroll_end=False)
