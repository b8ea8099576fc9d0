"""Turn how a command ended into a status and a one-line reason a person can act on."""

from __future__ import annotations

import re
import signal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlrtui.experiment.executor import ExecSpec, ExecStatus

_ERROR_LINE = re.compile(r"^(?:[\w.]+\.)?(\w*(?:Error|Exception|Interrupt)):?\s*(.*)$")
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"MemoryError|Cannot allocate memory|std::bad_alloc|out of memory", re.IGNORECASE),
     "memory limit of {mem} MB exceeded"),
    (re.compile(r"Resource temporarily unavailable|BlockingIOError.*\[Errno 11\]|"
                r"can't start new thread|fork.*failed", re.IGNORECASE),
     "process limit reached ({nproc} processes)"),
    (re.compile(r"Network is unreachable|Errno 101|Temporary failure in name resolution|"
                r"Name or service not known|ConnectionRefused|PermissionError: \[Errno 13\] "
                r"Permission denied$|socket.*Permission denied", re.IGNORECASE | re.MULTILINE),
     "network access blocked by the sandbox"),
    (re.compile(r"PermissionError|Permission denied|Read-only file system|"
                r"Operation not permitted", re.IGNORECASE),
     "permission denied by the sandbox"),
    (re.compile(r"File too large", re.IGNORECASE), "file size limit exceeded"),
]


def _last_error(stderr: str) -> str:
    """The final exception line of a traceback, or the last non-empty line."""
    lines = [ln.strip() for ln in stderr.strip().splitlines() if ln.strip()]
    for line in reversed(lines):
        if _ERROR_LINE.match(line):
            return line[:300]
    return lines[-1][:300] if lines else ""


def classify(code: int | None, sig: int | None, timed_out: bool, stderr: str,
             spec: ExecSpec) -> tuple[ExecStatus, str | None]:
    """(status, reason) for an ended command."""
    if timed_out:
        return "timeout", f"wall time limit of {spec.timeout_s:g}s exceeded; process group killed"
    if sig is not None:
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        if sig == signal.SIGXCPU:
            return "killed", f"CPU time limit exceeded ({name})"
        if sig == signal.SIGXFSZ:
            return "killed", f"file size limit exceeded ({name})"
        if sig in (signal.SIGKILL, signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS):
            return "killed", f"killed by {name} (likely the memory limit of {spec.memory_mb} MB)"
        return "killed", f"killed by {name}"
    if code == 0:
        return "ok", None
    if code is None:
        return "error", "the sandbox ended without reporting an exit status"
    if code in (126, 127) and ("sandbox: cannot start" in stderr
                               or "sandbox: setup failed" in stderr):
        return "error", _last_error(stderr)
    last = _last_error(stderr)
    text = last + "\n" + stderr[-4000:]
    for pattern, reason in _PATTERNS:
        # Judge by the final error first; the whole tail only when it names nothing known.
        if pattern.search(last) or (not _ERROR_LINE.match(last) and pattern.search(text)):
            detail = reason.format(mem=spec.memory_mb, nproc=spec.max_processes)
            return "failed", f"{detail}: {last}" if last else detail
    return "failed", f"exit code {code}: {last}" if last else f"exit code {code}"
