"""CLI basics through the real entry point, in a subprocess: locate, tasks, bad config, bad DB."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "mlrtui.cli", *args], capture_output=True,
                          text=True, env=full, timeout=60, check=False)


def test_locate_honours_db_flag_and_env(tmp_path: Path) -> None:
    out = _run("--db", str(tmp_path / "x.db"), "locate")
    assert out.returncode == 0 and str(tmp_path / "x.db") in out.stdout
    out = _run("locate", env={"MLRTUI_DB": str(tmp_path / "env.db")})
    assert str(tmp_path / "env.db") in out.stdout


def test_env_wins_over_toml(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'db = "{tmp_path / "toml.db"}"\n')
    out = _run("locate", env={"MLRTUI_CONFIG": str(cfg)})
    assert str(tmp_path / "toml.db") in out.stdout
    out = _run("locate", env={"MLRTUI_CONFIG": str(cfg), "MLRTUI_DB": str(tmp_path / "e.db")})
    assert str(tmp_path / "e.db") in out.stdout


def test_broken_config_is_one_line_exit_2(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text("db = [unclosed\n")
    out = _run("tasks", env={"MLRTUI_CONFIG": str(cfg)})
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and "config.toml" in out.stderr


def test_tasks_json_and_examples_on_first_start(tmp_path: Path) -> None:
    out = _run("--db", str(tmp_path / "t.db"), "tasks", "--json")
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(rows) >= 3 and all(r["source"] == "example" for r in rows)
    out = _run("--db", str(tmp_path / "t.db"), "tasks", "--json", "--venue", "neurips")
    assert {json.loads(x)["venue"] for x in out.stdout.splitlines()} == {"neurips"}


def test_non_sqlite_db_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"hello, not a database")
    out = _run("--db", str(bad), "tasks")
    assert out.returncode == 2
    assert out.stderr.strip() == f"mlrtui: {bad}: not an SQLite database"
    assert bad.read_bytes() == b"hello, not a database"
