"""A 50 MB task and a 50 MB stage version open at once, clipped with a notice, and the console
keeps answering escape and ctrl+q (the render happens in a thread worker, the rest is cut)."""

from __future__ import annotations

import time

import pytest
from textual.widgets import TextArea
from ui.conftest import SIZE

from mlrtui.config import load_settings
from mlrtui.kernel.tasks import parse_task_text
from mlrtui.runs import versions as V
from mlrtui.store import Store, open_store
from mlrtui.store.tasks import get_task, list_tasks, task_title, upsert_task
from mlrtui.ui.app import make_app
from mlrtui.ui.screens.run import RunScreen
from mlrtui.ui.screens.task import TaskScreen
from mlrtui.ui.screens.viewer import ViewerScreen
from mlrtui.ui.widgets.docview import DocView
from mlrtui.ui.widgets.editor import StageEditor
from mlrtui.ui.widgets.mdlog import MarkdownLog

BIG = 50_000_000
OPEN_S = 5.0        # a freeze guard, not a speed goal (rendering all 50 MB on the loop froze the console)
TASK_ID = "huge2025_long_call"
SMALL_ID = "tiny2025_short_call"
PARAGRAPH = ("## A section of the long call\n\nGauges, *forecasts* and `code` in one "
             "paragraph that repeats until the document is fifty megabytes long.\n\n")


