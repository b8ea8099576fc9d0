"""Text from data (tasks, model replies, reviews, server errors) made safe to print or store.

A task file or a model reply can carry terminal escape sequences: printed raw, they can retitle
the window, clear the screen, hide lines or forge output. `terminal_safe` removes escape
sequences, C0/C1 control characters (tab and newline kept) and bidirectional overrides before
any command prints data; `clean_text` does the same to text on its way into the store.
"""

from __future__ import annotations

import re

_SEQUENCES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"               # CSI: colours, cursor moves, clear screen
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"   # OSC: window title, hyperlinks, clipboard
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"        # DCS, SOS, PM, APC strings
    r"|\x1b[ -/]*[0-~]"                      # other escape sequences (charset, keypad...)
    r"|\x9b[0-?]*[ -/]*[@-~]"                # the 8-bit CSI
    r"|\x9d[^\x07\x9c]*[\x07\x9c]?"          # the 8-bit OSC
)
# Remaining control characters except tab and newline, DEL, C1, bidi overrides and isolates.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """The text without escape sequences or control characters (\\r\\n and \\r become \\n)."""
    if not text:
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", _SEQUENCES.sub("", text))


def clean_text(text: str) -> tuple[str, int]:
    """Text to store: as terminal_safe; also returns how many characters were removed
    (line-ending changes not counted), so an importer can report it."""
    normal = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = terminal_safe(normal)
    return cleaned, len(normal) - len(cleaned)
