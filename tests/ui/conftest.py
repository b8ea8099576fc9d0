"""Fixtures for pilot tests: the demo data (or the judging seed on top of it) in the real
temp-file store, and the app factory."""

from __future__ import annotations

import pytest
from ui.seed import seed_demo
from ui.seed_judge import seed_judging

from mlrtui.config import load_settings
from mlrtui.store import Store
from mlrtui.ui.app import MlrtuiApp, make_app

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
