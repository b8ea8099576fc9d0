"""The import runs in a thread worker with a progress modal, then shows its summary; failures
are modals, never tracebacks. The corpus here is a tiny one in the MLR-Bench layout, our text."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import DataTable, Input, Static, TextArea
from ui.conftest import SIZE

from mlrtui.ui.modals import ErrorScreen
from mlrtui.ui.modals.importing import (
    ImportPathScreen,
    ImportProgressScreen,
    ImportSummaryScreen,
)
from mlrtui.ui.screens.tasks import TasksScreen
from mlrtui.ui.widgets.keytable import KeyTable

MODELS = ["o4-mini-2025-04-16", "deepseek-r1"]
JUDGE = "claude-3-7-sonnet-20250219"


def write_corpus(root: Path) -> Path:
    """Two tasks, two models' ideas and proposals, one judge; one idea file is empty."""
    tasks = {"mini2025_bee_counts": "# Counting Bees\n\nA workshop on counting pollinators "
                                    "from hive cameras with small vision models.\n",
             "mini2025_loan_audits": "# Auditing Loans\n\nFairness and privacy audits of "
                                     "lending models, with attention to bias.\n"}
    (root / "tasks").mkdir(parents=True)
    for task_id, text in tasks.items():
        (root / "tasks" / f"{task_id}.md").write_text(text, encoding="utf-8")
        base = root / "agent_results" / "ideas_and_proposals" / task_id
        for stage in ("idea", "proposal"):
            (base / stage).mkdir(parents=True)
            for model in MODELS:
                body = f"# {stage} by {model}\n\nOur own words about {task_id}.\n"
                (base / stage / f"{stage}_{model}.md").write_text(body, encoding="utf-8")
            reviews = root / "agent_reviews" / f"idea_proposal_reviews_{JUDGE}" / task_id / stage
            reviews.mkdir(parents=True)
            for model in MODELS:
                review = {"Clarity": {"score": 7, "justification": "clear enough"},
                          "Overall": {"score": 7, "strengths": ["a"], "weaknesses": ["b"]}}
                (reviews / f"{stage}_{model}.json").write_text(json.dumps(review))
    (root / "agent_results" / "ideas_and_proposals" / "mini2025_bee_counts" / "idea" /
     "idea_deepseek-r1.md").write_text("")
    return root


async def wait_import(app, pilot) -> None:
    for worker in [w for w in app.workers if w.group == "import"]:
        await worker.wait()
    await pilot.pause()
    await pilot.pause()


async def test_import_from_the_palette_path_shows_progress_then_summary(app, tmp_path):
    corpus = write_corpus(tmp_path / "mlrbench")
    app.corpus_path = str(corpus)
    async with app.run_test(size=SIZE) as pilot:
        app.action_import_corpus()
        await pilot.pause()
        assert isinstance(app.screen, ImportPathScreen)
        assert app.screen.query_one(Input).value == str(corpus)
        await pilot.press("enter")
        await pilot.pause()
        assert any(isinstance(s, ImportProgressScreen) for s in app.screen_stack) or (
            isinstance(app.screen, ImportSummaryScreen))
        await wait_import(app, pilot)
        summary_screen = app.screen
        assert isinstance(summary_screen, ImportSummaryScreen)
        added = summary_screen.query_one("#summary-added", DataTable)
        counts = {str(added.get_row_at(i)[0]): str(added.get_row_at(i)[1])
                  for i in range(added.row_count)}
        assert counts["tasks"] == "2" and int(counts["versions"]) >= 7
        problems = summary_screen.query_one("#summary-problems", TextArea).text
        assert "idea_deepseek-r1.md" in problems
        await pilot.press("escape")
        assert isinstance(app.screen, TasksScreen)
        table = app.screen.query_one(KeyTable)       # reloaded after the import
        assert {"mini2025_bee_counts", "mini2025_loan_audits"} <= {r.value for r in table.rows}
        assert "5 of 5 tasks" in str(app.screen.query_one("#filter-count").render())


async def test_second_import_adds_nothing(app, tmp_path):
    corpus = write_corpus(tmp_path / "mlrbench")
    async with app.run_test(size=SIZE) as pilot:
        app.start_import(corpus)
        await wait_import(app, pilot)
        await pilot.press("escape")
        app.start_import(corpus)
        await wait_import(app, pilot)
        assert isinstance(app.screen, ImportSummaryScreen)
        assert app.screen.summary.added == 0


async def test_a_folder_that_is_not_a_corpus_gives_an_error_modal(app, tmp_path, store):
    (tmp_path / "empty").mkdir()
    async with app.run_test(size=SIZE) as pilot:
        job = app.start_import(tmp_path / "empty")
        await job.worker.wait()
        assert job.state == "failed"
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
        assert "not an MLR-Bench checkout" in app.screen.details
        await pilot.press("escape")
        assert isinstance(app.screen, TasksScreen)
        assert store.scalar("SELECT COUNT(*) FROM tasks") == 3      # nothing lost


async def test_a_missing_path_is_refused_in_the_dialog(app, tmp_path):
    async with app.run_test(size=SIZE) as pilot:
        app.action_import_corpus()
        await pilot.pause()
        field = app.screen.query_one(Input)
        field.value = str(tmp_path / "nowhere")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ImportPathScreen)
        assert field.has_class("-error")


async def test_stop_ends_the_import_between_files(app, tmp_path):
    corpus = write_corpus(tmp_path / "mlrbench")
    async with app.run_test(size=SIZE) as pilot:
        job = app.start_import(corpus)
        job.cancel()                            # as the Stop button does, before any unit
        await wait_import(app, pilot)
        assert isinstance(app.screen, ImportSummaryScreen)
        assert app.screen.summary.stopped
        assert "Import stopped" in str(app.screen.query_one(".dialog-title").render())


class Counter(Static):
    """Counts the job changes it is sent."""

    seen = 0

    def on_job_changed(self, event) -> None:
        self.seen += 1


async def test_progress_is_posted_to_watchers_throttled(app):
    from mlrtui.ui.jobs.importing import ImportJob

    async with app.run_test(size=SIZE) as pilot:
        job = app.jobs.add(ImportJob(Path("x")))
        screen = ImportProgressScreen(job)
        await app.push_screen(screen)
        counter = Counter()
        await screen.mount(counter)
        app.jobs.watch(counter)
        job.start(1000, "Importing x")
        for _ in range(1000):
            job.advance(1, "file")              # a tight loop: posts are throttled
        job.problem("a.json", "empty file")
        await pilot.pause()
        bar = screen.query_one("#import-bar")
        assert bar.total == 1000 and bar.progress == 1000
        assert 2 <= counter.seen <= 10, counter.seen
        assert "1 problem" in str(screen.query_one("#import-problems").render())
        assert "Importing x" in str(screen.query_one("#import-stage").render())
