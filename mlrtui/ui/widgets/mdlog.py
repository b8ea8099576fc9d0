"""Markdown rendered once into lines (a RichLog), so long documents scroll without re-rendering.

Textual's Markdown widget builds a widget per block: a 20 KB proposal takes seconds to mount,
six of them side by side far longer. Rich's renderer into a RichLog takes milliseconds, and the
text is re-rendered only when the width changes. Big texts are clipped with a notice and
rendered in a thread worker (`mlrtui.ui.bigtext`), so the loop never waits on them.
"""

from __future__ import annotations

import subprocess
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.widgets import RichLog
from textual.worker import get_current_worker

from mlrtui.ui import bigtext
from mlrtui.ui.bigtext import Rendered


class MarkdownLog(RichLog):
    DEFAULT_CSS = """
    MarkdownLog { background: $surface; padding: 0 1; scrollbar-size-vertical: 1;
                  scrollbar-gutter: stable; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "more", "More", id="doc.more",
                tooltip="Show more of a document too big to show at once"),
        Binding("o", "pager", "Pager", id="doc.pager",
                tooltip="Open the whole document in $PAGER"),
    ]
    SHOW_CHARS = bigtext.SHOW_CHARS

    def __init__(self, markdown: str, **kwargs) -> None:
        super().__init__(wrap=True, min_width=16, auto_scroll=False, **kwargs)
        self._width: int | None = None
        self.rendering = False
        self.set_document(markdown)

    def set_document(self, markdown: str) -> None:
        """Replace the text; the caller renders it (`render_at`) or the next resize does."""
        self.markdown = markdown
        self.limit = self.SHOW_CHARS
        self.clip = bigtext.clip(markdown, self.limit)

    @property
    def notice(self) -> str:
        return self.clip.notice

    def on_resize(self, event: Resize) -> None:
        """Render at the real width: first when it is known, again whenever it changes."""
        width = self.scrollable_content_region.width
        if width and width != self._width:
            self.render_at(width)

    def render_at(self, width: int) -> None:
        """Render the shown text at `width`: at once when small, else in a thread worker."""
        self._width = width
        content = bigtext.renderable(self.clip.text)
        if len(self.clip.text) <= bigtext.SYNC_CHARS:
            self.workers.cancel_group(self, "render")
            self.rendering = False
            self._put(None, content, width)
            return
        self.rendering = True
        self.clear()
        self.write(f"rendering {bigtext.size_text(len(self.clip.text))}…", scroll_end=False)
        self._render_worker(self.clip, content, width)

    @work(thread=True, exclusive=True, group="render", exit_on_error=False,
          description="render a big document")
    def _render_worker(self, clip: bigtext.Clip, content: object, width: int) -> None:
        lines = bigtext.render_lines(self.app.console, content, width)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._done, clip, lines, width)

    def _done(self, clip: bigtext.Clip, lines: Rendered, width: int) -> None:
        if clip is self.clip and width == self._width:
            self.rendering = False
            self._put(lines, None, width)

    def _put(self, lines: Rendered | None, content: object, width: int) -> None:
        self.clear()
        if self.notice:
            self.write(Text(self.notice, style="bold"), width=width, scroll_end=False)
        self.write(lines if lines is not None else content, width=width, scroll_end=False)
        if self.notice:
            self.write(Text(f"… {self.notice}", style="bold"), width=width, scroll_end=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # hidden for a short document: it has no more to show
        return not (action in ("more", "pager") and not self.clip.clipped)

    def action_more(self) -> None:
        self.limit += self.SHOW_CHARS
        self.clip = bigtext.clip(self.markdown, self.limit)
        if self._width:
            self.render_at(self._width)
        self.refresh_bindings()

    def action_pager(self) -> None:
        """The whole text in $PAGER, the console suspended meanwhile."""
        path = bigtext.write_temp(self.markdown)
        try:
            with self.app.suspend():
                subprocess.run([*bigtext.pager_command(), str(path)], check=False)
        except (SuspendNotSupported, OSError) as exc:   # headless, or no such pager
            self.notify(f"Cannot open a pager here: {exc}", severity="error")
        finally:
            path.unlink(missing_ok=True)
