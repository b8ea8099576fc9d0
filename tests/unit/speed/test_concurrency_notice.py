"""A model's own concurrency cap that binds a batch is said once, naming the setting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mlrtui.providers.ratelimit import BindingCap, binding_caps
from mlrtui.store import open_store

ROOT = Path(__file__).resolve().parents[3]


def test_binding_caps() -> None:
    assert binding_caps(16, {"a": 4, "b": 16, "c": 32}) == [BindingCap("a", 4, 16)]
    assert binding_caps(1, {"a": 4}) == []
    line = BindingCap("a", 4, 16).message("/x/config.toml")
    assert "`[models.a] concurrency = 16`" in line and "/x/config.toml" in line


def _batch(tmp_path: Path, loopback, cap: int) -> subprocess.CompletedProcess:
    db = tmp_path / f"cap{cap}.db"
    store = open_store(db)
    for i in range(6):
        store.insert("tasks", {"id": f"toy2026_t{i}", "venue": "toy", "year": 2026,
                               "slug": f"t{i}", "title": f"Toy {i}", "body": "A toy call.",
                               "category": "Others", "source": "user", "content_hash": str(i),
                               "created_at": "now"})
    store.close()
    cfg = tmp_path / f"config{cap}.toml"
    cfg.write_text(f'[models.toy]\nprovider = "openai"\nmodel = "gpt-4o"\n'
                   f'base_url = "{loopback.openai_base_url}"\napi_key_env = "MLRTUI_TEST_KEY"\n'
                   f"max_tokens = 64\nconcurrency = {cap}\n", encoding="utf-8")
    env = {**os.environ, "MLRTUI_CONFIG": str(cfg), "MLRTUI_TEST_KEY": "k",
           "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "mlrtui.cli", "--db", str(db), "run",
                           "--task", "toy*", "--model", "toy", "--stages", "idea",
                           "--concurrency", "16", "--quiet"],
                          env=env, capture_output=True, text=True, timeout=120, check=False)


def test_cli_says_which_setting_lifts_a_binding_cap(tmp_path: Path, loopback) -> None:
    capped = _batch(tmp_path, loopback, 2)
    assert capped.returncode == 0, capped.stderr
    lines = capped.stderr.strip().splitlines()
    # 6 runs can have 6 calls in flight (not 16): that is what the cap is compared with
    assert lines == [(f"mlrtui: model toy runs at most 2 calls at once, not 6: set "
                     f"`[models.toy] concurrency = 6` in {tmp_path / 'config2.toml'} to lift it")]
    free = _batch(tmp_path, loopback, 16)
    assert free.returncode == 0 and free.stderr.strip() == ""
