"""Install the pinned coding-agent CLIs (tests/agents/package.json + lock) into a reused cache.

The pins live in one place: package.json and its package-lock.json next to this module. The
install goes to ~/.cache/mlrtui-test-clis/<hash of both files> with `npm ci`, so a second run
reuses it and changing a pin makes a fresh directory. Nothing here imports pytest: a failure is
an `InstallError` with one line saying why, which the fixture turns into a skip.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PIN_FILES = ("package.json", "package-lock.json")
BINARIES = {"claude": "claude", "codex": "codex", "gemini": "gemini"}
INSTALL_TIMEOUT_S = 900.0


class InstallError(Exception):
    """The CLIs cannot be installed here (no node/npm, no network, npm failed)."""


@dataclass
class InstalledClis:
    """Where the pinned CLIs are, and how long getting them took (0 when reused)."""

    root: Path
    install_s: float
    reused: bool

    @property
    def bin_dir(self) -> Path:
        return self.root / "node_modules" / ".bin"

    def binary(self, name: str) -> Path | None:
        """The executable of one CLI, or None when npm did not link it."""
        path = self.bin_dir / BINARIES[name]
        return path if path.exists() and os.access(path, os.X_OK) else None

    def version(self, package: str) -> str:
        import json

        meta = self.root / "node_modules" / package / "package.json"
        return str(json.loads(meta.read_text(encoding="utf-8")).get("version", "?"))


def pins_hash() -> str:
    """A short hash of the pin files, so a changed pin never reuses a stale install."""
    digest = hashlib.sha256()
    for name in PIN_FILES:
        digest.update(name.encode() + b"\0" + (HERE / name).read_bytes())
    return digest.hexdigest()[:16]


def cache_root() -> Path:
    base = os.environ.get("MLRTUI_TEST_CLIS_CACHE") or os.environ.get("XDG_CACHE_HOME")
    return Path(base or Path.home() / ".cache") / "mlrtui-test-clis"


def _npm_reason(output: str) -> str:
    """npm's error code and first message line, e.g. "ECONNREFUSED: FetchError: request to…"."""
    lines = [ln.removeprefix("npm error").strip() for ln in output.splitlines()
             if ln.startswith("npm error")]
    code = next((ln.split()[1] for ln in lines if ln.startswith("code ")), "")
    detail = next((ln for ln in lines if ln and not ln.startswith(
        ("code ", "syscall ", "errno ", "at ", "A complete log"))), "no error message")
    return f"{code}: {detail}" if code else detail


def install(root: Path | None = None) -> InstalledClis:
    """`npm ci` the pinned CLIs into the cache (once); raises InstallError with a reason."""
    target = root or cache_root() / pins_hash()
    if shutil.which("node") is None:      # codex and gemini are node scripts, even when cached
        raise InstallError("node not found on PATH; the real agent CLIs need node >= 20")
    if (target / ".installed").is_file():
        return InstalledClis(target, 0.0, True)
    npm = shutil.which("npm")
    if npm is None:
        raise InstallError("npm not found on PATH; it installs the pinned agent CLIs")
    staging = target.with_name(target.name + f".tmp{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name in PIN_FILES:
        shutil.copyfile(HERE / name, staging / name)
    t0 = time.monotonic()
    try:
        proc = subprocess.run([npm, "ci", "--prefix", str(staging), "--no-audit", "--no-fund",
                               "--loglevel=error"], cwd=staging, capture_output=True,
                              text=True, timeout=INSTALL_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise InstallError(f"npm ci timed out after {INSTALL_TIMEOUT_S:g}s") from exc
    elapsed = time.monotonic() - t0
    if proc.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise InstallError(f"npm ci failed (exit {proc.returncode}): "
                           f"{_npm_reason(proc.stderr or proc.stdout)}")
    (staging / ".installed").write_text(f"{elapsed:.1f}\n", encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)           # node_modules/.bin links are relative: moving keeps them
    return InstalledClis(target, elapsed, False)
