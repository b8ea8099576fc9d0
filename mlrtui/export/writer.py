"""Writing an export bundle safely: untrusted relative paths, redaction, an all-or-nothing swap.

Split from `core/export.py`, which decides what goes into a bundle; this decides how it lands
on disk. Nothing here follows a path out of the bundle folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path, PurePosixPath
from typing import Any

from mlrtui.kernel.secrets import REDACTED, redact


class ExportError(Exception):
    """An export that cannot be done; the message is one line naming the path or run."""


def slug(text: str) -> str:
    """A file-name-safe form of a task id or model name (`deepseek/r1` -> `deepseek_r1`)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "x"


def safe_relpath(raw: str) -> PurePosixPath:
    """A stored path as a relative path that stays inside its folder, or ExportError (why)."""
    if not raw or "\x00" in raw:
        raise ExportError("empty path" if not raw else "path contains a NUL byte")
    text = raw.replace("\\", "/")
    if text.startswith("/") or re.match(r"^[A-Za-z]:", text):
        raise ExportError("absolute path refused")
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise ExportError("path with '..' refused")
    if not parts:
        raise ExportError("path names no file")
    return PurePosixPath(*parts)


def deep_redact(value: Any, secrets: list[str]) -> Any:
    """Every string inside lists and dicts (keys too) with the secrets replaced."""
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, dict):
        return {deep_redact(k, secrets): deep_redact(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [deep_redact(v, secrets) for v in value]
    return value


class BundleWriter:
    """Writes into `<out>/.<name>.partial`; `commit()` swaps it in as `<out>/<name>`."""

    def __init__(self, out: Path, name: str, secrets: list[str]) -> None:
        self.final = out / name
        self.root = out / f".{name}.partial-{os.getpid()}"
        self.secrets = [s for s in secrets if s]
        self.written: list[tuple[str, str, int]] = []     # (relative path, sha256, size)
        self.problems: list[str] = []
        if self.final.is_symlink() or (self.final.exists() and not self.final.is_dir()):
            raise ExportError(f"{self.final}: exists and is not a bundle folder")
        if self.root.exists():
            shutil.rmtree(self.root)
        self.root.mkdir(parents=True)
        self._resolved = self.root.resolve()

    def problem(self, line: str) -> None:
        self.problems.append(redact(line, self.secrets))

    def _target(self, rel: str) -> Path:
        path = self.root / safe_relpath(rel)
        if not path.resolve().is_relative_to(self._resolved):
            raise ExportError(f"{rel}: would be written outside the bundle")
        return path

    def write_bytes(self, rel: str, data: bytes) -> None:
        """Write one file; a path that cannot be written is a problem line, not a failure."""
        for secret in self.secrets:
            data = data.replace(secret.encode(), REDACTED.encode())
        try:
            path = self._target(rel)
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists():
                raise ExportError(f"{rel}: two stored files map to this path; kept the first")
            with path.open("xb") as fh:
                fh.write(data)
        except ExportError as exc:
            self.problem(str(exc))
            return
        except OSError as exc:
            self.problem(f"{rel}: cannot write ({exc.strerror or exc}); not exported")
            return
        self.written.append((rel, hashlib.sha256(data).hexdigest(), len(data)))

    def write_text(self, rel: str, text: str) -> None:
        self.write_bytes(rel, redact(text, self.secrets).encode("utf-8"))

    def write_json(self, rel: str, value: Any) -> None:
        clean = deep_redact(value, self.secrets)
        self.write_text(rel, json.dumps(clean, indent=1, ensure_ascii=False, default=str) + "\n")

    def commit(self) -> Path:
        """Replace the old bundle (if any) with the new one; the old one is removed last."""
        old = self.final.with_name(f".{self.final.name}.old-{os.getpid()}")
        if self.final.exists():
            self.final.rename(old)
        try:
            self.root.rename(self.final)
        except OSError:
            if old.exists():
                old.rename(self.final)           # put the last good bundle back
            raise
        if old.exists():
            shutil.rmtree(old)
        return self.final

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
