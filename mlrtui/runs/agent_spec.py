"""A coding agent's command line as an `ExecSpec`, so it runs through the chosen executor.

The agent then gets what the built-in loop's scripts get: the sandbox (its writes confined to
the workspace, its own uid and pid namespace, limits) locally, a queued job on Slurm. What it
needs beyond a Python script, and only that, is added here:

- the network (it must reach its model's API);
- its own key and base URL, but no other tool's secret (`agent_env`), and nothing that would
  point it outside the sandbox (HOME, TMPDIR, XDG dirs: the sandbox puts them in the workspace);
- reading its own installation (the npm package folder, the interpreter of its `#!` line);
- the config folder the user named (CODEX_HOME, CLAUDE_CONFIG_DIR, GEMINI_CLI_HOME): its small
  files are copied into the sandbox HOME and the variable points at the copy, which is removed
  after the run (it may hold a login);
- a transcript-sized stdout buffer and RLIMIT_DATA instead of RLIMIT_AS (V8 reserves gigabytes
  of address space it never uses).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from mlrtui.experiment.executor import ExecSpec
from mlrtui.experiment.limits import THREAD_VARS

if TYPE_CHECKING:
    from mlrtui.runs.coding_agents import CodingAgent

TRANSCRIPT_CAP = 16 * 1024 * 1024
AGENT_MEMORY_MB = 4096           # a floor: the CLI plus the experiment it starts
AGENT_PROCESSES = 512            # node's threads count against RLIMIT_NPROC too
CONFIG_HOMES = ("CODEX_HOME", "CLAUDE_CONFIG_DIR", "GEMINI_CLI_HOME")
COPY_FILE_MAX = 1024 * 1024
COPY_FILES_MAX = 200
_DROPPED = {"HOME", "TMPDIR", "TMP", "TEMP", "PWD", "OLDPWD", "SHLVL", "_", "USER", "LOGNAME",
            "MAIL", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME",
            "XDG_RUNTIME_DIR", "CUDA_VISIBLE_DEVICES", *THREAD_VARS}


def passed_env(env: dict[str, str]) -> dict[str, str]:
    """The agent's variables that may enter the sandbox (Slurm's own are the job's business)."""
    return {k: v for k, v in env.items() if k not in _DROPPED
            and not k.startswith(("SLURM_", "SUBMITIT_"))}


def install_paths(binary: str, search_path: str | None) -> list[str]:
    """Folders the CLI reads to start: its package (the top `node_modules` above the real file,
    else the file's folder), the folder of its link, and the interpreter of its `#!` line."""
    real = Path(os.path.realpath(binary))
    tops = [p for p in real.parents if p.name == "node_modules"]
    found = [str(Path(binary).parent), str(tops[-1] if tops else real.parent)]
    interpreter = _shebang(real, search_path)
    if interpreter:
        where = Path(os.path.realpath(interpreter)).parent
        found.append(str(where.parent if where.name == "bin" else where))
    return list(dict.fromkeys(found))


def _shebang_words(path: Path, search_path: str | None) -> list[str]:
    """The `#!` line as argv words, `env NAME` resolved on `search_path`; [] when none."""
    try:
        with path.open("rb") as fh:
            first = fh.readline(256)
    except OSError:
        return []
    words = first[2:].decode("utf-8", "replace").split() if first.startswith(b"#!") else []
    if words and Path(words[0]).name == "env":
        names = [w for w in words[1:] if not w.startswith("-")]
        found = shutil.which(names[0], path=search_path) if names else None
        return [found] if found else []
    return words


def _shebang(path: Path, search_path: str | None) -> str | None:
    words = _shebang_words(path, search_path)
    return words[0] if words else None


def reachable_by_others(paths: list[str]) -> bool:
    """Whether every folder above `paths` lets any uid pass (no 0700 home on the way): the
    sandbox's own uid gets a read capability, but `access()` checks (node's existsSync) ignore
    it, so a CLI installed under /root only works with mlrtui's uid."""
    for path in paths:
        for folder in Path(path).parents:
            try:
                if not os.stat(folder).st_mode & 0o001:
                    return False
            except OSError:
                return False
    return True


def launch_argv(binary: str, search_path: str | None) -> list[str]:
    """How to start the CLI as the sandbox's own uid: a script only its owner may execute
    (mode 0744 and the like) is started through its `#!` interpreter, which reads it."""
    real = Path(os.path.realpath(binary))
    try:
        others_exec = bool(real.stat().st_mode & 0o001)
    except OSError:
        return [binary]
    words = [] if others_exec else _shebang_words(real, search_path)
    return [*words, str(real)] if words else [binary]


def copy_config_homes(env: dict[str, str], home: Path) -> tuple[dict[str, str], list[Path]]:
    """Point each named config folder at a copy of its small files inside `home`."""
    env, copies = dict(env), []
    for name in CONFIG_HOMES:
        source = Path(env[name]) if env.get(name) else None
        if source is None or not source.is_dir() or source.resolve().is_relative_to(home):
            continue
        target = home / f".mlrtui-{name.lower()}"
        shutil.rmtree(target, ignore_errors=True)
        count = 0
        for path in sorted(source.rglob("*")):
            rel = path.relative_to(source)
            if len(rel.parts) > 2 or not path.is_file() or path.is_symlink():
                continue
            if path.stat().st_size > COPY_FILE_MAX or count >= COPY_FILES_MAX:
                continue
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / rel)
            count += 1
        target.mkdir(parents=True, exist_ok=True)
        env[name] = str(target)
        copies.append(target)
    return env, copies


def agent_spec(agent: CodingAgent, binary: str, prompt: str, ws: Path, env: dict[str, str], *,
               timeout_s: float, memory_mb: int) -> ExecSpec:
    """The spec of one agent run in `ws`, from the agent's environment `env`."""
    env = passed_env(env)
    env["PATH"] = os.pathsep.join(dict.fromkeys(
        [str(Path(binary).parent), *env.get("PATH", "/usr/local/bin:/usr/bin:/bin").split(":")]))
    argv = agent.argv(binary, prompt, env)
    argv = [*launch_argv(binary, env["PATH"]), *argv[1:]]
    reads = install_paths(binary, env["PATH"])
    return ExecSpec(argv, ws, timeout_s=timeout_s,
                    memory_mb=max(memory_mb, AGENT_MEMORY_MB), max_processes=AGENT_PROCESSES,
                    env=env, network=True, read_paths=reads, output_cap=TRANSCRIPT_CAP,
                    address_space_limit=False, own_uid=reachable_by_others(reads))
