"""OpenAI Codex CLI transcripts: the human-readable log of `codex exec` (as in the MLR-Bench
release, Codex v0.5) and the JSON lines of `codex exec --json`.

The text log is a sequence of `[timestamp] event` lines, each followed by its body: `exec <cmd> in
<dir>`, then `<cmd> succeeded in 10ms:` / `<cmd> exited 1 in 2.2s:` with the output; `apply_patch`
with the patch (`A path` + whole text, `M path` + hunks), `thinking`, `codex` (a message) and a
running `tokens used: N`. Commands may span several lines (heredocs).
"""

from __future__ import annotations

import re
from typing import Any

from .events import read_events
from .jsonio import as_int, as_text
from .model import Execution, FileWrite, Transcript, resolve
from .shell import scan

_EVENT = re.compile(r"^\[(\d{4}-\d\d-\d\dT[\d:.]+Z?)\] ?(.*)$")
_DONE = re.compile(r"^(.*) (?:succeeded|exited (-?\d+)) in ([\dhms.]+):$", re.DOTALL)
_IN_DIR = re.compile(r" in (/\S*)$")
_PATCH_DONE = re.compile(r"^apply_patch\(.*\) exited (-?\d+) in ")
_FILE = re.compile(r"^([AMD]) (\S.*)$")
_V4A = re.compile(r"^\*\*\* (Add|Update|Delete) File: (.+)$")


def parse_codex_log(raw: bytes | str, source: str = "", root: str | None = None) -> Transcript:
    """Parse a Codex log or `codex exec --json` output; `root` as in `model.resolve`."""
    text = as_text(raw).lstrip("\ufeff")
    t = Transcript(agent="codex", format="codex-log", source=source, root=root)
    if text.lstrip().startswith("{"):
        t.format = "codex-json"
        _json(t, text, root)
    else:
        _Log(t, text, root).run()
    if not text.strip():
        t.problem("empty transcript")
    return t


def duration_s(text: str) -> float | None:
    """Seconds from Codex's "10ms" / "2.20s" / "1m01s" / "1h2m" notation."""
    parts = re.findall(r"([\d.]+)(ms|h|m|s)", text)
    if not parts:
        return None
    scale = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
    try:
        return round(sum(float(n) * scale[u] for n, u in parts), 3)
    except ValueError:
        return None


class _Log:
    def __init__(self, t: Transcript, text: str, root: str | None) -> None:
        self.t, self.root = t, root
        self.lines = text.split("\n")
        self.pending: Execution | None = None  # exec started, result not seen yet
        self.patch: list[FileWrite] = []
        self.unfinished = 0

    def body(self, i: int) -> tuple[list[str], int]:
        """Lines from i up to the next event line."""
        j = i
        while j < len(self.lines) and not _EVENT.match(self.lines[j]):
            j += 1
        return self.lines[i:j], j

    def run(self) -> None:
        i = 0
        seen_event = False
        while i < len(self.lines):
            m = _EVENT.match(self.lines[i])
            if not m:
                i += 1
                continue
            seen_event = True
            i = self.event(m.group(1), m.group(2), i + 1)
        if not seen_event and any(s.strip() for s in self.lines):
            self.t.problem("not a Codex log (no [timestamp] event lines)")
        if self.pending is not None:
            self.unfinished += 1
        if self.unfinished:
            self.t.problem(f"{self.unfinished} commands have no result line (interrupted?)")

    def event(self, ts: str, text: str, i: int) -> int:
        """Handle one event whose first line is `text`; return the index after its body."""
        if text.startswith("OpenAI Codex"):
            lines, i = self.body(i)
            for line in lines:
                key, _, value = line.partition(": ")
                if key == "workdir":
                    self.t.workdir = value.strip()
                    if self.root is None:
                        self.root = self.t.root = self.t.workdir
                elif key == "model":
                    self.t.model = value.strip()
            return i
        if text.startswith("exec "):
            return self.exec(ts, text[5:], i)
        if text.startswith("apply_patch ") and text.endswith(":"):
            lines, i = self.body(i)
            self.patch = _patch_writes(self.t, lines, self.root)
            return i
        done = _PATCH_DONE.match(text)
        if done:
            if done.group(1) != "0":
                for w in self.patch:
                    w.failed = True
            return self.body(i)[1]
        if text.startswith("tokens used:"):
            n = as_int(int(text.split(":")[1])) if text.split(":")[1].strip().isdigit() else None
            if n is not None:
                self.t.total_tokens = max(n, self.t.total_tokens or 0)
            return i
        if text.strip() == "codex":
            lines, i = self.body(i)
            self.t.final_text = "\n".join(lines).strip()
            self.t.turns = (self.t.turns or 0) + 1
            return i
        if self.pending is not None and text.startswith(self.pending.command.split("\n")[0]):
            return self.result(text, i)
        return self.body(i)[1]  # thinking, user instructions, anything new: skip the body

    def exec(self, ts: str, first: str, i: int) -> int:
        cmd_lines = [first]
        while not _IN_DIR.search(cmd_lines[-1]) and i < len(self.lines):
            if _EVENT.match(self.lines[i]):
                break
            cmd_lines.append(self.lines[i])
            i += 1
        joined = "\n".join(cmd_lines)
        m = _IN_DIR.search(joined)
        command, cwd = (joined[:m.start()], m.group(1)) if m else (joined, None)
        if self.pending is not None:
            self.unfinished += 1
        order = self.t.tool_calls
        self.t.tool_calls += 1
        ex = Execution(order, "shell", command, started_at=ts, cwd=cwd)
        self.t.executions.append(ex)
        self.pending = ex
        for w in scan(command, cwd).writes:
            if w.typed:
                _, rel = resolve(w.abs_path or w.path, cwd, self.root)
                self.t.writes.append(FileWrite(order, w.path, rel, w.tool, w.content,
                                               not w.append, append=w.append))
        return i

    def result(self, text: str, i: int) -> int:
        ex = self.pending
        assert ex is not None
        extra = ex.command.count("\n")
        header = "\n".join([text, *self.lines[i:i + extra]])
        m = _DONE.match(header)
        if not m:
            self.t.problem(f"unreadable result line for command #{ex.order}: {text[:80]!r}")
            return self.body(i)[1]
        ex.exit_code = int(m.group(2)) if m.group(2) else 0
        ex.is_error = ex.exit_code != 0
        ex.duration_s = duration_s(m.group(3))
        lines, j = self.body(i + extra)
        ex.output = "\n".join(lines)
        self.pending = None
        return j


