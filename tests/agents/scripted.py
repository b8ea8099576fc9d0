"""The scripted experiment the real agent CLIs run against the loopback server.

Four model turns, in each CLI's own tool vocabulary: write run.py, run it through the shell
tool, write results.md quoting the printed metric, finish with a short text. The test side
also needs each CLI's environment (base URL, dummy key, a private HOME) and a way to read its
JSON-lines transcript back as (tool calls, tool results).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from loopback import LoopbackServer
from loopback.agentic import ToolCall, Turn

RUN_PY = "outcomes = [1, 1, 0, 1]\nprint(f'accuracy: {sum(outcomes) / len(outcomes)}')\n"
METRIC = "accuracy: 0.75"
RESULTS_MD = "# Results\n\nrun.py printed `accuracy: 0.75` (mean of four fixed outcomes).\n"
FINAL = "Experiment done: accuracy 0.75, written to results.md."
DUMMY_KEY = "loopback-dummy-key"
CODEX_MODEL = "gpt-5.5"


def _heredoc(name: str, text: str) -> str:
    return f"cat > {name} <<'EOF'\n{text}EOF"


def turns(cli: str, ws: Path) -> list[Turn]:
    """The conversation in the tools `cli` offers; file paths absolute where the tool wants."""
    if cli == "claude":
        calls = [ToolCall("Write", {"file_path": str(ws / "run.py"), "content": RUN_PY}),
                 ToolCall("Bash", {"command": "python3 run.py", "description": "Run it"}),
                 ToolCall("Write", {"file_path": str(ws / "results.md"), "content": RESULTS_MD})]
    elif cli == "codex":
        calls = [ToolCall("exec_command", {"cmd": _heredoc("run.py", RUN_PY)}),
                 ToolCall("exec_command", {"cmd": "python3 run.py"}),
                 ToolCall("exec_command", {"cmd": _heredoc("results.md", RESULTS_MD)})]
    elif cli == "gemini":
        calls = [ToolCall("write_file", {"file_path": str(ws / "run.py"), "content": RUN_PY}),
                 ToolCall("run_shell_command", {"command": "python3 run.py",
                                                "description": "Run it"}),
                 ToolCall("write_file", {"file_path": str(ws / "results.md"),
                                         "content": RESULTS_MD})]
    else:
        raise ValueError(f"no script for {cli}")
    return [Turn("I will write the experiment first.", calls[0]), Turn("", calls[1]),
            Turn("", calls[2]), Turn(FINAL)]


def cli_env(cli: str, server: LoopbackServer, home: Path, bin_dir: Path) -> dict[str, str]:
    """A clean environment: the CLI's base URL on loopback, a dummy key, HOME in a temp dir."""
    tool_dirs = [str(Path(sys.executable).parent), str(bin_dir)]
    tool_dirs += [str(Path(p).parent) for p in (shutil.which("node"),) if p]
    env = {"PATH": os.pathsep.join([*tool_dirs, "/usr/local/bin", "/usr/bin", "/bin"]),
           "HOME": str(home), "LANG": "C.UTF-8", "NO_COLOR": "1"}
    if cli == "claude":
        env |= {"ANTHROPIC_BASE_URL": server.base_url, "ANTHROPIC_API_KEY": DUMMY_KEY}
    elif cli == "codex":
        (home / ".codex").mkdir(parents=True, exist_ok=True)
        # the user's own Codex config picks the model; its default model sends no tools at all
        (home / ".codex" / "config.toml").write_text(f'model = "{CODEX_MODEL}"\n')
        env |= {"OPENAI_BASE_URL": server.openai_base_url, "OPENAI_API_KEY": DUMMY_KEY,
                "CODEX_HOME": str(home / ".codex")}
    elif cli == "gemini":
        env |= {"GOOGLE_GEMINI_BASE_URL": server.base_url, "GEMINI_API_KEY": DUMMY_KEY}
    return env


@dataclass
class CliRun:
    code: int | None
    stdout: str
    stderr: str

    def events(self) -> list[dict]:
        """The JSON objects of a JSON-lines stdout (other lines skipped)."""
        out = []
        for line in self.stdout.splitlines():
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if isinstance(obj, dict):
                out.append(obj)
        return out


def run_cli(argv: list[str], cwd: Path, env: dict[str, str], timeout_s: float = 90) -> CliRun:
    """Run a CLI in its own process group; on timeout the whole group is killed."""
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        err += f"\n[test] killed after {timeout_s:g}s"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)     # helpers a CLI left behind
        except (ProcessLookupError, PermissionError):
            pass
    return CliRun(proc.returncode, out, err)


def calls_and_results(cli: str, events: list[dict]) -> tuple[list[str], list[str]]:
    """Tool calls (name, or the command for codex) and tool result texts, from a transcript."""
    calls: list[str] = []
    results: list[str] = []
    for ev in events:
        kind = ev.get("type")
        if cli == "claude" and kind in ("assistant", "user"):
            for block in (ev.get("message") or {}).get("content") or []:
                if block.get("type") == "tool_use":
                    calls.append(block["name"])
                elif block.get("type") == "tool_result":
                    content = block.get("content")
                    results.append(content if isinstance(content, str) else json.dumps(content))
        elif cli == "codex" and kind == "item.completed":
            item = ev.get("item") or {}
            if item.get("type") == "command_execution":
                calls.append(str(item.get("command")))
                results.append(str(item.get("aggregated_output")))
        elif cli == "gemini" and kind == "tool_use":
            calls.append(str(ev.get("tool_name")))
        elif cli == "gemini" and kind == "tool_result":
            results.append(str(ev.get("output", "")))
    return calls, results
