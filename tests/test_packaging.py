"""The wheel carries what users run: rubrics, prompts and example tasks as package data, no tests.

One wheel is built from a copy of the checkout (`pip wheel --no-deps`, in pip's isolated build
environment, so the declared setuptools is fetched or taken from pip's cache) and installed into
a fresh virtual environment that reuses this environment's dependencies (a .pth line naming our
site-packages, listed after the venv's own), so the installed `mlrtui` command runs from the
wheel and not from the source tree. The top-level rubrics/ and tasks/ are symlinks into
mlrtui/data/, so the wheel holds real files. About 7 s.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    shutil.copytree(ROOT, src, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "__pycache__", "*.db*", "snapshots"))
    # Built as users build it: pip's isolated build environment with the declared backend.
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                          "-w", str(base / "dist"), str(src)],
                         capture_output=True, text=True, check=False, timeout=300,
                         env=_clean_env())
    assert out.returncode == 0, out.stderr[-2000:]
    (found,) = (base / "dist").glob("mlrtui-*.whl")
    return found


def test_wheel_holds_the_data_files_and_no_tests(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for folder, suffix in (("mlrtui/data/rubrics/", ".toml"), ("mlrtui/prompts/", ".md"),
                           ("mlrtui/data/tasks/", ".md")):
        shipped = {Path(n).name for n in names if n.startswith(folder) and n.endswith(suffix)}
        source = {p.name for p in (ROOT / folder).glob(f"*{suffix}")}
        assert source and shipped == source, folder
    assert "mlrtui/ui/app.tcss" in names
    assert not [n for n in names if n.startswith("tests/") or "loopback" in n]


def _clean_env() -> dict[str, str]:
    """The environment without anything that would put the source tree on the path (another
    test's session fixture may have set PYTHONPATH): pip must see only the fresh venv."""
    return {k: v for k, v in os.environ.items()
            if k not in ("PYTHONPATH", "MLRTUI_DB", "MLRTUI_CONFIG")}


def _venv_with(wheel: Path, where: Path) -> Path:
    """A fresh venv with the wheel installed; our dependencies are reused, not downloaded."""
    venv.EnvBuilder(with_pip=False).create(where)
    bindir = where / "bin"
    purelib = subprocess.run([str(bindir / "python"), "-c",
                              "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True,
                             env=_clean_env()).stdout.strip()
    (Path(purelib) / "_reuse_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    out = subprocess.run([sys.executable, "-m", "pip", "--python", str(bindir / "python"),
                          "install", "--no-deps", "--no-index", "-q", str(wheel)],
                         capture_output=True, text=True, check=False, env=_clean_env())
    assert out.returncode == 0, out.stderr[-2000:]
    return bindir


def test_installed_wheel_lists_rubrics_and_example_tasks(wheel: Path, tmp_path: Path) -> None:
    bindir = _venv_with(wheel, tmp_path / "venv")
    env = _clean_env()
    env |= {"MLRTUI_CONFIG_DIR": str(tmp_path / "cfg"), "MLRTUI_DATA_DIR": str(tmp_path / "d"),
            "COLUMNS": "200"}
    run = tmp_path / "elsewhere"
    run.mkdir()

    def mlrtui(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(bindir / "mlrtui"), *args], capture_output=True, text=True,
                              cwd=run, env=env, check=False, timeout=120)

    where = subprocess.run([str(bindir / "python"), "-c", "import mlrtui; print(mlrtui.__file__)"],
                           capture_output=True, text=True, cwd=run, env=env, check=False)
    assert where.returncode == 0, where.stderr[-2000:]
    assert where.stdout.strip().startswith(str(tmp_path / "venv")), where.stdout
    rubrics = mlrtui("judge", "--rubrics")
    assert rubrics.returncode == 0, rubrics.stderr
    for name in ("idea", "proposal", "experiment", "writeup", "overall", "hallucination"):
        assert name in rubrics.stdout
    assert "problem" not in rubrics.stderr
    tasks = mlrtui("tasks", "--json", "--db", str(tmp_path / "t.db"))
    assert tasks.returncode == 0, tasks.stderr
    assert "creating new database" in tasks.stderr
    ids = {line.split('"id": "', 1)[1].split('"', 1)[0] for line in tasks.stdout.splitlines()}
    assert ids == {p.stem for p in (ROOT / "mlrtui" / "data" / "tasks").glob("*.md")}
    assert all(str(tmp_path / "venv") in line for line in tasks.stdout.splitlines())
