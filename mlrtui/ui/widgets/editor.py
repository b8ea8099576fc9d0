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

from mlrtui.ui import bigtext
from mlrtui.ui.bigtext import size_text

EDIT_CHARS = bigtext.SHOW_CHARS     # a TextArea with markdown highlighting stays quick below


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
        self._big: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="editor-status")
        yield TextArea("", language="markdown", soft_wrap=True, show_line_numbers=False,
                       id="editor-text")

    @property
    def area(self) -> TextArea:
        return self.query_one("#editor-text", TextArea)

    @property
    def text(self) -> str:
        return self._big if self._big is not None else self.area.text

    @property
    def too_big(self) -> bool:
        """Past EDIT_CHARS the text is shown read-only (a preview) and edited in $EDITOR."""
        return self._big is not None

    def _load_area(self, text: str) -> None:
        area = self.area
        if len(text) > EDIT_CHARS:
            self._big = text
            shown = bigtext.clip(text)
            area.read_only, area.language = True, None
            area.load_text(f"[{size_text(len(text))}: too big to edit here, "
                           f"{shown.notice.split(' — ')[0]} · ctrl+e edits all of it "
                           f"in $EDITOR]\n\n{shown.text}")
        else:
            self._big = None
            area.read_only, area.language = False, "markdown"
            area.load_text(text)

    @property
    def dirty(self) -> bool:
        return self._unsaved

    def load(self, stage: str, text: str, label: str) -> None:
        """Show a stage's current text; `label` says what it is (e.g. "v12 by human")."""
        self.stage, self.base_text, self.base_label = stage, text, label
        self._load_area(text)
        self._mark_unsaved(False)

    def set_text(self, text: str) -> None:
        """Replace the text as an edit (undoable), e.g. with what $EDITOR saved."""
        if self.too_big or len(text) > EDIT_CHARS:
            self._load_area(text)
            self._mark_unsaved(text != self.base_text)
            return
        area = self.area
        area.replace(text, area.document.start, area.document.end)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self._mark_unsaved(self.text != self.base_text)

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
