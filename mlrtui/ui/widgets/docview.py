"""A MarkdownLog whose document can be replaced (the Run screen shows one stage, then another)."""

from __future__ import annotations

from rich.markdown import Markdown as RichMarkdown

from mlrtui.ui.widgets.mdlog import MarkdownLog


class DocView(MarkdownLog):
    def show(self, markdown: str) -> None:
        """Render a new document now if the width is known, else on the first resize."""
        self.markdown = markdown
        self.clear()
        width = self.scrollable_content_region.width
        if width:
            self._width = width
            self.write(RichMarkdown(markdown), width=width, scroll_end=False)
        else:
            self._width = None
        self.scroll_home(animate=False)
