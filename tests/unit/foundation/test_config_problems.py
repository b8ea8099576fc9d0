"""A config with several wrong types names every problem in plain words (file, key, expected,
found), on one line, through the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mlrtui.config import ConfigError, load_settings


def test_three_wrong_types_are_all_reported(tmp_path: Path, monkeypatch) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('concurrency = "four"\nrepair_rounds = 2.5\n'
                   '[models.mine]\nprovider = "openia"\n')
    monkeypatch.setenv("MLRTUI_CONFIG", str(cfg))
    try:
        load_settings()
    except ConfigError as exc:
        message = str(exc)
    else:
        raise AssertionError("a config with three wrong values was accepted")
    assert message.startswith(f"{cfg}: 3 problems: ")
    assert "concurrency: expected a whole number, found 'four' (text)" in message
    assert "repair_rounds: expected a whole number, found 2.5 (number)" in message
    assert "models.mine.provider: expected one of 'openai', 'anthropic' or 'local'" in message
    assert "validation error" not in message and "\n" not in message


def test_cli_prints_every_problem_on_one_line(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('judges = "local"\nexperiment_timeout_s = "long"\n')
    env = {**os.environ, "MLRTUI_CONFIG": str(cfg), "PYTHONPATH": os.getcwd()}
    out = subprocess.run([sys.executable, "-m", "mlrtui.cli", "tasks"], capture_output=True,
                         text=True, env=env, timeout=60, check=False)
    assert out.returncode == 2 and out.stderr.count("\n") == 1
    assert "2 problems" in out.stderr and "judges: expected a list" in out.stderr
    assert "experiment_timeout_s: expected a number, found 'long' (text)" in out.stderr
