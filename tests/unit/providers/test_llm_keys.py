"""API keys never reach a file the program writes, even when a server echoes them back."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from llm_helpers import FAST, ask
from loopback import Fault

from mlrtui.cli import main
from mlrtui.config import ModelConfig, Settings, default_models
from mlrtui.providers.client import CallContext, CallFailed, LLMClient
from mlrtui.store import open_store

MARKERS = {
    "OPENAI_API_KEY": "mk-MARKER-openai-5f1c9a",
    "ANTHROPIC_API_KEY": "mk-ant-MARKER-anthropic-77b2",
    "MLRTUI_TEST_KEY": "MARKER-test-key-0d3e",
}


def written_files(*roots: Path) -> list[Path]:
    return [p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()]


async def test_marker_keys_appear_in_no_written_file(loopback, tmp_path, monkeypatch, capsys):
    for name, value in MARKERS.items():
        monkeypatch.setenv(name, value)
    models = default_models()
    for name, (provider, env) in {
            "m-openai": ("openai", "OPENAI_API_KEY"),
            "m-anthropic": ("anthropic", "ANTHROPIC_API_KEY"),
            "m-test": ("openai", "MLRTUI_TEST_KEY")}.items():
        base = loopback.openai_base_url if provider == "openai" else loopback.base_url
        models[name] = ModelConfig(provider=provider, base_url=base, api_key_env=env, cache=True,
                                   model="gpt-4o" if provider == "openai" else "claude-sonnet-4-6",
                                   timeout_s=1.0, max_attempts=3)
    db_path = tmp_path / "keys.db"
    store = open_store(db_path)
    client = LLMClient(store, Settings(db=db_path, models=models), retry=FAST)
    for name in ("m-openai", "m-anthropic", "m-test"):
        loopback.script(Fault("malformed"), Fault("429"))
        await client.complete(name, ask(f"to {name}", stream=True), CallContext("test"),
                              on_text=lambda piece: None)
        await client.complete(name, ask(f"to {name}", stream=True), CallContext("test"))  # cached
        loopback.script(Fault("401"))                # the server echoes the key it got
        with pytest.raises(CallFailed) as info:
            await client.complete(name, ask(f"bad key {name}"), CallContext("test"))
        assert "[redacted]" in str(info.value)
    await client.aclose()
    assert main(["--db", str(db_path), "costs", "--json", "--failures"]) == 0
    assert main(["--db", str(db_path), "models"]) == 0
    printed = capsys.readouterr()

    sent = {r.api_key for r in loopback.requests}
    assert set(MARKERS.values()) <= sent              # the keys really were used
    files = written_files(tmp_path, Path(os.environ["MLRTUI_DATA_DIR"]),
                          Path(os.environ["MLRTUI_CONFIG_DIR"]))
    assert db_path in files and Path(f"{db_path}-wal") in files   # checked while still open
    for marker in MARKERS.values():
        for path in files:
            assert marker.encode() not in path.read_bytes(), f"{marker} found in {path}"
        assert marker not in printed.out + printed.err
    store.close()
    for marker in MARKERS.values():
        assert marker.encode() not in db_path.read_bytes()
