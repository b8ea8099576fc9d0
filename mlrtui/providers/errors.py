"""Turning SDK and transport exceptions into one-line ProviderErrors that say whether to retry.

The openai and anthropic SDKs share the shape of their errors (a `status_code`, a `response`
with headers, a `body`), so one mapping serves both.
"""

from __future__ import annotations

import email.utils
import json
import os
import sys
import time
from typing import Any

from mlrtui.providers.base import ProviderError

RETRYABLE_STATUS = {408, 409, 425, 429, 500, 502, 503, 504, 520, 522, 524, 529}
CONTEXT_MARKERS = ("context_length_exceeded", "maximum context length", "prompt is too long",
                   "context window", "too many tokens")


def retry_after(headers: Any) -> float | None:
    """Seconds to wait from Retry-After / retry-after-ms headers (seconds or an HTTP date)."""
    if headers is None:
        return None
    ms = headers.get("retry-after-ms")
    if ms and ms.replace(".", "", 1).isdigit():
        return float(ms) / 1000
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def _body_message(exc: Any) -> str:
    """The server's own message, short, from an SDK status error."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
    message = str(getattr(exc, "message", "") or exc)
    return message


def transport_errors() -> tuple[type[BaseException], ...]:
    """The HTTP libraries' base errors: httpx2 (both SDKs speak it today) and plain httpx.
    Only libraries already imported are looked at (an error of one that is not loaded cannot
    exist), so mapping an error never imports one (plain httpx costs ~60 ms at start-up)."""
    return tuple(module.HTTPError for name in ("httpx2", "httpx")
                 if (module := sys.modules.get(name)) is not None)


def one_line(text: str, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def from_sdk_error(exc: BaseException, *, key_env: str | None, timeout_s: float) -> ProviderError:
    """Map any exception raised by an SDK call (or its stream) to a ProviderError, with the
    model's key scrubbed from the text (some servers echo it)."""
    err = _map(exc, key_env=key_env, timeout_s=timeout_s)
    key = os.environ.get(key_env, "") if key_env else ""
    if len(key) >= 4 and key in str(err):
        err = ProviderError(str(err).replace(key, "[redacted]"), retryable=err.retryable,
                            status=err.status, retry_after=err.retry_after,
                            malformed=err.malformed)
    return err


def _map(exc: BaseException, *, key_env: str | None, timeout_s: float) -> ProviderError:
    name = type(exc).__name__
    status = getattr(exc, "status_code", None)
    if isinstance(status, int) and hasattr(exc, "response") and status >= 400:
        message = one_line(_body_message(exc))
        headers = getattr(exc.response, "headers", None)
        if status == 401:
            where = f" (check the variable {key_env})" if key_env else ""
            return ProviderError(f"bad API key (401){where}: {message}", retryable=False,
                                 status=status)
        if status == 403:
            return ProviderError(f"access denied (403): {message}", retryable=False,
                                 status=status)
        if status in (400, 413, 422) and any(m in message.lower() for m in CONTEXT_MARKERS):
            return ProviderError(f"input too long for the model's context window ({status}): "
                                 f"{message}", retryable=False, status=status)
        if status == 404:
            return ProviderError(f"model or endpoint not found (404): {message}",
                                 retryable=False, status=status)
        if status in RETRYABLE_STATUS or status >= 500:
            return ProviderError(f"HTTP {status}: {message}", retryable=True, status=status,
                                 retry_after=retry_after(headers))
        return ProviderError(f"bad request ({status}): {message}", retryable=False, status=status)
    if "Timeout" in name:
        return ProviderError(f"timed out after {timeout_s:g}s", retryable=True)
    if "ResponseValidation" in name or isinstance(exc, (json.JSONDecodeError, UnicodeDecodeError)):
        return ProviderError(f"malformed response from the server ({one_line(str(exc), 120)})",
                             retryable=True, malformed=True)
    if "Connection" in name or isinstance(exc, transport_errors()):
        cause = exc.__cause__ or exc
        return ProviderError(f"connection dropped ({one_line(str(cause), 160)})", retryable=True)
    return ProviderError(f"{name}: {one_line(str(exc))}", retryable=False)
