"""A run whose process is killed elsewhere turns "interrupted" on the Runs screen's next load,
without restarting the console (the screen reaps rows of dead owners before listing)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import DataTable
from ui.conftest import SIZE

from mlrtui.config import load_settings
from mlrtui.runs import versions as V
from mlrtui.store import Store
from mlrtui.ui.app import make_app
from mlrtui.ui.screens.runs import RunsScreen

ROOT = Path(__file__).resolve().parents[2]
# Another process: opens the store, marks the run running (its owner token is stamped by the
# store's trigger), says so, then waits to be killed.
OWNER = """
import sys, time
from mlrtui.store import open_store
from mlrtui.runs.versions import set_run_status
store = open_store(sys.argv[1])
set_run_status(store, int(sys.argv[2]), "running")
print("running", flush=True)
time.sleep(600)
"""


def status_cell(screen: RunsScreen, run_id: int) -> str:
    table = screen.query_one(DataTable)
    return str(table.get_row(str(run_id))[6])


@pytest.fixture
def owned(store: Store, seeded) -> tuple[int, subprocess.Popen]:
    """A run marked running by another, live process; killed at teardown if still alive."""
    run = V.create_run(store, "acme2025_tide_gauges", "o4-mini")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    owner = subprocess.Popen([sys.executable, "-c", OWNER, str(store.path), str(run.id)],
                             stdout=subprocess.PIPE, text=True, env=env)
    assert owner.stdout.readline().strip() == "running"
    yield run.id, owner
    if owner.poll() is None:
        owner.kill()
    owner.wait()


async def test_killed_owner_shows_interrupted_after_refresh(store: Store, owned) -> None:
    run_id, owner = owned
    app = make_app(load_settings(db=store.path), store, corpus_path="")
    async with app.run_test(size=SIZE) as pilot:
        app.go_to("runs")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RunsScreen)
        assert status_cell(screen, run_id) == "running"      # its owner is alive
        owner.send_signal(signal.SIGKILL)
        owner.wait(timeout=10)
        screen.refresh_data()
        await pilot.pause()
        assert status_cell(screen, run_id) == "interrupted"
    row = V.get_run(store, run_id)
    assert row.status == "interrupted" and "interrupted" in (row.error or "")
