"""The Run screen with a Slurm run: the head names the executor, and a queued or running job
shows on the experiment chip and in the executions list before its execution is recorded."""

from __future__ import annotations

from pathlib import Path

from ui.seed_run import make_run_app, open_run, run_settings, wait_until

from mlrtui.runs import versions as V
from mlrtui.ui.jobs.stage import StageJob
from mlrtui.ui.widgets.keytable import KeyTable

SIZE = (120, 36)


async def test_queued_then_running_job_shows_on_the_chip_and_in_the_list(store,
                                                                        tmp_path: Path) -> None:
    app, ids = make_run_app(store, run_settings(store.path), tmp_path / "ws")
    run_id = ids["run"]
    V.set_run_executor(store, run_id, "slurm")
    async with app.run_test(size=SIZE) as pilot:
        job = app.jobs.add(StageJob(run_id, ["experiment"]))     # at rest: fed by hand
        job.stage_started(run_id, "experiment")
        job.stage_job_state(run_id, "4242", "PENDING")
        screen = await open_run(app, pilot, run_id)
        assert " on slurm · " in str(screen.query_one("#run-head").render())
        chip = screen.query_one("#chip-experiment")
        assert "job 4242 PENDING" in chip.tooltip and "-running" in chip.classes
        table = screen.query_one("#exec-table", KeyTable)
        keys = [row.value for row in table.rows]
        assert keys[-1] == "job-4242"
        assert table.get_row("job-4242")[1] == "pending"
        job.stage_job_state(run_id, "4242", "RUNNING")          # the pane relays the change
        await wait_until(pilot, lambda: "job 4242 RUNNING" in chip.tooltip)
        assert table.get_row("job-4242")[1] == "running"


async def test_head_says_the_config_decides_when_the_run_does_not(store, tmp_path: Path) -> None:
    app, ids = make_run_app(store, run_settings(store.path), tmp_path / "ws")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_run(app, pilot, ids["run"])
        assert " on local (config) · " in str(screen.query_one("#run-head").render())
