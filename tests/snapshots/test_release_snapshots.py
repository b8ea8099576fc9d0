"""Snapshots of what the release import gives a reviewer, on a miniature release of our own
words (tests/unit/importer/minirelease.py): an imported judge's flag opened on the paper text
extracted from a PDF with its evidence selected, the closest passage of a loosely quoted flag
marked approximate, and the judges-vs-humans hallucination tab."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from snapshots.conftest import SIZE, in_mode, loaded
from textual.pilot import Pilot

sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "importer"))

from minirelease import build_release

from mlrtui.config import load_settings
from mlrtui.importer import import_corpus
from mlrtui.judge.flags import list_flags
from mlrtui.store import Store
from mlrtui.ui.app import MlrtuiApp, make_app
from mlrtui.ui.screens.flags import FlagEvidenceScreen

SHOTS = {
    "test_imported_flag_evidence": "flag-evidence-imported",
    "test_imported_flag_approximate": "flag-evidence-approximate",
    "test_stats_hallucination": "stats-hallucination",
}


@pytest.fixture
def release_app(store: Store, tmp_path: Path) -> MlrtuiApp:
    import_corpus(store, build_release(tmp_path / "release"))
    return make_app(load_settings(db=store.path), store, corpus_path="/data/mlrbench")


def _open_flag(kind: str, agent: str):
    async def run(pilot: Pilot) -> None:
        store = pilot.app.store
        flag = next(f for f in list_flags(store) if f.type == kind and store.scalar(
            "SELECT agent FROM runs WHERE id = ?", [f.run_id]) == agent)
        await pilot.app.push_screen(FlagEvidenceScreen(flag.id))
        await loaded(pilot)
    return run


def test_imported_flag_evidence(snap_compare, release_app):
    """A judge's faked-results finding on an AI-Scientist-v2 paper: the quote selected."""
    assert snap_compare(release_app, terminal_size=SIZE,
                        run_before=_open_flag("faked_results", "ai-scientist-v2"))


def test_imported_flag_approximate(snap_compare, release_app):
    """A quote that is not verbatim in the paper: the closest passage, marked approximate."""
    assert snap_compare(release_app, terminal_size=SIZE,
                        run_before=_open_flag("hallucinated_methodology", "claude-code"))


def test_stats_hallucination(snap_compare, release_app):
    assert snap_compare(release_app, terminal_size=SIZE, run_before=in_mode("stats", "5"))
