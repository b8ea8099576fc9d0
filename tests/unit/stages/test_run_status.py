"""Run status is derived one way (runs/status.py) from the stage heads, the stages a run was
asked for and the row's last event; an experiment whose executions all failed is failed-code."""

from __future__ import annotations

import subprocess
import sys

from stages_helpers import add_task

from mlrtui.experiment.executor import ExecResult, record_execution
from mlrtui.runs import versions as V
from mlrtui.runs.overview import task_detail
from mlrtui.runs.status import RUN_STATES, request_stages, run_status
from mlrtui.store.db import Store


def _run(store: Store, source: str = "local") -> V.Run:
    add_task(store, "toy2026_status")
    run = V.create_run(store, "toy2026_status", "local")
    if source != "local":
        store.db.execute("UPDATE runs SET source=? WHERE id=?", [source, run.id])
    return V.get_run(store, run.id)


def _status(store: Store, run: V.Run, **kw) -> str:
    return run_status(store, V.get_run(store, run.id), **kw).label


def _execution(store: Store, run: V.Run, status: str) -> int:
    return record_execution(store, run.id, ExecResult(
        "python main.py", "/ws", 1 if status != "ok" else 0, status, None, 0.1, "", "", "now"))


def test_stepwise_run_of_requested_stages_is_done_not_pending(store: Store) -> None:
    run = _run(store)
    assert _status(store, run) == "pending"
    request_stages(store, run.id, ["idea", "literature"])
    V.write_version(store, run.id, "idea", "an idea", "local")
    assert _status(store, run) == "partial 1/2"
    V.write_version(store, run.id, "literature", "a review", "local")
    assert _status(store, run) == "done"
    request_stages(store, run.id, ["proposal"])            # asked for one more stage
    assert _status(store, run) == "partial 2/3"


def test_unrecorded_local_run_asks_for_all_stages_and_corpus_run_for_what_it_has(
        store: Store) -> None:
    local = _run(store)
    V.write_version(store, local.id, "idea", "an idea", "local")
    assert _status(store, local) == "partial 1/5"
    corpus = _run(store, source="corpus")
    V.write_version(store, corpus.id, "idea", "an idea", "local")
    V.write_version(store, corpus.id, "proposal", "a proposal", "local")
    assert _status(store, corpus) == "done"


def test_running_failed_interrupted_and_stale(store: Store) -> None:
    run = _run(store)
    request_stages(store, run.id, ["idea", "literature"])
    V.write_version(store, run.id, "idea", "an idea", "local")
    V.write_version(store, run.id, "literature", "a review", "local")
    V.set_run_status(store, run.id, "running")
    assert _status(store, run) == "running"                 # the CLI takes the row's word
    assert _status(store, run, live=False) == "interrupted"  # the console knows no job runs it
    V.set_run_status(store, run.id, "cancelled", "literature: cancelled")
    assert _status(store, run) == "interrupted"
    V.set_run_status(store, run.id, "failed", "literature: timed out")
    status = run_status(store, V.get_run(store, run.id))
    assert status.state == "failed" and status.explained == "failed: literature: timed out"
    V.set_run_status(store, run.id, "done")
    V.save_human_version(store, run.id, "idea", "an edited idea")
    assert _status(store, run) == "stale"
    assert set(RUN_STATES) == {"running", "failed", "interrupted", "stale", "done", "partial",
                               "pending"}


def test_experiment_whose_executions_all_failed_is_failed_code(store: Store) -> None:
    run = _run(store)
    request_stages(store, run.id, ["experiment"])
    bad = [_execution(store, run, "failed"), _execution(store, run, "timeout")]
    V.write_version(store, run.id, "experiment", "results", "local", link_executions=bad)
    [exp] = [s for s in V.stage_states(store, run.id) if s.stage == "experiment"]
    assert exp.state == "failed-code"
    status = run_status(store, V.get_run(store, run.id))
    assert status.state == "failed" and "no successful execution" in status.reason
    good = _execution(store, run, "ok")
    V.write_version(store, run.id, "experiment", "results", "local", link_executions=[good])
    [exp] = [s for s in V.stage_states(store, run.id) if s.stage == "experiment"]
    assert exp.state == "done" and _status(store, run) == "done"


def test_task_runs_tab_and_versions_command_use_the_derived_status(store: Store,
                                                                  tmp_path) -> None:
    run = _run(store)
    request_stages(store, run.id, ["idea"])
    V.write_version(store, run.id, "idea", "an idea", "local")
    [summary] = task_detail(store, "toy2026_status").runs
    assert summary.status == "done"
    out = subprocess.run([sys.executable, "-m", "mlrtui.cli", "--db", str(store.path),
                          "versions", str(run.id)], capture_output=True, text=True,
                         timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0].endswith("stepwise, done")
