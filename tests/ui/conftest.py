"""Fixtures for pilot tests: the demo data (or the judging seed on top of it) in the real
temp-file store, and the app factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.pilot import Pilot
from ui.seed import seed_demo
from ui.seed_judge import seed_judging
from ui.seed_run import RERUN_TEXT, make_run_app, open_run

from mlrtui.config import load_settings
from mlrtui.store import Store
from mlrtui.ui.app import MlrtuiApp, make_app
from mlrtui.ui.screens.run import RunScreen

SIZE = (120, 36)


@pytest.fixture
def seeded(store: Store) -> dict[str, int]:
    return seed_demo(store)


@pytest.fixture
def app(store: Store, seeded: dict[str, int]) -> MlrtuiApp:
    return make_app(load_settings(db=store.path), store, corpus_path="")


@pytest.fixture
def ids(store: Store) -> dict[str, int]:
    """The judging seed (runs, reviews, flags, human scores); its ids by name."""
    return seed_judging(store)


@pytest.fixture
def judge_app(store: Store, ids: dict[str, int]) -> MlrtuiApp:
    return make_app(load_settings(db=store.path), store, corpus_path="")


@dataclass
class Rerun:
    app: MlrtuiApp
    pilot: Pilot
    screen: RunScreen
    ids: dict[str, int]


@pytest.fixture
async def literature_rerun(store: Store, llm_settings, loopback,
                           tmp_path: Path) -> AsyncIterator[Rerun]:
    """The seeded run (ui/seed_run.py) on its Run screen, its literature stage just re-run
    against the loopback server (reply RERUN_TEXT); the app runs until the test ends."""
    app, ids = make_run_app(store, llm_settings, tmp_path / "ws")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_run(app, pilot, ids["run"])
        await pilot.press("l")
        loopback.script(RERUN_TEXT)
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        yield Rerun(app, pilot, screen, ids)
