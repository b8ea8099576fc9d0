"""The log file: redaction of every record, levels, command lines, and what gets logged."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from export_helpers import cli, seed_run
from loopback import Fault
from minicorpus import build

from mlrtui import logs
from mlrtui.cli import main
from mlrtui.providers.base import Message, Request
from mlrtui.providers.client import CallContext, CallFailed, LLMClient, RetryPolicy

SECRET = "mk-LOG-marker-20c4e1"


def _log_text() -> str:
    return logs.log_file().read_text(encoding="utf-8")


def test_filter_redacts_message_args_traceback_and_stack(tmp_path) -> None:
    path = tmp_path / "logs" / "test.log"
    assert logs.setup(lambda: [SECRET], path) == path
    log = logging.getLogger("mlrtui.test")
    try:
        log.warning("a message with the key %s in its args", SECRET)
        log.info(f"a message with the key {SECRET} in its text")
        log.debug("debug is below the default level %s", SECRET)
        try:
            raise RuntimeError(f"server said: bad key {SECRET}")
        except RuntimeError:
            log.exception("call failed")
        log.error("with a stack", stack_info=True)
    finally:
        logs.teardown()
    text = path.read_text(encoding="utf-8")
    assert SECRET not in text
    assert text.count("[redacted]") == 3
    assert "RuntimeError: server said: bad key [redacted]" in text
    assert "debug is below" not in text and "Stack (most recent call last)" in text
    assert not any(isinstance(h, logging.FileHandler)
                   for h in logging.getLogger("mlrtui").handlers)


def test_debug_level_from_the_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("MLRTUI_LOG_LEVEL", "debug")
    path = logs.setup(list, tmp_path / "d.log")
    try:
        logging.getLogger("mlrtui.x").debug("now visible")
    finally:
        logs.teardown()
    assert "DEBUG mlrtui.x: now visible" in path.read_text()
    monkeypatch.setenv("MLRTUI_LOG_LEVEL", "chatty")
    assert logs.level_from_env() == logging.INFO


def test_commands_log_start_end_and_errors(tmp_path, capsys) -> None:
    db = str(tmp_path / "c.db")
    assert main(["--db", db, "locate"]) == 0
    assert main(["--db", db, "export", "--task", "nothing*"]) == 2
    capsys.readouterr()
    lines = _log_text().splitlines()
    assert f"INFO mlrtui.cli: start locate: mlrtui --db {db} locate" in lines[0]
    assert "INFO mlrtui.cli: end locate: exit 0 after" in lines[1]
    assert "WARNING mlrtui.cli: export stopped: no task matches 'nothing*'" in lines[3]
    assert "end export: exit 2" in lines[4]
    assert logging.getLogger("mlrtui").handlers == []           # removed after each command


def test_unwritable_log_folder_is_one_line_and_the_command_still_runs(tmp_path,
                                                                       monkeypatch) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("MLRTUI_DATA_DIR", str(blocker))
    done = cli("--db", str(tmp_path / "u.db"), "locate")
    assert done.returncode == 0 and "db:" in done.stdout
    assert done.stderr.strip().startswith("mlrtui: no log file: cannot write")
    assert len(done.stderr.strip().splitlines()) == 1


async def test_llm_failures_sandbox_failures_and_import_problems_are_logged(
        tmp_path, loopback, llm_settings, store, monkeypatch) -> None:
    logs.setup()
    try:
        client = LLMClient(store, llm_settings, retry=RetryPolicy(base_s=0.001, max_s=0.01))
        loopback.script(Fault("500"), Fault("401"))
        with pytest.raises(CallFailed):
            await client.complete("fake-openai", Request([Message("user", "hi")]),
                                  CallContext("test", task_id="t1"))
        await client.aclose()
        seed_run(store, tmp_path)
    finally:
        logs.teardown()
    corpus = build(tmp_path / "mini")
    assert main(["--db", str(tmp_path / "i.db"), "import", str(corpus), "--json"]) == 0
    text = _log_text()
    key = os.environ["MLRTUI_TEST_KEY"]
    assert key not in text and "[redacted]" in text
    assert "WARNING mlrtui.providers.client: LLM call failed: openai gpt-4o attempt 1 (test, " \
           "run None, task t1): HTTP 500" in text
    assert "attempt 2 (test, run None, task t1): bad API key (401)" in text
    assert "WARNING mlrtui.experiment.executor: execution 1 of run 1 failed (exit 1" in text
    assert "INFO mlrtui.services.importing: import #1 of" in text
    problems = [line for line in text.splitlines() if "import problem: " in line]
    assert len(problems) >= 5 and any("badname.md" in line for line in problems)


def test_log_file_is_under_the_data_dir() -> None:
    assert logs.log_file() == Path(os.environ["MLRTUI_DATA_DIR"]) / "logs" / "mlrtui.log"
