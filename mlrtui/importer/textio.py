"""Reading corpus text defensively: empty files, bad UTF-8, CRLF, BOMs, fenced markdown.

Every oddity is fixed where it can be and reported as one problem line naming the file; a file
that holds nothing usable gives None.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from mlrtui.importer.context import ImportContext
from mlrtui.kernel.sanitize import clean_text

# A whole document wrapped in one code fence: ```markdown ... ``` (closing fence optional).
_OUTER_FENCE = re.compile(r"\A```[A-Za-z0-9_-]*[ \t]*\n(?P<body>.*?)(?:\n```[ \t]*)?\Z", re.DOTALL)


def read_bytes(ctx: ImportContext, path: Path, what: str = "file") -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        ctx.problem(path, f"missing {what}")
    except OSError as exc:
        ctx.problem(path, f"cannot read ({exc.strerror})")
    return None


def decode(ctx: ImportContext, path: Path, raw: bytes) -> str | None:
    """Bytes -> text with LF line ends; None (and a problem line) when there is no content."""
    if not raw.strip():
        ctx.problem(path, "empty file" if not raw else "file holds only whitespace")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = raw.decode("utf-8", errors="replace")
        ctx.problem(path, f"not valid UTF-8 (byte {exc.start}); bad bytes replaced")
    text = text.lstrip("\ufeff")
    if "\r" in text:
        crlf = "\r\n" in text
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        ctx.problem(path, "CRLF line endings; normalised to LF" if crlf
                    else "bare CR characters (terminal progress output); made line breaks")
    text, removed = clean_text(text)
    if removed:
        ctx.problem(path, f"{removed} control character(s) or escape sequence character(s) "
                          "removed")
    return text


def read_text(ctx: ImportContext, path: Path, what: str = "file") -> str | None:
    raw = read_bytes(ctx, path, what)
    return None if raw is None else decode(ctx, path, raw)


def read_markdown(ctx: ImportContext, path: Path, what: str = "file") -> str | None:
    """A stage output: text with an outer code fence removed (models sometimes wrap the lot)."""
    text = read_text(ctx, path, what)
    if text is None:
        return None
    stripped = text.strip()
    m = _OUTER_FENCE.match(stripped)
    if m and "```" not in m.group("body"):
        body = m.group("body").strip()
        if not body:
            ctx.problem(path, "only an empty code fence")
            return None
        ctx.problem(path, "markdown wrapped in a ``` code fence; fence removed")
        return body + "\n"
    return text


def load_json(ctx: ImportContext, path: Path, text: str) -> Any | None:
    """JSON, or a list of objects for a JSON-lines file named .json (reported); None if broken."""
    try:
        return json.loads(text)
    except ValueError as exc:
        first_error = exc
    items = _concatenated(text)
    if items is not None and len(items) > 1:
        ctx.problem(path, f"JSON lines ({len(items)} records) in a file named .json")
        return items
    ctx.problem(path, f"invalid JSON ({first_error})")
    return None


def _concatenated(text: str) -> list[Any] | None:
    """Records written one after another (JSON lines, or pretty-printed objects in a row)."""
    decoder = json.JSONDecoder()
    items, pos = [], 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            return items
        try:
            item, pos = decoder.raw_decode(text, pos)
        except ValueError:
            return None
        items.append(item)
