"""The import summary dialog shows every label and count whole and its Close button on screen,
with as many kinds as the real corpus reports."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.widgets import Button, DataTable

from mlrtui.importer import ImportSummary
from mlrtui.ui.modals.importing import ImportSummaryScreen

SEEN = {"tasks": 100, "stepwise ideas": 600, "stepwise related work": 100,
        "stepwise proposals": 600, "stepwise reviews": 3600, "end-to-end runs": 20,
        "end-to-end files": 3120, "token usage records": 80, "agent log lines": 15000,
        "idea reviews": 1800, "proposal reviews": 1800, "writeup reviews": 1200,
        "human score rows": 1056}


def _plain(value: object) -> str:
    return value.plain if isinstance(value, Text) else str(value)


@pytest.mark.parametrize("size", [(120, 36)])
async def test_every_label_and_count_is_whole_and_close_is_visible(app, size) -> None:
    summary = ImportSummary(elapsed_s=61.0, seen=dict(SEEN),
                            problems=[(f"agent_results/x/file{i}.md", "empty file")
                                      for i in range(12)])
    summary.counts.update(tasks=100, runs=700, versions=2500, version_inputs=3000,
                          stage_heads=2500, files=3120, executions=20, llm_calls=80,
                          reviews=8400, review_scores=50000, flags=900, human_scores=1056)
    async with app.run_test(size=size) as pilot:
        await app.push_screen(ImportSummaryScreen(summary))
        await pilot.pause()
        screen = app.screen
        for table_id, expected in (("#summary-found", SEEN),
                                   ("#summary-added", {k: n for k, n in summary.counts.items()
                                                       if n})):
            table = screen.query_one(table_id, DataTable)
            assert table.row_count == len(expected)             # zero rows are left out
            assert table.size.height >= table.row_count + 1      # every count on screen
            lines = [table.render_line(y).text for y in range(table.row_count + 1)]
            for kind, n in expected.items():
                assert any(kind.replace("_", " ") in line and f"{n:,}" in line
                           for line in lines), (kind, lines)
        close = screen.query_one("#close", Button)
        region, dialog = close.region, screen.query_one(".dialog").region
        assert region.height == 3 and dialog.contains_region(region)
        assert region.bottom <= size[1]
