"""The Tasks table fits the terminal: runs and best score always whole, titles cut at a word
boundary with an ellipsis, at 80x24 and 120x36."""

from __future__ import annotations

import pytest

from mlrtui.ui.screens.tasks import TasksScreen, clip_words
from mlrtui.ui.widgets.keytable import KeyTable

LONG = ("Robust and reproducible evaluation of very long horizon planning agents under "
        "distribution shift in household robotics")


def test_clip_words_cuts_at_a_boundary() -> None:
    assert clip_words("short title", 20) == "short title"
    assert clip_words("Robust and reproducible evaluation", 20) == "Robust and…"
    assert clip_words("Supercalifragilistic", 8) == "Superca…"


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_runs_and_best_are_always_visible(store, seeded, app, size) -> None:
    store.insert("tasks", {"id": "acme2025_long_horizon_planning", "venue": "acme", "year": 2025,
                           "slug": "long_horizon_planning", "title": LONG,
                           "body": "Our own words.", "category": "Reinforcement Learning",
                           "source": "user", "content_hash": "x", "created_at": "now"})
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TasksScreen)
        table = app.screen.query_one(KeyTable)
        keys = [str(c.value) for c in table.columns]
        assert "runs" in keys and "best" in keys
        lines = [table.render_line(y).text for y in range(table.row_count + 1)]
        assert lines[0].rstrip().endswith("best")
        for row_key, line in zip(table.rows, lines[1:], strict=False):
            row = dict(zip(keys, table.get_row(row_key), strict=True))
            assert line.split()[-2:] == [row["runs"], row["best"]], line
            title, full = row["title"], app.screen.rows[row_key.value].title
            if title.endswith("…"):
                assert title[:-1] and full.startswith(title[:-1])
                assert full[len(title) - 1] == " "          # cut where a word ended
        long_row = dict(zip(keys, table.get_row("acme2025_long_horizon_planning"), strict=True))
        assert long_row["title"].endswith("…") and len(long_row["title"]) < len(LONG)
