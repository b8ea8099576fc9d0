"""The Python an experiment runs with, and what it brings: its folders (the sandbox must let the
script read them) and the versions of the scientific packages a generated script imports.

By default it is the interpreter mlrtui itself runs on, whose dependencies include numpy, scipy,
pandas, scikit-learn and matplotlib, so a generated script can succeed. `experiment_python` in
the config (globally or per model) names another one, e.g. a venv with a GPU stack. What was
found is recorded with each execution, so a result says which numpy produced it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

# Distributions whose versions are recorded with every execution.
PACKAGES = ("numpy", "scipy", "pandas", "scikit-learn", "matplotlib", "torch")

# Runs inside the chosen interpreter: where it lives and which packages it has (metadata only,
# nothing imported, so it takes milliseconds).
_PROBE = f"""
PACKAGES = {PACKAGES!r}
import json, sys, sysconfig
from importlib import metadata
def version(name):
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
paths = {{k: sysconfig.get_paths().get(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")}}
site = [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
print(json.dumps({{"executable": sys.executable, "version": sys.version.split()[0],
                  "prefixes": sorted({{sys.prefix, sys.base_prefix, sys.exec_prefix}}),
                  "paths": sorted({{p for p in [*paths.values(), *site] if p}}),
                  "packages": {{n: version(n) for n in PACKAGES}}}}))
"""


class InterpreterError(Exception):
    """The configured interpreter is missing or does not run; one line naming it."""


@dataclass(frozen=True)
class Interpreter:
    path: str                                    # as it will be executed
    version: str
    prefixes: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    packages: dict[str, str | None] = field(default_factory=dict)

    @property
    def bindir(self) -> str:
        return str(Path(self.path).parent)

    def read_paths(self) -> list[str]:
        """Folders the sandboxed script must be able to read to import its packages."""
        real = str(Path(os.path.realpath(self.path)).parent.parent)
        return sorted({*self.prefixes, *self.paths, real})

    def facts(self) -> dict:
        """What an execution record keeps: path, version and the packages found."""
        data = asdict(self)
        return {"path": data["path"], "version": data["version"],
                "packages": {k: v for k, v in data["packages"].items() if v}}


_cache: dict[str, Interpreter] = {}
_lock = threading.Lock()


def resolve(python: str | None) -> str:
    """An absolute interpreter path: None means mlrtui's own; a bare name is looked up on PATH."""
    if not python:
        return sys.executable
    if os.sep not in python:
        found = shutil.which(python)
        if found is None:
            raise InterpreterError(f"experiment_python {python!r} is not on PATH")
        return found
    path = Path(python).expanduser()
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise InterpreterError(f"experiment_python {python}: no executable file there")
    return str(path.absolute())


def describe(python: str | None = None) -> Interpreter:
    """The interpreter with its folders and package versions (probed once per path)."""
    path = resolve(python)
    with _lock:
        if path in _cache:
            return _cache[path]
    try:
        out = subprocess.run([path, "-I", "-c", _PROBE], capture_output=True, text=True,
                             timeout=30, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise InterpreterError(f"experiment_python {path}: does not run ({exc})") from None
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["no output"])[-1]
        raise InterpreterError(f"experiment_python {path}: does not run ({last})")
    data = json.loads(out.stdout)
    found = Interpreter(path=path, version=data["version"], prefixes=data["prefixes"],
                        paths=data["paths"], packages=data["packages"])
    with _lock:
        _cache[path] = found
    return found
