"""A MarkdownLog whose document can be replaced (the Run screen shows one stage, then another)."""

from __future__ import annotations

from mlrtui.ui.widgets.mdlog import MarkdownLog


class DocView(MarkdownLog):
    def show(self, markdown: str, width_hint: int = 0) -> None:
        """Render a new document now: at its width, or (hidden until now, so no width yet) at
        `width_hint`; the first resize renders it again at the real width if that differs.
        Big documents are clipped and rendered off the loop (see MarkdownLog)."""
        self.set_document(markdown)
        width = self.scrollable_content_region.width or width_hint
        if width:
            self.render_at(width)
        else:
            self.clear()
            self._width = None
        self.scroll_home(animate=False)
        self.refresh_bindings()