def _patch_writes(t: Transcript, lines: list[str], root: str | None) -> list[FileWrite]:
    """FileWrites of one apply_patch body: whole text for added files, new lines for updates."""
    order = t.tool_calls
    t.tool_calls += 1
    files: list[tuple[str, str, list[str]]] = []
    v4a = any(_V4A.match(line) for line in lines)  # "*** Add File:" dialect prefixes lines with +
    for line in lines:
        m = _V4A.match(line) if v4a else _FILE.match(line)
        if m:
            files.append((m.group(1)[0], m.group(2).strip(), []))
        elif files and not line.startswith("*** "):
            files[-1][2].append(line)
    out = []
    for kind, path, body in files:
        if kind == "D":
            continue
        if kind == "A":
            body = [b[1:] if v4a and b.startswith("+") else b for b in body]
            content, whole = "\n".join(body).rstrip("\n") + "\n", True
        else:
            added = [b[1:] for b in body if b.startswith("+") and not b.startswith("+++")]
            content, whole = "\n".join(added), False
        _, rel = resolve(path, t.workdir, root)
        out.append(FileWrite(order, path, rel, "apply_patch", content, whole))
    t.writes.extend(out)
    return out


def _json(t: Transcript, text: str, root: str | None) -> None:
    """`codex exec --json`: thread/turn/item events (file contents are not in this format)."""
    objs = read_events(t, text)
    usage = {"input_tokens": 0, "cached_input_tokens": 0, "output_tokens": 0}
    got_usage = False
    for ev in objs:
        kind = ev.get("type")
        if kind == "thread.started":
            t.session_id = ev.get("thread_id")
        elif kind == "turn.completed" and isinstance(ev.get("usage"), dict):
            got_usage = True
            t.turns = (t.turns or 0) + 1
            for k in usage:
                usage[k] += as_int(ev["usage"].get(k)) or 0
        elif kind == "item.completed" and isinstance(ev.get("item"), dict):
            _json_item(t, ev["item"], root)
        elif kind in ("turn.failed", "error"):
            t.problem(f"agent reported an error: {str(ev.get('error') or ev.get('message'))[:200]}")
    if got_usage:
        t.input_tokens = usage["input_tokens"]
        t.cache_read_tokens = usage["cached_input_tokens"]
        t.output_tokens = usage["output_tokens"]


def _json_item(t: Transcript, item: dict[str, Any], root: str | None) -> None:
    kind = item.get("type") or item.get("item_type")
    if kind == "agent_message" or kind == "assistant_message":
        t.final_text = item.get("text") if isinstance(item.get("text"), str) else t.final_text
    elif kind == "command_execution":
        order = t.tool_calls
        t.tool_calls += 1
        code = as_int(item.get("exit_code"))
        t.executions.append(Execution(order, "shell", str(item.get("command", "")), code,
                                      None if code is None else code != 0,
                                      str(item.get("aggregated_output") or "")))
    elif kind == "file_change":
        order = t.tool_calls
        t.tool_calls += 1
        for ch in item.get("changes") if isinstance(item.get("changes"), list) else []:
            if isinstance(ch, dict) and ch.get("kind") != "delete" and ch.get("path"):
                _, rel = resolve(str(ch["path"]), t.workdir, root)
                t.writes.append(FileWrite(order, str(ch["path"]), rel, "apply_patch", None,
                                          ch.get("kind") == "add",
                                          failed=item.get("status") == "failed"))
