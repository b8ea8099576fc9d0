"""Read a shell command like a reviewer would: which files it writes, what it runs and moves.

Agents often create files through the shell instead of a write tool (`cat > f <<'EOF'`,
`echo x > f`, `... | tee f`), and their scripts produce results through redirects
(`python run.py > log.txt`). A best-effort static reading: no expansion of variables or
globs, stdlib `shlex` only.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass, field

_HEREDOC = re.compile(r"<<(-?)[ \t]*(['\"]?)([A-Za-z_][\w.-]*)\2")
_FD_PREFIX = re.compile(r"(^|[\s;|&(])\d+(?=>)")
_SHELLS = {"bash", "sh", "zsh", "/bin/bash", "/bin/sh", "/usr/bin/bash", "/usr/bin/env bash"}
_WRAPPERS = {"nohup", "time", "env", "exec", "sudo", "command"}
_OUT_OPS = {">", ">>", ">|", "&>", "&>>"}
_PY = re.compile(r"^(?:.*/)?python(?:\d+(?:\.\d+)?)?$")


@dataclass
class ShellWrite:
    """A file the command writes: `typed` when the agent spelled out its content."""

    path: str
    abs_path: str | None
    tool: str  # "heredoc" | "echo" | "printf" | "tee" | "redirect"
    content: str | None
    append: bool
    typed: bool


@dataclass
class Run:
    """A program the command ran whose code we may know: a script path, a module or inline code."""

    script: str | None = None  # absolute when resolvable, else as written
    module: str | None = None
    code: str | None = None
    cwd: str | None = None  # where it ran (relative paths in its code start there)


@dataclass
class Move:
    """`mv` or `cp`: the sources and the destination, resolved against the working directory."""

    op: str
    sources: list[str]
    dest: str


@dataclass
class ShellScan:
    writes: list[ShellWrite] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    cwd: str | None = None  # working directory after the command (after any `cd`)
    ok: bool = True  # False when the command could not be tokenised (unbalanced quotes)


def unwrap(command: str) -> str:
    """The script inside `bash -lc '...'` (recursively); the command itself otherwise."""
    for _ in range(3):
        try:
            words = shlex.split(command)
        except ValueError:
            return command
        if len(words) >= 3 and words[0] in _SHELLS and words[1] in ("-c", "-lc", "-cl"):
            command = words[2]
        elif len(words) >= 4 and words[0] in _SHELLS and words[1] == "-l" and words[2] == "-c":
            command = words[3]
        else:
            return command
    return command


def _cut_heredocs(script: str) -> tuple[str, list[str]]:
    """Remove heredoc bodies from the script; return the rest and the bodies in order."""
    lines = script.replace("\\\n", " ").split("\n")
    kept: list[str] = []
    bodies: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        kept.append(line)
        i += 1
        for m in _HEREDOC.finditer(line):
            if line[m.start():m.start() + 3] == "<<<":
                continue
            delim, body = m.group(3), []
            while i < len(lines) and lines[i].strip() != delim:
                body.append(lines[i].lstrip("\t") if m.group(1) else lines[i])
                i += 1
            i += 1  # the delimiter line
            bodies.append("\n".join(body) + ("\n" if body else ""))
    return "\n".join(kept), bodies


def _tokens(script: str) -> list[str]:
    lex = shlex.shlex(_FD_PREFIX.sub(r"\1", script), posix=True, punctuation_chars="();<>|&\n")
    lex.whitespace = " \t\r"
    lex.whitespace_split = True
    return list(lex)


def _is_op(tok: str) -> bool:
    return bool(tok) and all(c in "();<>|&\n" for c in tok)


def scan(command: str, cwd: str | None = None) -> ShellScan:
    """Statically read `command` (run in `cwd`) for file writes, runs, moves and `cd`s."""
    result = ShellScan(cwd=cwd)
    script, bodies = _cut_heredocs(unwrap(command))
    try:
        toks = _tokens(script)
    except ValueError:
        result.ok = False
        return result
    words: list[str] = []
    redirs: list[tuple[str, str]] = []
    heredoc: list[str | None] = [None]
    upstream: tuple[str, str | None] | None = None  # (tool, content) piped into the next command
    i = 0
    while i <= len(toks):
        tok = toks[i] if i < len(toks) else "\n"
        if _is_op(tok) and ("<" in tok or ">" in tok) and i + 1 < len(toks):
            if tok.startswith("<<") and tok != "<<<":
                heredoc[0] = bodies.pop(0) if bodies else ""
            elif tok in _OUT_OPS:
                redirs.append((tok, toks[i + 1]))
            i += 2
            continue
        if _is_op(tok):
            piped = tok.strip("\n") in ("|", "|&")
            out = _simple(result, words, redirs, heredoc[0], upstream if words else None)
            upstream = out if piped else None
            words, redirs, heredoc[0] = [], [], None
            i += 1
            continue
        words.append(tok)
        i += 1
    return result


def _abs(path: str, cwd: str | None) -> str | None:
    if path.startswith("/"):
        return posixpath.normpath(path)
    if cwd:
        return posixpath.normpath(posixpath.join(cwd, path))
    return None


def _strip_wrappers(words: list[str]) -> list[str]:
    while words:
        if re.match(r"^[A-Za-z_]\w*=", words[0]) or words[0] in _WRAPPERS:
            words = words[1:]
        elif words[0] == "timeout" and len(words) > 1:
            words = [w for w in words[2:]] if not words[1].startswith("-") else words[3:]
        else:
            break
    return words


_Typed = tuple[str, str | None]  # (tool, content) of text the agent spelled out


def _simple(res: ShellScan, words: list[str], redirs: list[tuple[str, str]],
            heredoc: str | None, upstream: _Typed | None) -> _Typed | None:
    """Record one simple command; return (tool, content) if its stdout is agent-typed text."""
    words = _strip_wrappers(words)
    if not words and not redirs:
        return None
    name = words[0] if words else ""
    args = words[1:]
    typed: _Typed | None = None
    if name == "cd":
        res.cwd = _abs(args[0], res.cwd) if args and args[0] != "-" else None
        return None
    if name == "echo":
        flags = [a for a in args[:2] if a in ("-n", "-e", "-ne", "-en")]
        text = " ".join(args[len(flags):])
        typed = ("echo", text if any("n" in f for f in flags) else text + "\n")
    elif name == "printf" and args:
        fmt = args[0].replace("\\n", "\n").replace("\\t", "\t")
        typed = ("printf", fmt if len(args) == 1 and "%" not in fmt else None)
    elif name == "cat" and heredoc is not None and not args:
        typed = ("heredoc", heredoc)
    elif name == "cat" and upstream is not None and not args:
        typed = upstream
    if name == "tee":
        files = [a for a in args if not a.startswith("-")]
        source = ("heredoc", heredoc) if heredoc is not None else upstream
        for f in files:
            _add(res, f, "tee", source[1] if source else None, "-a" in args, source is not None)
        typed = source
    elif name in ("mv", "cp"):
        paths = [a for a in args if not a.startswith("-")]
        if len(paths) >= 2:
            srcs = [_abs(p, res.cwd) or p for p in paths[:-1]]
            dest = _abs(paths[-1], res.cwd) or paths[-1]
            res.moves.append(Move(name, srcs, dest + ("/" if paths[-1].endswith("/") else "")))
    elif _PY.match(name) or name in ("bash", "sh") or name.startswith("./"):
        _run(res, name, args, heredoc)
    for op, target in redirs:
        if target.startswith(("/dev/", "&")):
            continue
        append = op.endswith(">>")
        if typed is not None:
            tool = "heredoc" if typed[0] == "heredoc" else typed[0]
            _add(res, target, tool, typed[1], append, True)
        else:
            _add(res, target, "redirect", None, append, False)
    return typed if not redirs else None


def _add(res: ShellScan, path: str, tool: str, content: str | None, append: bool,
         typed: bool) -> None:
    res.writes.append(ShellWrite(path, _abs(path, res.cwd), tool, content, append, typed))


def _run(res: ShellScan, name: str, args: list[str], heredoc: str | None) -> None:
    if name.startswith("./"):
        res.runs.append(Run(script=_abs(name, res.cwd) or name, cwd=res.cwd))
        return
    it = iter(args)
    for a in it:
        if a == "-m":
            res.runs.append(Run(module=next(it, None), cwd=res.cwd))
            return
        if a == "-c":
            res.runs.append(Run(code=next(it, None), cwd=res.cwd))
            return
        if a == "-":
            res.runs.append(Run(code=heredoc, cwd=res.cwd))
            return
        if a.startswith("-"):
            continue
        res.runs.append(Run(script=_abs(a, res.cwd) or a, cwd=res.cwd))
        return
    if heredoc is not None:
        res.runs.append(Run(code=heredoc, cwd=res.cwd))
