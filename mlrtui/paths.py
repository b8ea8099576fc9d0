"""Where mlrtui keeps its config, data and default database. No I/O at import time."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

import platformdirs

APP = "mlrtui"
# The project checkout, when running from source or an editable install (the top-level
# `rubrics/` and `tasks/` there are symlinks into the package data).
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def package_data(name: str) -> Path:
    """A folder of the installed package's data (rubrics, tasks, prompts), wherever it is
    installed; a user config dir may add or override rubrics and prompts."""
    return Path(str(files("mlrtui").joinpath(name)))


def config_dir() -> Path:
    return Path(os.environ.get("MLRTUI_CONFIG_DIR") or platformdirs.user_config_dir(APP))


def config_file() -> Path:
    return Path(os.environ.get("MLRTUI_CONFIG") or config_dir() / "config.toml")


def data_dir() -> Path:
    return Path(os.environ.get("MLRTUI_DATA_DIR") or platformdirs.user_data_dir(APP))


def default_db_path() -> Path:
    return data_dir() / "mlrtui.db"


def examples_dir() -> Path:
    """The bundled example tasks (our own writing)."""
    return package_data("data/tasks")


def rubrics_dirs() -> list[Path]:
    """Rubric folders in precedence order: the user's own first, then the bundled ones."""
    return [config_dir() / "rubrics", package_data("data/rubrics")]


def prompts_dirs() -> list[Path]:
    """Prompt template folders: the user's overrides first, then the packaged defaults."""
    return [config_dir() / "prompts", package_data("prompts")]


def workspaces_dir() -> Path:
    return data_dir() / "workspaces"
