"""Coding-agent transcripts as data: what the agent ran, which files it typed, what it cost.

Pure parsing, stdlib only, no store access. Every entry point takes the raw bytes or text, a
`source` (file name, used in problem lines) and an optional workspace `root` (an absolute
directory, or a directory name looked for inside the absolute paths of the transcript), and
returns a `Transcript`; bad input never raises, it adds lines to `Transcript.problems`.
"""

from __future__ import annotations

import json
import re

from .claude import parse_claude
from .codex import parse_codex_log
from .gemini import parse_gemini
from .jsonio import as_text
from .model import Execution, FileWrite, Transcript, resolve
from .origins import Origin, file_origins

__all__ = [
    "Execution", "FileWrite", "Origin", "Transcript", "file_origins", "parse_claude",
    "parse_codex_log", "parse_gemini", "parse_transcript", "resolve", "sniff_agent",
]

_CODEX_EVENT = re.compile(r"^\[\d{4}-\d\d-\d\dT[\d:.]+Z?\] ", re.MULTILINE)
_PARSERS = {"claude-code": parse_claude, "codex": parse_codex_log, "gemini-cli": parse_gemini}


def sniff_agent(raw: bytes | str, source: str = "") -> str | None:
    """Which agent wrote this transcript, from its first bytes (None if unrecognised)."""
    head = as_text(raw[:20000]).lstrip("\ufeff").lstrip()
    if head.startswith("["):
        return "claude-code" if not _CODEX_EVENT.match(head) else "codex"
    if head.startswith("{"):
        return _sniff_json(head)
    if "OpenAI Codex" in head[:300] or _CODEX_EVENT.search(head):
        return "codex"
    if "gemini" in source.lower():
        return "gemini-cli"
    return None


def _sniff_json(head: str) -> str | None:
    try:
        obj = json.loads(head.split("\n", 1)[0])
    except ValueError:  # pretty-printed: look at its keys
        compact = re.sub(r"\s", "", head[:4000])
        if '"type":"result"' in compact or '"total_cost_usd":' in compact:
            return "claude-code"
        return "gemini-cli" if '"response":' in compact or '"stats":' in compact else None
    kind = str(obj.get("type", "")) if isinstance(obj, dict) else ""
    if kind in ("system", "assistant", "user", "result"):
        return "claude-code"
    if kind.startswith(("thread.", "turn.", "item.")):
        return "codex"
    if kind in ("init", "message", "tool_use", "tool_result") or "response" in obj:
        return "gemini-cli"
    return None


def parse_transcript(raw: bytes | str, source: str = "", agent: str | None = None,
                     root: str | None = None) -> Transcript:
    """Parse a transcript of any supported agent, sniffing the agent when not given."""
    agent = agent or sniff_agent(raw, source)
    parser = _PARSERS.get(agent or "")
    if parser is None:
        t = Transcript(agent=agent or "unknown", format="unknown", source=source)
        t.problem("unrecognised transcript format" if agent is None else f"unknown agent {agent!r}")
        return t
    return parser(raw, source, root)
