"""Command-line conventions every command keeps: global options on either side of the command,
help with an example on every parser, one --json rule, unknown task globs, new databases and
closed pipes. Real subprocesses where the behaviour is the process's (exit codes, pipes)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlrtui.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests" / "unit" / "importer"))
import minicorpus


def _parsers(parser: argparse.ArgumentParser, path: str = "mlrtui"):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _parsers(child, f"{path} {name}")


def test_every_parser_has_a_description_an_example_and_help_on_every_option() -> None:
    missing = []
    for path, parser in _parsers(build_parser()):
        if path == "mlrtui":
            continue
        if not parser.description or "example" not in (parser.epilog or ""):
            missing.append(f"{path}: no description or example")
        for action in parser._actions:
            if action.option_strings and not action.help and action.dest != "help":
                missing.append(f"{path} {action.option_strings[0]}: no help")
    assert missing == []


def test_top_help_speaks_to_users() -> None:
    text = build_parser().format_help()
    for needle in ("terminal console", "exit codes:", "130", "JSON lines", "runs", "import"):
        assert needle in text


def _mini_db(tmp_path: Path) -> Path:
    corpus = minicorpus.build(tmp_path / "mini")
    db = tmp_path / "mini.db"
    assert main(["import", str(corpus), "--db", str(db), "--json"]) == 0
    return db


def test_db_before_or_after_the_command_and_runs_listing(tmp_path: Path, capsys) -> None:
    db = _mini_db(tmp_path)
    capsys.readouterr()
    assert main(["--db", str(db), "runs", "--json"]) == 0
    before = capsys.readouterr().out
    assert main(["runs", "--json", "--db", str(db)]) == 0
    assert capsys.readouterr().out == before
    lines = [json.loads(line) for line in before.splitlines()]
    assert {r["agent"] for r in lines} == {"mlr-agent"}
    e2e = [r for r in lines if r["mode"] == "end-to-end"]
    assert e2e and all(r["source"].startswith("agent_results/end2end_") for r in e2e)
    assert e2e[0]["executions"] >= 1 and e2e[0]["calls"] >= 1
    stepwise = [r for r in lines if r["source"] == "agent_results/ideas_and_proposals/"
                f"{minicorpus.TASK_A}" and r["model"] == "alpha-1"]
    assert stepwise[0]["stages"]["idea"] == {"state": "done", "author": "alpha-1",
                                             "version_id": stepwise[0]["stages"]["idea"]
                                             ["version_id"]}
    assert stepwise[0]["stages"]["paper"]["state"] == "pending"
    assert main(["--db", str(db), "runs", "--task", minicorpus.TASK_B, "--json"]) == 0
    assert {json.loads(x)["task_id"] for x in capsys.readouterr().out.splitlines()} == {
        minicorpus.TASK_B}
    coder = e2e[0]["coder"]
    assert main(["--db", str(db), "runs", "--agent", coder, "--json"]) == 0
    assert {json.loads(x)["id"] for x in capsys.readouterr().out.splitlines()} == {
        r["id"] for r in e2e if r["coder"] == coder}
    assert main(["--db", str(db), "runs", "--agent", "nobody"]) == 2
    assert "unknown agent 'nobody'" in capsys.readouterr().err
    assert main(["--db", str(db), "runs"]) == 0
    assert "runs" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["runs", "--task", "zz*"], ["costs", "--task", "zz*"],
                                  ["flags", "list", "--task", "zz*"],
                                  ["export", "--task", "zz*"]])
def test_unknown_task_glob_is_a_usage_error(tmp_path: Path, capsys, argv: list[str]) -> None:
    assert main(["--db", str(tmp_path / "t.db"), *argv]) == 2
    err = capsys.readouterr().err
    assert "no task matches 'zz*'" in err and "Traceback" not in err


def _cli(*args: str, cwd: Path, shell: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = shell or " ".join([sys.executable, "-m", "mlrtui.cli", *args])
    return subprocess.run(cmd if shell else cmd.split(), shell=bool(shell), cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_new_database_is_announced_and_a_missing_config_is_an_error(tmp_path: Path) -> None:
    out = _cli("tasks", "--json", "--db", "fresh.db", cwd=tmp_path)
    assert out.returncode == 0
    assert out.stderr.strip() == f"mlrtui: creating new database {Path('fresh.db')}"
    again = _cli("--db", "fresh.db", "tasks", "--json", cwd=tmp_path)
    assert again.returncode == 0 and again.stderr == "" and again.stdout == out.stdout
    bad = _cli("--config", "nope.toml", "tasks", cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.strip() == "mlrtui: --config nope.toml: no such file"


def test_config_given_after_the_command_is_read(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'db = "{tmp_path / "from-config.db"}"\n', encoding="utf-8")
    out = _cli("locate", "--json", "--config", str(cfg), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["db"] == str(tmp_path / "from-config.db")


def test_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """The reader (`true`) is gone before Python has started, so the first write meets a
    closed pipe: plain JSON lines and a rich table alike end with 141 and nothing on stderr."""
    db = _mini_db(tmp_path)
    for args in ("runs --json", "tasks"):
        cmd = (f"{sys.executable} -m mlrtui.cli --db {db} {args} | true; "
               "echo \"${PIPESTATUS[0]}\"")
        out = subprocess.run(["bash", "-c", cmd], cwd=tmp_path, capture_output=True, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "80"},
                             timeout=120, check=False)
        assert out.stderr == "", (args, out.stderr)
        assert out.stdout.strip() == "141", args
