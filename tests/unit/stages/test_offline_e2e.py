"""Offline, with the embedded model: one end-to-end run of an example task."""

from __future__ import annotations

import pytest

from mlrtui import paths
from mlrtui.config import Settings, default_models
from mlrtui.experiment.executor import list_executions
from mlrtui.experiment.workspace import list_files
from mlrtui.providers.client import LLMClient
from mlrtui.providers.local import llama_available
from mlrtui.runs import versions as V
from mlrtui.runs.pipeline import Pipeline
from mlrtui.runs.stage_runner import StageRunner
from mlrtui.store.tasks import load_task_dir


@pytest.mark.slow
async def test_embedded_model_runs_every_stage_offline(store, tmp_path) -> None:
    if llama_available():
        pytest.skip(llama_available())
    assert load_task_dir(store, paths.examples_dir(), "example")[0] >= 1
    models = default_models()
    models["local"] = models["local"].model_copy(update={"max_tokens": 48})
    settings = Settings(db=tmp_path / "x.db", models=models, experiment_timeout_s=20.0,
                        repair_rounds=1)
    client = LLMClient(store, settings)
    try:
        pipe = Pipeline(StageRunner(store, settings, client), concurrency=1)
        task_id = store.scalar("SELECT id FROM tasks ORDER BY id LIMIT 1")
        runs = pipe.runs_for([task_id], ["local"], "end-to-end")
        summary = await pipe.run(runs, list(V.STAGES), "end-to-end")
    finally:
        await client.aclose()
    assert summary.count("done") == 5, [o.error for o in summary.outcomes]
    run_id = runs[0].id
    for stage in V.STAGES:
        version = V.current(store, run_id, stage)
        assert version is not None and version.text.strip() and version.author == "local"
    execs = list_executions(store, run_id)
    assert execs and execs[0]["version_id"] == V.heads(store, run_id)["experiment"]
    assert any(f["path"] == "results.md" for f in list_files(store, run_id))
    calls = store.query("SELECT * FROM llm_calls WHERE run_id=?", [run_id])
    # idea, literature, proposal, code, maybe one repair, results, paper
    assert len(calls) in (6, 7) and all(c["status"] == "ok" for c in calls)
    assert all(c["version_id"] is not None and c["provider"] == "local" for c in calls)
