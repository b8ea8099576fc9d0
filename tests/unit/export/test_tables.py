"""Every command's table at 80 columns: no header cut with "…", nothing wider than the screen.

The commands run as a user runs them (subprocesses, COLUMNS=80), all at once, on a small
database: the tiny importer corpus plus a run seeded with long model and judge names.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from export_helpers import JUDGES, MODEL, seed_run
from minicorpus import build
from rich.cells import cell_len
from rich.console import Console

from mlrtui.commands.tables import Col, print_table
from mlrtui.importer import import_corpus
from mlrtui.store import open_store

LONG_NAME = "an-extremely-long-configured-model-name"
COMMANDS = {
    "tasks": (["tasks"], ["iclr2026_tiny_evals", "not shown at this width: venue, year"]),
    "tasks-explain": (["tasks", "--explain"], ["iclr2026_tiny_evals"]),
    "models": (["models"], ["[1] environment variable MLRTUI_NOT_SET_KEY is not set",
                            "no [1]"]),
    "costs": (["costs"], ["$12.3457", "tok in = input tokens", "1,234,577"]),
    "costs-task": (["costs", "--by", "task"], ["$12.3457", "iclr2026_tiny"]),
    "stats-leaderboard": (["stats", "leaderboard", "--stage", "idea"],
                          ["Cons = Consistency", "J1 = " + JUDGES[0], "7.50"]),
    "stats-agreement": (["stats", "agreement"], ["human vs judge agreement", "Overall"]),
    "flags-list": (["flags", "list"], ["results = faked_results", "open"]),
    "flags-precision": (["flags", "precision"], ["dismissed", "precision"]),
    "judge-rubrics": (["judge", "--rubrics"], ["hallucination", "Consistency,"]),
    "versions": (["versions"], ["end-to-end", "iclr2026_tiny_evals"]),
    "import": (["import", "{corpus}"], ["model_aliases rows", "problems (handled"]),
}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess]:
    home = tmp_path_factory.mktemp("tables")
    corpus = build(home / "corpus")
    db = home / "t.db"
    store = open_store(db)
    import_corpus(store, corpus)
    seed_run(store, home)
    store.close()
    config = home / "config"
    config.mkdir()
    (config / "config.toml").write_text(
        f'[models.{LONG_NAME}]\nprovider = "openai"\nmodel = "{MODEL}"\n'
        'api_key_env = "MLRTUI_NOT_SET_KEY"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items()
           if k not in ("MLRTUI_CONFIG", "MLRTUI_DB", "MLRTUI_NOT_SET_KEY")}
    env |= {"COLUMNS": "80", "LINES": "50", "MLRTUI_CONFIG_DIR": str(config),
            "MLRTUI_DATA_DIR": str(home / "data")}
    procs = {}
    for name, (argv, _) in COMMANDS.items():
        target = home / "fresh.db" if name == "import" else db
        argv = [a.replace("{corpus}", str(corpus)) for a in argv]
        procs[name] = subprocess.Popen([sys.executable, "-m", "mlrtui.cli", "--db", str(target),
                                        *argv], env=env, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True)
    out = {}
    for name, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=120)
        out[name] = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    return out


def header_rows(text: str) -> list[str]:
    """The lines of every table's header: from its top border to the rule under the header."""
    rows, inside = [], False
    for line in text.splitlines():
        if line.startswith("┏"):
            inside = True
        elif line.startswith("┡"):
            inside = False
        elif inside:
            rows.append(line)
    return rows


@pytest.mark.parametrize("name", list(COMMANDS))
def test_table_is_readable_at_80_columns(outputs, name: str) -> None:
    done = outputs[name]
    assert done.returncode == 0, done.stderr
    headers = header_rows(done.stdout)
    assert headers, f"{name} printed no table:\n{done.stdout}"
    assert not [h for h in headers if "…" in h], "\n".join(headers)
    assert "…" not in done.stdout                   # no cell is cut either: text folds
    drawn = [line for line in done.stdout.splitlines() if set(line) & set("┃│┏┡└")]
    assert max(cell_len(line) for line in drawn) <= 80
    for expected in COMMANDS[name][1]:
        assert expected in done.stdout, f"{expected!r} missing from:\n{done.stdout}"


def test_costs_are_never_cut_even_on_a_narrow_screen() -> None:
    columns = [Col("model", min_width=12), Col("calls", numeric=True),
               Col("cached", "cache", numeric=True, optional=True),
               Col("cost", numeric=True), Col("failed", "fail", numeric=True, optional=True)]
    rows = [["a-model-with-a-long-name-indeed", "12", "3", "$123456.7890", "4"]]
    for width in (80, 50, 36):
        buf = io.StringIO()
        print_table(Console(file=buf, width=width), columns, rows, title="costs")
        text = buf.getvalue()
        assert "$123456.7890" in text and "…" not in text, text
        assert max(cell_len(line) for line in text.splitlines()) <= width
    assert "not shown at this width: cached, failed" in " ".join(text.split())
    assert "a-model-w" in text                      # the name folds, it is not cut


def test_full_headers_when_they_fit(tmp_path: Path) -> None:
    buf = io.StringIO()
    columns = [Col("model"), Col("cached", "cache", "calls from the cache", numeric=True)]
    print_table(Console(file=buf, width=80), columns, [["m", "1"]])
    assert "cached" in buf.getvalue() and "cache =" not in buf.getvalue()
