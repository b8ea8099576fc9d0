"""A key used for a real test call appears nowhere: not on screen, not in the DB."""

from __future__ import annotations

from pathlib import Path

import pytest
from loopback import Fault

from mlrtui.config import ModelConfig, Settings, default_models
from mlrtui.store import open_store
from mlrtui.ui.app import make_app
from mlrtui.ui.screens.models import ModelTable

MARKER = "mk-MARKER-models-screen-3c9e71"


async def test_marker_key_is_in_no_screenshot_and_no_database(loopback, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("OPENAI_API_KEY", MARKER)
    models = default_models()
    models["marked"] = ModelConfig(provider="openai", model="gpt-4o",
                                   base_url=loopback.openai_base_url,
                                   api_key_env="OPENAI_API_KEY", timeout_s=2.0, max_attempts=2)
    db = tmp_path / "keys.db"
    store = open_store(db)
    loopback.script(Fault("401"))                 # the loopback echoes the key it was sent
    app = make_app(Settings(db=db, models=models), store, corpus_path="")
    shots = []
    async with app.run_test(size=(120, 36)) as pilot:
        app.go_to("models")
        await pilot.pause()
        table = app.screen.query_one(ModelTable)
        for attempt in range(2):                  # a failed call, then a good one
            assert table.move_to_key("marked")
            await pilot.pause()
            await pilot.press("t")
            await app.workers.wait_for_complete()
            await pilot.pause()
            shots.append(app.export_screenshot())
        app.save_screenshot("models.svg", str(tmp_path))
        table.move_to_key("gpt-4o")               # a default model using the same variable
        await pilot.pause()
        shots.append(app.export_screenshot())
    assert [r.api_key for r in loopback.requests] == [MARKER, MARKER]   # really used
    assert "OPENAI_API_KEY" in shots[-1]          # the variable is named, its value is not
    for svg in [*shots, (tmp_path / "models.svg").read_text(encoding="utf-8")]:
        assert MARKER not in svg
    assert store.scalar("SELECT COUNT(*) FROM llm_calls") == 2
    assert "[redacted]" in store.scalar("SELECT error FROM llm_calls WHERE status = 'error'")
    for path in (db, Path(f"{db}-wal")):
        assert path.exists() and MARKER.encode() not in path.read_bytes()
    store.close()
    assert MARKER.encode() not in db.read_bytes()