def big_text(size: int = BIG) -> str:
    return (PARAGRAPH * (size // len(PARAGRAPH) + 1))[:size]


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> dict:
    path = tmp_path_factory.mktemp("big") / "big.db"
    store = open_store(path)
    text = big_text()
    upsert_task(store, parse_task_text(f"{TASK_ID}.md", "# The Long Call\n\n" + text), "user")
    run = V.create_run(store, TASK_ID, "o4-mini")
    version = V.write_version(store, run.id, "idea", text, "o4-mini")
    upsert_task(store, parse_task_text(f"{SMALL_ID}.md", "# The Short Call\n\n" + PARAGRAPH),
                "user")
    small = V.create_run(store, SMALL_ID, "o4-mini")
    V.write_version(store, small.id, "idea", PARAGRAPH, "o4-mini")
    store.close()
    return {"path": path, "run": run.id, "version": version.id}


@pytest.fixture
def big_store(big_db: dict) -> Store:
    store = open_store(big_db["path"])
    yield store
    store.close()


@pytest.fixture
def big_app(big_store: Store):
    return make_app(load_settings(db=big_store.path), big_store, corpus_path="")


async def settle(pilot) -> None:
    """Process pending messages without `pause()`'s wait for an idle CPU: a render thread
    keeps the CPU busy, and that wait (up to 1 s) would count as the screen's time."""
    for _ in range(3):
        await pilot.pause(0.01)


async def open_timed(pilot, app, task_id: str) -> float:
    start = time.perf_counter()
    app.open_task(task_id)
    await settle(pilot)
    assert isinstance(app.screen, TaskScreen) and app.screen.task_id == task_id
    return time.perf_counter() - start


async def wait_rendered(pilot, log: MarkdownLog, limit: float = 30.0) -> float:
    """Let the thread worker finish (the loop keeps running meanwhile); seconds taken."""
    start = time.perf_counter()
    while log.rendering and time.perf_counter() - start < limit:
        await pilot.pause(0.05)
    return time.perf_counter() - start


def rendered_text(log: MarkdownLog) -> str:
    return "\n".join(strip.text for strip in log.lines)


def test_lists_and_titles_do_not_pull_bodies(big_store: Store) -> None:
    rows = list_tasks(big_store)
    assert [r.id for r in rows] == [TASK_ID, SMALL_ID] and rows[0].body == ""
    assert task_title(big_store, TASK_ID) == "The Long Call"
    assert task_title(big_store, "nope") is None
    assert len(get_task(big_store, TASK_ID).body) > BIG      # the one place that reads it


async def test_big_task_opens_clipped_escape_returns(big_app) -> None:
    async with big_app.run_test(size=SIZE) as pilot:
        small = await open_timed(pilot, big_app, SMALL_ID)   # the box's pace, for reference
        await pilot.press("escape")
        opened = await open_timed(pilot, big_app, TASK_ID)
        # a freeze guard (rendering all 50 MB on the loop froze the console), not a speed goal
        assert opened < small + 4.0, f"the task screen took {opened:.2f}s ({small:.2f}s small)"
        call = big_app.screen.query_one("#call", MarkdownLog)
        assert call.notice.startswith("showing 200 KB of 50 MB — press m for more")
        assert call.clip.clipped and len(call.clip.text) <= 200_000
        await pilot.press("1")
        await wait_rendered(pilot, call)
        assert "showing 200 KB of 50 MB" in rendered_text(call)
        assert "A section of the long call" in rendered_text(call)
        lines = len(call.lines)
        call.focus()
        await pilot.press("m")
        assert call.notice.startswith("showing 400 KB of 50 MB")
        await wait_rendered(pilot, call)
        assert len(call.lines) > lines
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(big_app.screen, TaskScreen)


async def test_big_version_viewer_answers_escape_while_rendering(big_app, big_db) -> None:
    async with big_app.run_test(size=SIZE) as pilot:
        start = time.perf_counter()
        big_app.open_version(big_db["version"])
        await settle(pilot)
        viewer = big_app.screen
        assert isinstance(viewer, ViewerScreen)
        assert time.perf_counter() - start < OPEN_S
        log = viewer.query_one("#viewer-rendered", MarkdownLog)
        for _ in range(500):                 # its first render starts once its width is known
            if log._width is not None:
                break
            await pilot.pause(0.01)
        assert log.rendering, "a 200 KB render belongs in a thread worker"
        assert "showing 200 KB of 50 MB" in log.notice
        await pilot.press("r")
        raw = viewer.query_one("#viewer-raw", TextArea)
        assert raw.text.startswith("## A section") and len(raw.text) <= 200_000
        await pilot.press("r")
        start = time.perf_counter()
        await pilot.press("escape")          # answered while the worker may still render
        await settle(pilot)
        assert not isinstance(big_app.screen, ViewerScreen)
        assert time.perf_counter() - start < 3.0     # answered, not after the render


async def test_ctrl_q_quits_with_a_big_document_open(big_app) -> None:
    async with big_app.run_test(size=SIZE) as pilot:
        big_app.open_task(TASK_ID)
        await pilot.pause()
        assert big_app.return_code is None
        start = time.perf_counter()
        await pilot.press("ctrl+q")
        assert big_app.return_code == 0, "ctrl+q did not reach the app"
        assert time.perf_counter() - start < 3.0


async def test_big_version_on_run_screen_is_clipped_and_not_edited_inline(big_app,
                                                                         big_db) -> None:
    async with big_app.run_test(size=SIZE) as pilot:
        start = time.perf_counter()
        big_app.open_run(big_db["run"])
        await settle(pilot)
        assert isinstance(big_app.screen, RunScreen)
        assert time.perf_counter() - start < OPEN_S
        assert big_app.screen.stage == "literature"     # the first stage not done
        start = time.perf_counter()
        await pilot.press("h")                          # the 50 MB idea
        await settle(pilot)
        assert big_app.screen.stage == "idea" and time.perf_counter() - start < OPEN_S
        doc = big_app.screen.query_one(DocView)
        assert "showing 200 KB of 50 MB" in doc.notice
        editor = big_app.screen.query_one(StageEditor)
        assert editor.too_big and editor.area.read_only
        assert len(editor.text) == BIG and not editor.dirty
        assert "too big to edit here" in editor.area.text
        await wait_rendered(pilot, doc)
        assert "showing 200 KB of 50 MB" in rendered_text(doc)
