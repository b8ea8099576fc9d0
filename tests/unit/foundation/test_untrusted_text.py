"""Untrusted text: escape sequences never reach the terminal; odd task files import cleanly."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from mlrtui.kernel.sanitize import clean_text, terminal_safe
from mlrtui.paths import examples_dir
from mlrtui.store import open_store
from mlrtui.store.tasks import ensure_examples, load_task_dir

HOSTILE = ("\x1b]0;owned\x07\x1b[2J\x1b[1;31mRed\x1b[0m \x1bP+q\x1b\\\x9b5m"
           "\u202eevil\u202c tab\there\r\nnext\x00line\x08\x7f")


def test_terminal_safe_removes_every_sequence_and_control_but_keeps_words():
    out = terminal_safe(HOSTILE)
    assert out == "Red evil tab\there\nnextline"
    assert all(ch in "\t\n" or ch.isprintable() for ch in out)
    assert clean_text("a\x00b\x1b[31mc")[1] == 6


def test_tasks_table_prints_no_escape_from_a_stored_title(tmp_path: Path):
    db = tmp_path / "t.db"
    store = open_store(db)
    ensure_examples(store, examples_dir())
    store.close()
    raw = sqlite3.connect(db)       # as an older mlrtui (or another tool) may have stored it
    raw.execute("UPDATE tasks SET title = ? WHERE id = 'iclr2026_tiny_evals'",
                ["Tiny \x1b]0;owned\x07\x1b[2JEvals"])
    raw.commit()
    raw.close()
    done = subprocess.run([sys.executable, "-m", "mlrtui.cli", "--db", str(db), "tasks"],
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "COLUMNS": "160"})
    assert done.returncode == 0, done.stderr
    assert "Tiny Evals" in done.stdout
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout


def test_a_latin1_task_file_imports_with_one_problem_line(tmp_path: Path, store):
    folder = tmp_path / "tasks"
    folder.mkdir()
    text = "# Caf\u00e9 Workshop on Na\u00efve Models\n\nWe study r\u00e9sum\u00e9 ranking.\n"
    (folder / "iclr2031_latin.md").write_bytes(text.encode("latin-1"))
    changed, problems = load_task_dir(store, folder, "user")
    assert changed == 1
    assert len(problems) == 1 and "iclr2031_latin.md" in problems[0] and "UTF-8" in problems[0]
    body = store.scalar("SELECT body FROM tasks WHERE id = 'iclr2031_latin'")
    assert "Caf\u00e9 Workshop" in body and "r\u00e9sum\u00e9" in body   # read as Latin-1


def test_nul_and_control_bytes_are_cleaned_on_the_way_in(tmp_path: Path, store):
    folder = tmp_path / "tasks"
    folder.mkdir()
    (folder / "icml2031_ctrl.md").write_bytes(
        b"# Control\x00 Workshop\n\nBody \x1b[31mred\x1b[0m text\x07.\n")
    changed, problems = load_task_dir(store, folder, "user")
    assert changed == 1 and len(problems) == 1 and "control character" in problems[0]
    row = store.query("SELECT title, body FROM tasks WHERE id = 'icml2031_ctrl'")[0]
    assert row["body"] == "# Control Workshop\n\nBody red text."
    assert "\x00" not in row["title"]
