"""Lenient JSON readers: keep every complete element of a truncated file instead of failing."""

from __future__ import annotations

import json
from typing import Any

_DECODER = json.JSONDecoder()


def as_text(raw: bytes | str) -> str:
    """Decode bytes as UTF-8, replacing undecodable bytes (agents print binary junk)."""
    return raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw


def array_prefix(text: str) -> tuple[list[Any], str | None]:
    """The complete elements of a JSON array, and a problem line if the array is broken."""
    try:
        value = json.loads(text)
    except ValueError:
        pass
    else:
        if isinstance(value, list):
            return value, None
        return [], "top-level JSON value is not a list"
    items: list[Any] = []
    pos = text.index("[") + 1
    n = len(text)
    while True:
        while pos < n and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= n:
            return items, f"JSON array truncated after {len(items)} elements"
        if text[pos] == "]":
            return items, "JSON array has trailing garbage after its end"
        try:
            value, pos = _DECODER.raw_decode(text, pos)
        except ValueError as err:
            return items, f"JSON broken after {len(items)} elements (char {pos}: {err.msg})"
        items.append(value)


def json_lines(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Objects of a JSON-lines text; one problem line per unreadable line."""
    objs: list[dict[str, Any]] = []
    problems: list[str] = []
    for no, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        try:
            value = json.loads(line)
        except ValueError as err:
            problems.append(f"line {no}: not JSON ({err.msg})")
            continue
        if isinstance(value, dict):
            objs.append(value)
        else:
            problems.append(f"line {no}: JSON value is not an object")
    return objs, problems


def as_int(value: Any) -> int | None:
    """An int from a JSON number, None for anything else (bools excluded)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value)


def as_float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)
