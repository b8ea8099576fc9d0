"""The log file: `<data dir>/logs/mlrtui.log`, rotating, with every known API key redacted.

Set up by `cli.main` for the length of one command (or one TUI session) and removed after, so
nothing happens at import time and in-process callers (tests) never inherit a stale handler.
Level INFO; `MLRTUI_LOG_LEVEL=DEBUG` (or any level name) changes it. Only the `mlrtui` logger
is routed here: SDK loggers (openai, httpx) may log request details and are left alone.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import shlex
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from mlrtui import paths

LOGGER = "mlrtui"
MAX_BYTES = 2 * 1024 * 1024
BACKUPS = 3
FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"

SecretSource = Callable[[], Iterable[str]]


def log_file() -> Path:
    return paths.data_dir() / "logs" / "mlrtui.log"


def level_from_env() -> int:
    """MLRTUI_LOG_LEVEL as a logging level; an unknown name falls back to INFO."""
    name = (os.environ.get("MLRTUI_LOG_LEVEL") or "INFO").strip().upper()
    level = logging.getLevelName(name)
    return level if isinstance(level, int) else logging.INFO


def env_secrets() -> list[str]:
    """Key values of the usual variables, for when the config cannot be read."""
    from mlrtui.config import Settings
    from mlrtui.kernel.secrets import known_secrets

    return known_secrets(Settings.model_construct(models={}))


class RedactFilter(logging.Filter):
    """Replaces every known secret in a record's message, traceback and stack text."""

    def __init__(self, secrets: SecretSource) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        from mlrtui.kernel.secrets import redact

        found = [s for s in self.secrets() if s]
        if not found:
            return True
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = redact(str(record.msg), found)   # emit() reports the bad arguments
            record.msg = message
        clean = redact(message, found)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, found)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, found)
        return True


_installed: logging.Handler | None = None


def setup(secrets: SecretSource | None = None, path: Path | None = None) -> Path | None:
    """Route the `mlrtui` logger to the rotating file; returns its path, None if unwritable."""
    teardown()
    path = path or log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES,
                                                       backupCount=BACKUPS, encoding="utf-8")
    except OSError as exc:
        print(f"mlrtui: no log file: cannot write {path} ({exc.strerror})", file=sys.stderr)
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactFilter(secrets or env_secrets))
    level = level_from_env()
    handler.setLevel(level)
    logger = logging.getLogger(LOGGER)
    logger.setLevel(level)
    logger.addHandler(handler)
    global _installed
    _installed = handler
    return path


def teardown() -> None:
    """Remove and close the handler `setup` installed, if any."""
    global _installed
    if _installed is None:
        return
    logger = logging.getLogger(LOGGER)
    logger.removeHandler(_installed)
    _installed.close()
    _installed = None
    logger.setLevel(logging.NOTSET)


def _context_secrets(ctx: Any) -> SecretSource:
    """Secrets named by the command's settings; the usual variables if the config is broken."""
    def secrets() -> list[str]:
        from mlrtui.kernel.errors import Fatal

        try:
            return ctx.secrets()
        except Fatal:
            return env_secrets()
    return secrets


class CommandLog:
    """One command's start and end lines; the log file exists only while it runs."""

    def __init__(self, ctx: Any, command: str, argv: list[str]) -> None:
        self.command = command
        self.started = time.monotonic()
        setup(_context_secrets(ctx))
        self.log = logging.getLogger("mlrtui.cli")
        self.log.info("start %s: mlrtui %s", command, shlex.join(argv))

    def done(self, code: int, error: str | None = None) -> int:
        if error:
            self.log.warning("%s stopped: %s", self.command, error)
        self.log.info("end %s: exit %d after %.2fs", self.command, code,
                      time.monotonic() - self.started)
        return code

    def crashed(self) -> None:
        self.log.exception("%s crashed after %.2fs", self.command,
                           time.monotonic() - self.started)

    def close(self) -> None:
        teardown()
