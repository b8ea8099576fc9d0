"""Turn tool calls and their results into Executions and FileWrites, in call order.

Shared by the JSON-based parsers (Claude Code, Gemini CLI): they only map their own event shapes
onto `ToolCalls.use` / `ToolCalls.result`.
"""

from __future__ import annotations

import re
from typing import Any

from .model import Execution, FileWrite, Transcript, resolve
from .shell import scan

SHELL_TOOLS = {"Bash", "bash", "shell", "run_shell_command", "exec_command"}
_EXIT = re.compile(r"^(?:Error: )?(?:Exit code|exit code:?) (-?\d+)", re.MULTILINE)

Record = Execution | FileWrite


class ToolCalls:
    """Collects records for one transcript; keeps track of the shell's working directory."""

    def __init__(self, t: Transcript, root: str | None, cwd: str | None = None) -> None:
        self.t, self.root, self.cwd = t, root, cwd
        self.pending: dict[str, list[Record]] = {}
        self.batch_sizes: dict[str, int] = {}

    def use(self, call_id: str, name: str, args: Any, batch_index: int | None = None) -> None:
        """One tool call; `Batch` calls are expanded into one record per invocation."""
        if not isinstance(args, dict):
            args = {}
        if name == "Batch" and batch_index is None:
            invocations = args.get("invocations")
            invocations = invocations if isinstance(invocations, list) else []
            self.batch_sizes[call_id] = len(invocations)
            for i, inv in enumerate(invocations):
                if isinstance(inv, dict):
                    self.use(call_id, str(inv.get("tool_name", "")), inv.get("input"), i)
            self.pending.setdefault(call_id, [])
            return
        order = self.t.tool_calls
        self.t.tool_calls += 1
        records = self.pending.setdefault(call_id, [])
        if name in SHELL_TOOLS:
            command = str(args.get("command", ""))
            ex = Execution(order, name, command, batch_index=batch_index, cwd=self.cwd)
            self.t.executions.append(ex)
            records.append(ex)
            found = scan(command, self.cwd)
            for w in found.writes:
                if w.typed:
                    self._write(records, order, w.path, w.tool, w.content, not w.append,
                                batch_index, append=w.append, abs_path=w.abs_path)
            if found.cwd:
                self.cwd = found.cwd
            return
        path = str(args.get("file_path") or args.get("notebook_path") or args.get("path") or "")
        if name in ("Write", "write_file"):
            self._write(records, order, path, name, _str(args.get("content")), True, batch_index)
        elif name in ("Edit", "replace"):
            self._write(records, order, path, name, _str(args.get("new_string")), False,
                        batch_index)
        elif name == "MultiEdit":
            edits = args.get("edits") if isinstance(args.get("edits"), list) else []
            text = "\n".join(_str(e.get("new_string")) or "" for e in edits if isinstance(e, dict))
            self._write(records, order, path, name, text, False, batch_index)
        elif name == "NotebookEdit":
            self._write(records, order, path, name, _str(args.get("new_source")), False,
                        batch_index)

    def _write(self, records: list[Record], order: int, path: str, tool: str,
               content: str | None, whole: bool, batch_index: int | None,
               append: bool = False, abs_path: str | None = None) -> None:
        _, rel = resolve(abs_path or path, self.cwd, self.root)
        fw = FileWrite(order, path, rel, tool, content, whole, append=append,
                       batch_index=batch_index)
        self.t.writes.append(fw)
        records.append(fw)

    def result(self, call_id: str, content: Any, is_error: bool | None) -> None:
        """The result of a call: output, error flag and exit code go to its records."""
        records = self.pending.pop(call_id, None)
        if records is None:
            self.t.problem(f"result for unknown tool call {call_id!r}")
            return
        pieces = _pieces(content)
        parts = None
        if call_id in self.batch_sizes:
            parts = _split_batch(pieces, self.batch_sizes.pop(call_id))
            if parts is None and records:
                self.t.problem(f"Batch result {call_id!r} could not be split per invocation")
        for r in records:
            text = "\n".join(pieces) if parts is None else parts[r.batch_index or 0]
            if isinstance(r, Execution):
                r.output, r.is_error = text, is_error
                m = _EXIT.match(text)
                if m:
                    r.exit_code = int(m.group(1))
            elif is_error:
                r.failed = True

    def finish(self) -> None:
        left = sum(1 for recs in self.pending.values() if recs)
        if left:
            self.t.problem(f"{left} tool calls have no result (run cut short?)")


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _pieces(content: Any) -> list[str]:
    """Text pieces of a tool_result content: a string, or a list of text blocks."""
    if isinstance(content, str):
        return [content]
    if isinstance(content, list):
        out = []
        for block in content:
            if isinstance(block, dict) and isinstance(block.get("text"), str):
                out.append(block["text"])
            elif isinstance(block, str):
                out.append(block)
        return out
    return [] if content is None else [str(content)]


_HEADER = re.compile(r"^[A-Za-z]\w*\(.*\):$", re.DOTALL)


def _split_batch(pieces: list[str], n: int) -> list[str] | None:
    """Split a Batch result (header block "Tool(args):" then output blocks) into n outputs."""
    starts = [i for i, p in enumerate(pieces) if _HEADER.match(p)]
    if len(starts) != n:
        return None
    bounds = starts + [len(pieces)]
    return ["\n".join(pieces[bounds[k] + 1:bounds[k + 1]]) for k in range(n)]
