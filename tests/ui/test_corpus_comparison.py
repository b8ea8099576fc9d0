"""On the real imported corpus (skipped without it): the table shows every task and a task's
ideas comparison shows the six models, each judged by both judges."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_db import imported_corpus_db
from ui.conftest import SIZE

from mlrtui.config import load_settings
from mlrtui.store import open_store
from mlrtui.ui.app import make_app
from mlrtui.ui.screens.task import TaskScreen
from mlrtui.ui.widgets.comparison import OutputColumn
from mlrtui.ui.widgets.keytable import KeyTable

SIX = {"claude-3-7-sonnet", "deepseek-r1", "gemini-2.5-pro-preview", "ministral-8b",
       "o4-mini", "qwen3-235b-a22b"}


@pytest.fixture
def corpus_store(tmp_path_factory: pytest.TempPathFactory, corpus: Path):
    store = open_store(imported_corpus_db(tmp_path_factory, corpus))
    yield store
    store.close()


@pytest.mark.corpus
async def test_real_corpus_table_and_six_model_comparison(corpus_store):
    app = make_app(load_settings(db=corpus_store.path), corpus_store, corpus_path="")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one(KeyTable)
        assert table.row_count == 201
        await pilot.press("slash", *"bi_align")
        assert [r.value for r in table.rows] == ["iclr2025_bi_align"]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TaskScreen)
        for stage in ("idea", "proposal"):
            outputs = [c.output for c in app.screen.query(OutputColumn)]
            assert {o.model for o in outputs} == SIX, stage
            for out in outputs:
                judges = [j for j in out.judges if not j.variant]
                assert len(judges) == 2 and all(j.overall is not None for j in judges)
                assert out.text.strip()
            await pilot.press("t")
            await pilot.pause()
