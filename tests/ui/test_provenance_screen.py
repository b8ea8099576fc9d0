"""Pilot tests of the provenance view: opened from the Run screen by `p`, checked in a worker,
numbers coloured by verdict, evidence one key away, flags in the Flags queue (our own seed)."""

from __future__ import annotations

from provenance_seed import seed_run
from textual.widgets import Static
from ui.conftest import SIZE

from mlrtui.config import load_settings
from mlrtui.judge.flags import FlagFilter, list_flags
from mlrtui.ui.app import make_app
from mlrtui.ui.screens.flags import FlagsScreen
from mlrtui.ui.screens.provenance import EvidenceScreen, ProvenanceScreen
from mlrtui.ui.widgets.flagviews import FlagTable
from mlrtui.ui.widgets.provenance import STYLES, ProvenanceDoc, render


def test_render_colours_each_claim_once():
    claims = [{"line": 1, "value": "0.5", "status": "traced"},
              {"line": 1, "value": "0.5", "status": "untraced"}]
    text = render("a 0.5 and 0.5 again", claims, selected=1)
    styles = [(s.start, s.end, str(s.style)) for s in text.spans if "bold" in str(s.style)]
    assert styles == [(9, 12, STYLES["traced"]), (17, 20, STYLES["untraced"] + " reverse")]


async def test_open_from_run_check_and_show_evidence(store):
    rid = seed_run(store)
    app = make_app(load_settings(db=store.path), store, corpus_path="")
    async with app.run_test(size=SIZE) as pilot:
        app.open_run(rid)
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ProvenanceScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        head = str(app.screen.query_one("#prov-head", Static).render())
        assert "8 numbers" in head and "1 contradicted" in head
        doc = app.screen.query_one(ProvenanceDoc)
        assert doc.border_title == "results/paper.md"
        assert doc.current["value"] == "0.873" and doc.current["status"] == "traced"
        await pilot.press("u")                     # the next problem: the untraced 0.6379
        assert (doc.current["value"], doc.current["status"]) == ("0.6379", "untraced")
        side = str(app.screen.query_one("#prov-detail", Static).render())
        assert "results/expected.txt" in side and "decoys" in side
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        await pilot.press("escape", "d")           # the results write-up
        await pilot.pause()
        assert doc.border_title == "results/results.md"
        await pilot.press("u")
        assert doc.current["status"] == "contradicted"
        assert doc.current["contradicting"]["name"] == "exec:1"
        flags = list_flags(store, FlagFilter(run_id=rid, source="provenance"))
        assert len(flags) == 2
        app.go_to("flags")
        await pilot.pause()
        assert isinstance(app.screen, FlagsScreen)
        keys = {int(row.value) for row in app.screen.query_one(FlagTable).rows}
        assert {f.id for f in flags} <= keys
