"""A run of our own writing for the Run screen's pilot and snapshot tests (no corpus text).

One task and one end-to-end run with the model "fake-openai": the idea has a model version and
a human edit of it, every later stage is built on that edit (nothing stale), and the experiment
left two executions (a failed one and a repaired one) and a few workspace files. Everything is
written through the core services, then the timestamps are pinned so snapshots are stable.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from mlrtui.config import ModelConfig, Settings, default_models
from mlrtui.experiment import workspace
from mlrtui.experiment.executor import ExecResult, record_execution
from mlrtui.kernel.tasks import parse_task_text
from mlrtui.runs import versions as V
from mlrtui.store import Store
from mlrtui.store.tasks import upsert_task
from mlrtui.ui.app import MlrtuiApp, make_app
from mlrtui.ui.screens.run import RunScreen

WHEN = "2025-06-02T09:30:00+00:00"
SIZE = (120, 36)
MODEL = "fake-openai"
TASK_ID = "runco2025_soil_sensors"
TASK = """# Cheap Soil Sensors for Small Farms

A workshop on turning low-cost soil moisture probes into decisions a small farm can trust:
calibration without a lab, detecting a drifting probe, and irrigation advice that says how
sure it is.
"""

IDEA_MODEL = """# Drift-aware irrigation advice

**Problem.** Cheap probes drift within a season and nobody notices.

**Idea.** Compare each probe with its neighbours after rain, flag drift, and widen the
irrigation advice when a probe is suspect.
"""
IDEA_HUMAN = """# Drift-aware irrigation advice

**Problem.** Cheap probes drift within a season and nobody notices until a crop suffers.

**Idea.** Compare each probe with its neighbours after every rain, flag drift, and widen the
irrigation advice when a probe is suspect.

**Test.** Three farms, one season, probes checked against a reference every month.
"""
TEXTS = {
    "literature": "# Related work\n\n- Field calibration of capacitive probes.\n"
                  "- Sensor networks that vote out faulty nodes.\n",
    "proposal": "# Proposal: drift-aware irrigation advice\n\n## Method\n1. Pair each probe "
                "with its nearest neighbours.\n2. After rain, compare the wetting curves.\n"
                "3. Flag a probe whose curve departs from its neighbours.\n\n## Evaluation\n"
                "Share of drifting probes caught before the monthly reference check.\n",
    "experiment": "# Results\n\nThe simulated drift detector caught 7 of 8 drifting probes "
                  "with one false alarm.\n\n![Detection over time](figures/detection.png)\n",
    "paper": "# Catching drifting soil probes after rain\n\nWe flag drifting probes by "
             "comparing wetting curves with neighbours.\n",
}
SCRIPT = "import random\nrandom.seed(0)\nprint('caught 7 of 8 drifting probes')\n"
FILES = {
    "experiment.py": SCRIPT.encode(),
    "results.md": TEXTS["experiment"].encode(),
    "figures/detection.png": b"\x89PNG\r\n\x1a\n" + bytes(range(64)),
    "logs/train.log": b"epoch 1 drift score 0.41\nepoch 2 drift score 0.22\n",
}


def run_settings(db: Path, base_url: str = "http://127.0.0.1:9/v1") -> Settings:
    """Settings that know the run's model; the snapshot tests never call it."""
    models = default_models()
    models[MODEL] = ModelConfig(provider="openai", model="gpt-4o", base_url=base_url,
                                api_key_env="MLRTUI_TEST_KEY", max_tokens=256)
    return Settings(db=db, models=models, default_model=MODEL)


def _result(command: str, status: str, exit_code: int, reason: str | None, stdout: str,
            stderr: str) -> ExecResult:
    return ExecResult(command=command, cwd="/work/run", exit_code=exit_code, status=status,
                      reason=reason, duration_s=1.25 if status == "ok" else 0.5,
                      stdout=stdout, stderr=stderr, started_at=WHEN)


def seed_run(store: Store, folder: Path) -> dict[str, int]:
    """Write the task and the run; `folder` becomes the run's workspace."""
    upsert_task(store, parse_task_text(f"{TASK_ID}.md", TASK), "example")
    run = V.create_run(store, TASK_ID, MODEL, "end-to-end")
    ids = {"run": run.id}
    ids["idea_model"] = V.write_version(store, run.id, "idea", IDEA_MODEL, MODEL).id
    ids["idea"] = V.save_human_version(store, run.id, "idea", IDEA_HUMAN).id
    for stage in ("literature", "proposal"):
        ids[stage] = V.write_version(store, run.id, stage, TEXTS[stage], MODEL).id
    failed = record_execution(store, run.id, _result(
        "python experiment.py", "failed", 1, "exit code 1",
        "", "Traceback (most recent call last):\nNameError: name 'np' is not defined\n"))
    ok = record_execution(store, run.id, _result(
        "python experiment.py", "ok", 0, None, "caught 7 of 8 drifting probes\n", ""))
    for rel, data in FILES.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    workspace.collect(store, run.id, folder, ok)
    ids["experiment"] = V.write_version(store, run.id, "experiment", TEXTS["experiment"], MODEL,
                                        link_executions=[failed, ok]).id
    ids["paper"] = V.write_version(store, run.id, "paper", TEXTS["paper"], MODEL).id
    V.set_run_status(store, run.id, "done", workspace=str(folder))
    ids["executions"] = ok
    with store.transaction():
        for table, column in (("versions", "created_at"), ("files", "created_at"),
                              ("runs", "created_at"), ("runs", "updated_at"),
                              ("tasks", "created_at")):
            store.db.execute(f"UPDATE {table} SET {column} = ?", [WHEN])
        store.db.execute("UPDATE executions SET started_at = ?", [WHEN])
    return ids


def edit_idea(store: Store, run_id: int) -> int:
    """A second human edit of the idea (pinned time): every later stage goes stale."""
    version = V.save_human_version(store, run_id, "idea",
                                   IDEA_HUMAN + "\n**Scope.** Start with one farm.\n")
    with store.transaction():
        store.db.execute("UPDATE versions SET created_at = ? WHERE id = ?", [WHEN, version.id])
    return version.id


# -- pilot helpers ------------------------------------------------------------------------------
def make_run_app(store: Store, settings: Settings, folder: Path) -> tuple[MlrtuiApp, dict]:
    ids = seed_run(store, folder)
    return make_app(settings, store, corpus_path=""), ids


async def open_run(app: MlrtuiApp, pilot: Pilot, run_id: int) -> RunScreen:
    app.open_run(run_id)
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, RunScreen)
    return screen


RERUN_TEXT = "# Related work, again\n\nOne two three four five six."


async def wait_until(pilot: Pilot, condition, tries: int = 250) -> None:
    """Pause until `condition()` holds (bounded polling, no fixed sleeps)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition never held")
