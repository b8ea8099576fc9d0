"""Snapshot fixtures: the seeded demo app (and the pilot tests' judging-seed app) at a fixed
size, with no blinking cursors; and the copy of every accepted snapshot into screenshots/ under
a readable name."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea
from ui.conftest import ids, judge_app  # noqa: F401 - the judging seed, as the pilot tests have it
from ui.seed import seed_demo

from mlrtui.config import load_settings
from mlrtui.store import Store
from mlrtui.ui.app import MlrtuiApp, make_app

SIZE = (120, 36)
HERE = Path(__file__).parent
SCREENSHOTS = HERE.parents[1] / "screenshots"

def all_shots() -> list[tuple[Path, str]]:
    """(accepted snapshot SVG, screenshot name) for every snapshot module of this folder."""
    import importlib.util

    out: list[tuple[Path, str]] = []
    for module_path in sorted(HERE.glob("test_*_snapshots.py")):
        spec = importlib.util.spec_from_file_location(f"_shots_{module_path.stem}", module_path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        shots = getattr(module, "SHOTS", {})
        folder = HERE / "__snapshots__" / module_path.stem
        out += [(folder / f"{test}.svg", name) for test, name in shots.items()]
    return out


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """After syrupy wrote the accepted snapshots (--snapshot-update), copy them."""
    if not session.config.getoption("--snapshot-update", default=False):
        return
    SCREENSHOTS.mkdir(exist_ok=True)
    for accepted, name in all_shots():
        if accepted.exists():
            shutil.copyfile(accepted, SCREENSHOTS / f"{name}.svg")


@pytest.fixture
def demo_app(store: Store) -> MlrtuiApp:
    seed_demo(store)
    return make_app(load_settings(db=store.path), store, corpus_path="/data/mlrbench")


async def steady(pilot: Pilot) -> None:
    """Let the screen settle, then stop cursors blinking so every run draws the same frame."""
    await pilot.pause()
    for widget in pilot.app.screen.query("Input, TextArea"):
        assert isinstance(widget, Input | TextArea)
        widget.cursor_blink = False
    await pilot.pause()


async def loaded(pilot: Pilot) -> None:
    """Wait for the screen's thread workers (Stats and the Costs ledger load in them), then
    settle the frame."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await steady(pilot)


def in_mode(mode: str, *pressed: str):
    """A run_before that opens a mode, loads it, presses keys and loads again."""
    async def run(pilot: Pilot) -> None:
        pilot.app.go_to(mode)
        await loaded(pilot)
        await pilot.press(*pressed)
        await loaded(pilot)
    return run
