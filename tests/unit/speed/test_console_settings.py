"""The console's settings: validated before it starts when the config changed, else recorded
values first and the whole settings after the first frame (no pydantic before the table)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlrtui import paths
from mlrtui.kernel.errors import Fatal
from mlrtui.services.session import CHECKED_FILE, Context, DeferredSettings

CONFIG = """
theme = "nord"
keymap = { "tasks.search" = "ctrl+f" }
[models.house]
provider = "openai"
model = "gpt-4o"
api_key_env = "HOUSE_KEY_FOR_TEST"
"""


def _config(text: str) -> Path:
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_first_start_validates_and_records_then_defers(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch):
    _config(CONFIG)
    db = tmp_path / "x.db"
    first = Context(db, console=True).console_settings()
    assert not isinstance(first, DeferredSettings)       # validated up front, then recorded
    assert (paths.data_dir() / CHECKED_FILE).is_file()
    ctx = Context(db, console=True)
    second = ctx.console_settings()
    assert isinstance(second, DeferredSettings)
    assert (second.db, second.theme, second.keymap) == (db, "nord", {"tasks.search": "ctrl+f"})
    assert ctx.store.path == db                           # opened without loading settings
    monkeypatch.setenv("HOUSE_KEY_FOR_TEST", "sk-house-secret-value")
    assert ctx.secrets() == ["sk-house-secret-value"]     # the config's key variable, recorded
    assert ctx._settings is None
    assert second.load().all_models()["house"].model == "gpt-4o"
    ctx.close()


def test_a_changed_or_broken_config_is_validated_before_the_console(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch):
    _config(CONFIG)
    Context(tmp_path / "x.db", console=True).console_settings()
    _config(CONFIG.replace('theme = "nord"', 'theme = "gruvbox"'))
    changed = Context(tmp_path / "x.db", console=True).console_settings()
    assert not isinstance(changed, DeferredSettings) and changed.theme == "gruvbox"
    monkeypatch.setenv("MLRTUI_CONCURRENCY", "8")         # the environment counts too
    assert not isinstance(Context(tmp_path / "x.db").console_settings(), DeferredSettings)
    _config(CONFIG + "concurrency = 'many'\n")            # models.house.concurrency: not an int
    with pytest.raises(Fatal, match="concurrency"):
        Context(tmp_path / "x.db", console=True).console_settings()
    other_db = Context(tmp_path / "y.db", console=True)   # --db is part of the fingerprint
    with pytest.raises(Fatal):
        other_db.console_settings()


def test_the_console_path_imports_no_pydantic(tmp_path: Path):
    """What runs before the first frame: the CLI, the App and the Tasks screen's modules, the
    recorded settings and the store."""
    db = tmp_path / "x.db"
    Context(db, console=True).console_settings()          # the first start records
    code = ("import sys; from pathlib import Path\n"
            "import mlrtui.cli, mlrtui.ui.app\n"
            "from mlrtui.services.session import Context\n"
            f"ctx = Context(Path({str(db)!r}), console=True)\n"
            "ctx.console_settings(); ctx.store; ctx.secrets()\n"
            "print(sorted(m for m in sys.modules if m.startswith('pydantic'))[:3])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ}, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
