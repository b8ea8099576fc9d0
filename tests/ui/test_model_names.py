"""One model, one name: the embedded model is "smollm2-135m-instruct" as an author and in run
lists, as it is as a judge and in the ledger; the corpus's shared chain is named, not "unknown"."""

from __future__ import annotations

from ui.conftest import SIZE

from mlrtui.config import load_settings
from mlrtui.kernel.modelnames import display_model
from mlrtui.runs import versions as V
from mlrtui.ui.app import make_app
from mlrtui.ui.widgets.history import VersionHistory
from mlrtui.ui.widgets.keytable import KeyTable


def test_one_rule_for_config_keys_ids_and_the_shared_chain() -> None:
    ids = load_settings().model_ids()
    assert display_model("local", ids) == "smollm2-135m-instruct"
    assert display_model("smollm2-135m-instruct", ids) == "smollm2-135m-instruct"
    assert display_model("claude-sonnet", ids) == "claude-3-7-sonnet"
    assert display_model("o4-mini-2025-04-16", ids) == "o4-mini"
    assert display_model("unknown", ids) == "shared (corpus)"
    assert display_model("human", ids) == "human"


async def test_runs_list_and_history_call_the_local_model_by_its_id(store, seeded) -> None:
    run = V.create_run(store, "acme2025_tide_gauges", "local")
    V.write_version(store, run.id, "idea", "an idea", "local")
    app = make_app(load_settings(db=store.path), store, corpus_path="")
    async with app.run_test(size=SIZE) as pilot:
        app.go_to("runs")
        await pilot.pause()
        table = app.screen.query_one(KeyTable)
        assert table.get_row(str(run.id))[2] == "smollm2-135m-instruct"
        app.open_run(run.id)
        await pilot.pause()
        history = app.screen.query_one(VersionHistory)
        history.show(V.history(store, run.id, "idea"))
        assert history.table.get_row_at(0)[2] == "smollm2-135m-instruct"
