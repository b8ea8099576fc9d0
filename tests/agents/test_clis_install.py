"""The pins and the installer's failure modes (no network needed)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from clis import HERE, InstallError, install, pins_hash


def test_pins_are_exact_and_locked() -> None:
    pins = json.loads((HERE / "package.json").read_text())["dependencies"]
    lock = json.loads((HERE / "package-lock.json").read_text())["packages"]
    assert set(pins) == {"@anthropic-ai/claude-code", "@openai/codex", "@google/gemini-cli"}
    for package, version in pins.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{package} pin {version} is a range"
        assert lock[f"node_modules/{package}"]["version"] == version
        assert lock[""]["dependencies"][package] == version
    assert re.fullmatch(r"[0-9a-f]{16}", pins_hash())


def test_without_node_the_install_fails_with_one_line(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(InstallError, match="node not found on PATH") as info:
        install(tmp_path / "clis")
    assert "\n" not in str(info.value)
    assert not (tmp_path / "clis").exists()


def test_a_failing_npm_is_reported_and_leaves_no_install(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A real npm that cannot reach its registry (a closed port) fails; we say so in a line."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node/npm not installed here")
    monkeypatch.setenv("npm_config_registry", "http://127.0.0.1:9/")
    monkeypatch.setenv("npm_config_cache", str(tmp_path / "npm-cache"))   # nothing cached
    monkeypatch.setenv("npm_config_fetch_retries", "0")
    with pytest.raises(InstallError, match=r"npm ci failed \(exit \d+\)") as info:
        install(tmp_path / "clis")
    print(info.value)
    assert not (tmp_path / "clis").exists()
    assert not list(tmp_path.glob("clis.tmp*"))
