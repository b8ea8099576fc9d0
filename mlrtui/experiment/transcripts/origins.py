"""Where each workspace file came from: typed by the agent, produced by a command, or unknown.

Last writer wins by call order. A command counts as a writer only with a reason we can state:
it redirects into the file (`> log.txt`, `| tee log.txt`), it ran code whose string literals name
the file (or a template of it, `f"{m}_curve.png"`) next to a file-writing call, or it moved or
copied the file there (then the origin is that of the source, "via" the move).
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .model import Execution, FileWrite, Transcript, resolve
from .shell import Move, Run, scan

_LITERAL = re.compile(r"'([^'\n]{1,200})'|\"([^\"\n]{1,200})\"")
_WRITE_CALL = re.compile(r"savefig|to_csv|to_json|to_excel|to_parquet|json\.dump|yaml\.dump|"
                         r"open\([^)]*['\"][wax]b?\+?['\"]|\.write\(|np\.save|torch\.save|"
                         r"write_text|write_bytes|imwrite|FileHandler|\.save\(|pickle\.dump")
_MAX_DEPTH = 5


@dataclass
class Origin:
    kind: str  # "agent" | "execution" | "unknown"
    order: int | None = None
    tool: str | None = None
    content: str | None = None  # for "agent": what it typed (whole text, or the edit fragments)
    reason: str = ""
    via: str | None = None  # for a moved/copied file: the path it came from


@dataclass
class _Step:
    """One command as origins see it: what it redirects into, runs and moves."""

    ex: Execution
    redirects: list[str]  # rel paths
    code: list[tuple[str, str, str | None]]  # (label, code text, cwd) of what it ran
    moves: list[Move]


def file_origins(t: Transcript, workspace_files: Iterable[str]) -> dict[str, Origin]:
    """Origin of every workspace file (paths relative to the transcript's root)."""
    return _Origins(t).all(workspace_files)


class _Origins:
    def __init__(self, t: Transcript) -> None:
        self.t = t
        self.writes: dict[str, list[FileWrite]] = {}
        for w in t.writes:
            if w.rel_path and not w.failed:
                self.writes.setdefault(posixpath.normpath(w.rel_path), []).append(w)
        self.steps = [self._step(ex) for ex in t.executions]

    def rel(self, path: str) -> str | None:
        rel = resolve(path, None, self.t.root)[1]
        return posixpath.normpath(rel) if rel else None

    def _step(self, ex: Execution) -> _Step:
        found = scan(ex.command, ex.cwd)
        redirects = [r for w in found.writes if not w.typed and w.abs_path
                     for r in [self.rel(w.abs_path)] if r]
        code = [c for run in found.runs for c in self._code(run, ex.order)]
        return _Step(ex, redirects, code, found.moves)

    def _code(self, run: Run, before: int) -> list[tuple[str, str, str | None]]:
        """Code a run executed: inline code, or the script plus the modules typed beside it."""
        if run.code:
            return [("inline code", run.code, run.cwd)]
        script = run.script
        if run.module:
            script = run.module.replace(".", "/") + ".py"
        rel = self.rel(script) if script and script.startswith("/") else None
        if rel is None:
            return []
        folder = posixpath.dirname(rel)
        out = []
        for path, writes in self.writes.items():
            if path == rel or (posixpath.dirname(path) == folder and path.endswith(".py")):
                text = "\n".join(w.content or "" for w in writes if w.order < before)
                if text:
                    label = path if path == rel else f"{rel} (module {path} beside it)"
                    out.append((label, text, run.cwd))
        return out

    def all(self, files: Iterable[str]) -> dict[str, Origin]:
        return {f: self.at(posixpath.normpath(f), 1 << 62, 0) for f in files}

    def at(self, path: str, before: int, depth: int) -> Origin:
        """The last writer of `path` among calls with order < before."""
        best = Origin("unknown", reason="no tool call or command in the transcript wrote it")
        fallback: Origin | None = None
        for w in self.writes.get(path, []):
            if w.order < before and (best.order is None or w.order >= best.order):
                best = Origin("agent", w.order, w.tool, w.content,
                              f"typed by the agent ({w.tool}, call #{w.order})")
        name = posixpath.basename(path)
        for st in self.steps:
            o = st.ex.order
            if o >= before or (best.order is not None and o <= best.order):
                continue
            found = self._by_step(st, path, name, depth)
            if found is None:
                continue
            failed = st.ex.is_error or bool(st.ex.exit_code)
            if failed and found.via is None and "redirects" not in found.reason:
                fallback = found
                fallback.reason += " (that command failed)"
                continue
            best = found
        return fallback if best.kind == "unknown" and fallback else best

    def _by_step(self, st: _Step, path: str, name: str, depth: int) -> Origin | None:
        o, cmd = st.ex.order, st.ex.command[:80]
        if path in st.redirects:
            return Origin("execution", o, st.ex.tool,
                          reason=f"command #{o} redirects its output into it: {cmd!r}")
        for label, text, cwd in st.code:
            hit = _names(text, name, lambda lit, cwd=cwd: self.rel(_join(cwd, lit)), path)
            if hit and _WRITE_CALL.search(text):
                return Origin("execution", o, st.ex.tool,
                              reason=f"command #{o} ran {label}, whose code names {hit!r} "
                                     "and writes files")
        if depth < _MAX_DEPTH:
            for mv in st.moves:
                src = _move_source(mv, path, self.rel)
                if src:
                    prior = self.at(src, o, depth + 1)
                    prior.via = prior.via or src
                    prior.reason += f"; then {mv.op} to {path} by command #{o}"
                    return prior
        return None


def _join(cwd: str | None, lit: str) -> str:
    return lit if lit.startswith("/") or not cwd else posixpath.join(cwd, lit)


def _names(code: str, name: str, rel: Callable[[str], str | None], path: str) -> str | None:
    """The string literal in `code` naming file `name`, exactly or as a template.

    A literal with a directory part that resolves (from where the code ran) to another
    workspace path names another file, not this one.
    """
    stem_ext = posixpath.splitext(name)[1]
    for m in _LITERAL.finditer(code):
        lit = m.group(1) or m.group(2)
        if posixpath.basename(lit) == name:
            where = rel(lit) if "/" in lit else None
            if where is None or where == path:
                return lit
        base = posixpath.basename(lit)
        if "{" in base and base.endswith(stem_ext or "\0"):
            fixed = re.sub(r"\{[^}]*\}", "", base)
            if len(fixed) - len(stem_ext) >= 3:
                pattern = ".+".join(re.escape(p) for p in re.split(r"\{[^}]*\}", base))
                if re.fullmatch(pattern, name):
                    return lit
    return None


def _move_source(mv: Move, path: str, rel: Callable[[str], str | None]) -> str | None:
    """The workspace path that `mv`/`cp` put at `path`, if this move did."""
    dest = rel(mv.dest.rstrip("/")) if mv.dest.startswith("/") else None
    if dest is None:
        return None
    into_dir = mv.dest.endswith("/") or len(mv.sources) > 1
    for src in mv.sources:
        s = rel(src) if src.startswith("/") else None
        if s is None:
            continue
        if any(c in s for c in "*?["):
            if posixpath.dirname(path) == dest and fnmatch.fnmatch(
                    posixpath.basename(path), posixpath.basename(s)):
                return posixpath.join(posixpath.dirname(s), posixpath.basename(path))
            continue
        if not into_dir and path == dest:
            return s
        moved = posixpath.join(dest, posixpath.basename(s))
        if path == moved:
            return s
        if path.startswith(moved + "/"):
            return s + path[len(moved):]
    return None
