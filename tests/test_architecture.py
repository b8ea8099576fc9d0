"""Layering and set-up invariants: the core never imports Textual; CI runs the README's command."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE_PACKAGES = ["mlrtui.kernel", "mlrtui.store", "mlrtui.costs", "mlrtui.providers",
                 "mlrtui.experiment", "mlrtui.runs", "mlrtui.judge", "mlrtui.scores",
                 "mlrtui.importer", "mlrtui.export", "mlrtui.services", "mlrtui.commands",
                 "mlrtui.config", "mlrtui.paths", "mlrtui.logs"]


def _modules(package: str) -> list[str]:
    base = ROOT / Path(*package.split("."))
    if base.with_suffix(".py").exists():
        return [package]
    out = []
    for path in sorted(base.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        name = ".".join(rel.parts)
        out.append(name.removesuffix(".__init__"))
    return out


@pytest.mark.parametrize("package", CORE_PACKAGES)
def test_core_never_imports_textual(package: str) -> None:
    modules = _modules(package)
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')"
        " or m.startswith('mlrtui.ui'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"{package} pulls in {out.stdout.strip()}"


def _readme_command(marker: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(rf"<!-- {marker} -->\s*```\n(.+?)\n```", text)
    assert m, f"README has no {marker} block"
    return m.group(1)


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run extracts the README's test command; check the extraction yields that command."""
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    awk = re.search(r"cmd=\$\(awk '(.+?)' README.md\)", script)
    assert awk, ".ci/run no longer extracts the command from README.md"
    out = subprocess.run(["awk", awk.group(1), "README.md"], capture_output=True, text=True,
                         cwd=ROOT, check=False)
    assert out.stdout.strip() == _readme_command("test-command")
    assert "pytest" in _readme_command("test-command")
    assert "mlrtui" in _readme_command("run-command").split("&&")[-1]


def test_top_level_layout() -> None:
    for name in ("pyproject.toml", "mlrtui", "rubrics", "tasks", "tests", "screenshots",
                 "README.md", "bench", ".ci"):
        assert (ROOT / name).exists(), name


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter's contracts from pyproject.toml, run on the package found under `root`."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    code = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    return subprocess.run([sys.executable, "-c", code, str(ROOT / "pyproject.toml"), "--no-cache"],
                          capture_output=True,
                          text=True, cwd=root, env=env, check=False)


def test_layers_contract_holds() -> None:
    """ui | commands -> services -> importer | export -> scores -> judge -> runs ->
    providers | experiment -> costs -> store -> kernel: nothing imports upward."""
    out = _lint_imports(ROOT)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "1 kept, 0 broken" in out.stdout


def test_layers_contract_catches_an_upward_import(tmp_path: Path) -> None:
    """The same check on a copy of the package with one deliberate upward import fails."""
    shutil.copytree(ROOT / "mlrtui", tmp_path / "mlrtui",
                    ignore=shutil.ignore_patterns("__pycache__"))
    victim = tmp_path / "mlrtui" / "store" / "db.py"
    victim.write_text(victim.read_text(encoding="utf-8") + "\nfrom mlrtui.judge import flags\n",
                      encoding="utf-8")
    out = _lint_imports(tmp_path)
    assert out.returncode != 0
    assert "mlrtui.store.db -> mlrtui.judge.flags" in out.stdout
