"""Plain records for what a coding agent did: the commands it ran and the files it typed.

Every parser fills the same `Transcript`, so the importer and our own agent runs store one shape
whatever the agent (Claude Code, Codex, Gemini CLI). Parsers never raise on bad input: they keep
what they could read and add one line per problem to `Transcript.problems`.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field


@dataclass
class Execution:
    """One shell command the agent ran, with what it saw back."""

    order: int  # position among all tool calls of the transcript (0-based)
    tool: str  # the agent's tool name: "Bash", "exec", "run_shell_command", ...
    command: str
    exit_code: int | None = None  # None when the transcript does not state it
    is_error: bool | None = None
    output: str = ""  # stdout+stderr as the agent saw it
    started_at: str | None = None  # ISO timestamp when the transcript has one
    duration_s: float | None = None
    batch_index: int | None = None  # position inside a Claude `Batch` call
    cwd: str | None = None  # working directory, when the transcript states it


@dataclass
class FileWrite:
    """One file content the agent typed itself (a write tool, an edit, or a heredoc/echo)."""

    order: int
    path: str  # as the agent wrote it
    rel_path: str | None  # relative to the workspace root, None when it cannot be resolved
    tool: str  # "Write", "Edit", "MultiEdit", "apply_patch", "heredoc", "echo", "printf", ...
    content: str | None  # full text when whole_file; the new fragments for edits; None if unknown
    whole_file: bool
    append: bool = False
    failed: bool = False  # the tool reported an error, so the file was probably not changed
    batch_index: int | None = None


@dataclass
class Transcript:
    """Everything one agent run tells us, in one agent-neutral shape."""

    agent: str  # "claude-code" | "codex" | "gemini-cli"
    format: str  # which variant was recognised, e.g. "claude-list", "claude-stream-json"
    source: str = ""
    model: str | None = None
    cost_usd: float | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_read_tokens: int | None = None
    cache_write_tokens: int | None = None
    total_tokens: int | None = None  # when only a total is reported (Codex "tokens used")
    turns: int | None = None
    duration_s: float | None = None
    duration_api_s: float | None = None
    session_id: str | None = None
    final_text: str | None = None
    workdir: str | None = None  # the agent's starting directory, when stated
    root: str | None = None  # the workspace root rel_paths are relative to (see `resolve`)
    tool_calls: int = 0  # every tool call, incl. reads and to-do updates
    executions: list[Execution] = field(default_factory=list)
    writes: list[FileWrite] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        """Record one problem line, prefixed with the source so it names the file."""
        self.problems.append(f"{self.source}: {text}" if self.source else text)


def resolve(path: str, cwd: str | None, root: str | None) -> tuple[str | None, str | None]:
    """(absolute-or-None, relative-to-root-or-None) for a path the agent wrote.

    `root` is either an absolute directory or a bare directory name/suffix such as
    "iclr2025_bi_align" that is looked for inside absolute paths (the corpus was recorded on
    another machine, so only the tail of its paths is meaningful here).
    """
    if not path:
        return None, None
    absolute: str | None = None
    if path.startswith("/"):
        absolute = posixpath.normpath(path)
    elif cwd and cwd.startswith("/"):
        absolute = posixpath.normpath(posixpath.join(cwd, path))
    if absolute is None or not root:
        return absolute, None
    root = root.rstrip("/")
    if root.startswith("/"):
        root = posixpath.normpath(root)
        if absolute == root:
            return absolute, "."
        return absolute, (absolute[len(root) + 1:] if absolute.startswith(root + "/") else None)
    marker = "/" + root.strip("/") + "/"
    at = absolute.rfind(marker)
    return absolute, (absolute[at + len(marker):] if at >= 0 else None)
