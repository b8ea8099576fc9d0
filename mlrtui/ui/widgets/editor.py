"""A markdown editor for one stage's text, knowing whether it has unsaved changes.

The screen saves (ctrl+s) and asks before leaving; this widget only tracks the text it was
loaded with, shows the dirty state (`-dirty`) and says so by message. `external_edit` runs
$VISUAL / $EDITOR on a temp file (the screen wraps it in `app.suspend()`).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.markup import escape
from textual.message import Message
from textual.widgets import Static, TextArea


def editor_command() -> list[str]:
    """The user's editor: $VISUAL, else $EDITOR, else vi."""
    return shlex.split(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi")


def external_edit(text: str, command: list[str], suffix: str = ".md") -> str:
    """Write text to a temp file, run the editor on it, return what it saved.

    Raises OSError when the editor cannot be started and RuntimeError when it fails.
    """
    fd, name = tempfile.mkstemp(prefix="mlrtui-", suffix=suffix)
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        done = subprocess.run([*command, str(path)], check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{shlex.join(command)} exited with code {done.returncode}; "
                               "the editor text is unchanged")
        return path.read_text(encoding="utf-8")
    finally:
        path.unlink(missing_ok=True)


class StageEditor(Vertical):
    DEFAULT_CSS = """
    StageEditor { height: 1fr; }
    StageEditor #editor-status { height: 1; padding: 0 1; color: $text-muted; }
    StageEditor.-dirty #editor-status { color: $warning; text-style: bold; }
    StageEditor #editor-text { height: 1fr; }
    StageEditor.-dirty #editor-text { border: tall $warning; }
    """

    class DirtyChanged(Message):
        def __init__(self, editor: StageEditor, dirty: bool) -> None:
            super().__init__()
            self.editor, self.dirty = editor, dirty

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.stage = ""
        self.base_text = ""
        self.base_label = ""
        self._unsaved = False

    def compose(self) -> ComposeResult:
        yield Static("", id="editor-status")
        yield TextArea("", language="markdown", soft_wrap=True, show_line_numbers=False,
                       id="editor-text")

    @property
    def area(self) -> TextArea:
        return self.query_one("#editor-text", TextArea)

    @property
    def text(self) -> str:
        return self.area.text

    @property
    def dirty(self) -> bool:
        return self._unsaved

    def load(self, stage: str, text: str, label: str) -> None:
        """Show a stage's current text; `label` says what it is (e.g. "v12 by human")."""
        self.stage, self.base_text, self.base_label = stage, text, label
        self.area.load_text(text)
        self._mark_unsaved(False)

    def set_text(self, text: str) -> None:
        """Replace the text as an edit (undoable), e.g. with what $EDITOR saved."""
        area = self.area
        area.replace(text, area.document.start, area.document.end)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self._mark_unsaved(self.area.text != self.base_text)

    def _mark_unsaved(self, dirty: bool) -> None:
        changed = dirty != self._unsaved
        self._unsaved = dirty
        self.set_class(dirty, "-dirty")
        what = escape(f"{self.stage}: editing {self.base_label}" if self.base_label
                      else f"{self.stage}: no version yet, write the first one")
        state = "● unsaved changes · ctrl+s saves a human version" if dirty else "no changes"
        self.query_one("#editor-status", Static).update(
            f"{what} · {state} · ctrl+e opens $EDITOR")
        if changed:
            self.post_message(self.DirtyChanged(self, dirty))
