"""Snapshot of the provenance view on the seeded run of tests/provenance_seed.py (our own text):
the paper with its numbers coloured, the untraced number selected with its decoy beside it."""

from __future__ import annotations

from provenance_seed import seed_run
from snapshots.conftest import SIZE, steady
from textual.pilot import Pilot

from mlrtui.config import load_settings
from mlrtui.services.provenance import check_run
from mlrtui.ui.app import make_app
from mlrtui.ui.screens.provenance import ProvenanceScreen

SHOTS = {"test_provenance_view": "provenance"}


def test_provenance_view(snap_compare, store):
    rid = seed_run(store)
    check_run(store, rid)
    app = make_app(load_settings(db=store.path), store, corpus_path="")

    async def run_before(pilot: Pilot) -> None:
        pilot.app.push_screen(ProvenanceScreen(rid))
        await pilot.pause()
        await pilot.press("u")
        await pilot.app.workers.wait_for_complete()
        pilot.app.clear_notifications()
        await steady(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
