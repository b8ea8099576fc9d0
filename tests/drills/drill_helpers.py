"""Helpers of the drills: the CLI as a real subprocess, configured against the loopback server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path


def config_env(tmp_path: Path, loopback, *, key: str = "k-loopback", timeout_s: float = 10.0,
               max_attempts: int = 4) -> dict[str, str]:
    """Environment for an `mlrtui` child: a config naming one loopback model, fake-openai."""
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        "[models.fake-openai]\nprovider = \"openai\"\nmodel = \"gpt-4o\"\n"
        f"base_url = \"{loopback.openai_base_url}\"\napi_key_env = \"MLRTUI_TEST_KEY\"\n"
        f"max_tokens = 128\ntimeout_s = {timeout_s}\nconcurrency = 16\n"
        f"max_attempts = {max_attempts}\n", encoding="utf-8")
    return {**os.environ, "MLRTUI_CONFIG": str(cfg), "MLRTUI_TEST_KEY": key}


def mlrtui(*args: str) -> list[str]:
    return [sys.executable, "-m", "mlrtui.cli", *args]


def cli(argv: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(argv, check=False, capture_output=True, text=True, **kw)


def wait_for(cond: Callable[[], bool], proc: subprocess.Popen, timeout: float = 60) -> None:
    """Poll until cond() holds; fail early if the child exits first."""
    deadline = time.monotonic() + timeout
    while not cond():
        if proc.poll() is not None:
            raise AssertionError(f"child exited {proc.returncode}: {proc.stderr.read()}")
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the child")
        time.sleep(0.02)
