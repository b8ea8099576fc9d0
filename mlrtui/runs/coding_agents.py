"""External coding agents (Claude Code, Codex, Gemini CLI) as experiment runners.

Each runs headless in the run's workspace (task.md, idea.md, related_work.md, proposal.md) with
a time limit, through the run's executor like any experiment command (`agent_spec`): in the
local sandbox, or as a Slurm job. We keep its transcript (its stdout) as a workspace file, the
cost and tokens it reports as a ledger row (purpose "agent"), every file it produced, and one
execution record. A CLI that is not on PATH is a clear "not installed" failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mlrtui.experiment import workspace
from mlrtui.experiment.executor import ExecResult, ExecStatus, record_execution
from mlrtui.kernel.secrets import known_secrets, redact
from mlrtui.providers.ledger import insert_call
from mlrtui.runs.agent_spec import agent_spec, copy_config_homes
from mlrtui.runs.exec_watch import run_watched
from mlrtui.runs.experiment_loop import ExperimentJob, ExperimentOutcome
from mlrtui.runs.prompts import fill, load_template
from mlrtui.store.db import now

_SECRET_NAME = re.compile(r"(API_KEY|TOKEN|SECRET|PASSWORD)", re.IGNORECASE)


class AgentUnavailable(Exception):
    """The agent's command-line tool is not installed."""


@dataclass
class AgentReport:
    text: str = ""
    cost_usd: float | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    model: str | None = None
    error: str | None = None


def _json_objects(text: str) -> list[dict]:
    """Every JSON object of a stdout that is one object or JSON lines; junk lines skipped."""
    text = text.strip()
    with contextlib.suppress(ValueError):
        whole = json.loads(text)
        return [whole] if isinstance(whole, dict) else []
    out = []
    for line in text.splitlines():
        with contextlib.suppress(ValueError):
            obj = json.loads(line)
            if isinstance(obj, dict):
                out.append(obj)
    return out


def _int(value: object) -> int | None:
    return int(value) if isinstance(value, int | float) else None


class CodingAgent:
    name = ""
    binary = ""
    key_envs: tuple[str, ...] = ()

    def argv(self, binary: str, prompt: str, env: Mapping[str, str] | None = None) -> list[str]:
        """The command line; `env` is the agent's environment (a base URL there may add flags)."""
        raise NotImplementedError

    def environment(self, env: dict[str, str], scratch: Path) -> dict[str, str]:
        """The agent's environment; `scratch` is a private temp dir for files it must read."""
        return env

    def parse(self, stdout: str) -> AgentReport:
        raise NotImplementedError

    def installed(self) -> str | None:
        """The executable's path, or None when it is not on PATH."""
        return shutil.which(self.binary)


class ClaudeCode(CodingAgent):
    name, binary, key_envs = "claude", "claude", ("ANTHROPIC_API_KEY",)

    # Root may not use --dangerously-skip-permissions; allowing these tools suffices headless.
    tools = "Bash,Write,Edit,Read"

    def argv(self, binary: str, prompt: str, env: Mapping[str, str] | None = None) -> list[str]:
        """stream-json keeps every tool call and result in the transcript, then the result."""
        return [binary, "-p", prompt, "--output-format", "stream-json", "--verbose",
                "--allowedTools", self.tools]

    def environment(self, env: dict[str, str], scratch: Path) -> dict[str, str]:
        """ANTHROPIC_BASE_URL passes through as is; no update checks or telemetry calls."""
        return {**env, "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1"}

    def parse(self, stdout: str) -> AgentReport:
        every = _json_objects(stdout)
        objs = [o for o in every if o.get("type", "result") == "result"]
        if not objs:
            return AgentReport(error="no JSON result in the output")
        o = objs[-1]
        # stream-json names the model in its init event, not in the result
        init = next((x for x in every if x.get("subtype") == "init" and x.get("model")), {})
        usage = o.get("usage") if isinstance(o.get("usage"), dict) else {}
        tokens_in = sum(_int(usage.get(k)) or 0 for k in (
            "input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"))
        cost = o.get("total_cost_usd", o.get("cost_usd"))
        return AgentReport(text=str(o.get("result") or ""),
                           cost_usd=float(cost) if isinstance(cost, int | float) else None,
                           input_tokens=tokens_in or None,
                           output_tokens=_int(usage.get("output_tokens")),
                           model=o.get("model") or init.get("model"),
                           error=str(o.get("subtype")) if o.get("is_error") else None)


class Codex(CodingAgent):
    name, binary, key_envs = "codex", "codex", ("OPENAI_API_KEY", "CODEX_API_KEY")

    def argv(self, binary: str, prompt: str, env: Mapping[str, str] | None = None) -> list[str]:
        """Codex ignores OPENAI_BASE_URL: a base URL there becomes a custom Responses provider.
        Its own sandbox (bubblewrap) cannot start inside ours, which already confines it to
        the workspace: it runs with its sandbox off."""
        base = (env or {}).get("OPENAI_BASE_URL")
        provider: list[str] = []
        if base:
            for key, value in (("model_provider", "mlrtui"), ("model_providers.mlrtui.name",
                                                              "mlrtui"),
                               ("model_providers.mlrtui.base_url", base),
                               ("model_providers.mlrtui.env_key", "OPENAI_API_KEY"),
                               ("model_providers.mlrtui.wire_api", "responses")):
                provider += ["-c", f"{key}={json.dumps(value)}"]
        return [binary, "exec", "--json", "--skip-git-repo-check", "--sandbox",
                "danger-full-access", *provider, prompt]

    def parse(self, stdout: str) -> AgentReport:
        report = AgentReport(input_tokens=0, output_tokens=0)
        for o in _json_objects(stdout):
            kind = o.get("type")
            item = o.get("item") if isinstance(o.get("item"), dict) else {}
            if kind == "item.completed" and item.get("type") in ("agent_message",
                                                                 "assistant_message"):
                report.text = str(item.get("text") or report.text)
            elif kind == "turn.completed" and isinstance(o.get("usage"), dict):
                report.input_tokens += _int(o["usage"].get("input_tokens")) or 0
                report.output_tokens += _int(o["usage"].get("output_tokens")) or 0
            elif kind in ("turn.failed", "error"):
                err = o.get("error") if isinstance(o.get("error"), dict) else o
                report.error = str(err.get("message") or kind)
        return report


class GeminiCli(CodingAgent):
    name, binary, key_envs = "gemini", "gemini", ("GEMINI_API_KEY", "GOOGLE_API_KEY")

    def argv(self, binary: str, prompt: str, env: Mapping[str, str] | None = None) -> list[str]:
        """--skip-trust: an untrusted folder would turn --yolo back into asking for approval."""
        return [binary, "-p", prompt, "--output-format", "stream-json", "--yolo", "--skip-trust"]

    def environment(self, env: dict[str, str], scratch: Path) -> dict[str, str]:
        """With GOOGLE_GEMINI_BASE_URL the CLI picks a "gateway" auth that it then rejects as
        invalid; a private CLI home in `scratch` selects the API-key auth instead. (System
        settings would do too, but it ignores them under a world-writable dir such as /tmp.)"""
        if not env.get("GOOGLE_GEMINI_BASE_URL") or "GEMINI_CLI_HOME" in env:
            return env
        folder = scratch / ".gemini"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "settings.json").write_text(json.dumps(
            {"security": {"auth": {"selectedType": "gemini-api-key"}}}), encoding="utf-8")
        return {**env, "GEMINI_CLI_HOME": str(scratch)}

    def parse(self, stdout: str) -> AgentReport:
        objs = _json_objects(stdout)
        if not objs:
            return AgentReport(error="no JSON in the output")
        if any(o.get("type") == "init" for o in objs):
            return self._parse_stream(objs)
        o = objs[-1]
        report = AgentReport(text=str(o.get("response") or ""))
        models = (o.get("stats") or {}).get("models") if isinstance(o.get("stats"), dict) else None
        if isinstance(models, dict) and models:
            report.model = next(iter(models))
            toks = [m.get("tokens", {}) for m in models.values() if isinstance(m, dict)]
            report.input_tokens = sum(_int(t.get("prompt")) or 0 for t in toks)
            report.output_tokens = sum(_int(t.get("candidates")) or 0 for t in toks)
        if isinstance(o.get("error"), dict):
            report.error = str(o["error"].get("message") or o["error"])
        return report

    @staticmethod
    def _parse_stream(objs: list[dict]) -> AgentReport:
        """stream-json: assistant message deltas, then one result event with the stats."""
        report = AgentReport(text="".join(str(o.get("content") or "") for o in objs
                                          if o.get("type") == "message"
                                          and o.get("role") == "assistant"))
        result = next((o for o in reversed(objs) if o.get("type") == "result"), None)
        if result is None:
            report.error = "no result event in the output"
            return report
        stats = result.get("stats") if isinstance(result.get("stats"), dict) else {}
        report.input_tokens = _int(stats.get("input_tokens"))
        report.output_tokens = _int(stats.get("output_tokens"))
        models = stats.get("models") if isinstance(stats.get("models"), dict) else {}
        report.model = next(iter(models), None)
        if result.get("status") not in (None, "success"):
            err = result.get("error") if isinstance(result.get("error"), dict) else {}
            report.error = str(err.get("message") or result.get("status"))
        return report


AGENTS: dict[str, CodingAgent] = {a.name: a for a in (ClaudeCode(), Codex(), GeminiCli())}


def agent_env(agent: CodingAgent) -> dict[str, str]:
    """The caller's environment without other tools' secrets; the agent keeps its own key."""
    return {k: v for k, v in os.environ.items()
            if not _SECRET_NAME.search(k) or k in agent.key_envs}


def _ledger_row(job: ExperimentJob, agent: CodingAgent, report: AgentReport, latency: float,
                ok: bool) -> str:
    key = uuid.uuid4().hex
    insert_call(job.store, {
        "call_key": key, "attempt": 1, "run_id": job.run_id, "batch_id": job.batch_id,
        "task_id": job.task_id, "stage": "experiment", "purpose": "agent",
        "provider": agent.name, "model": report.model or agent.name,
        "input_tokens": report.input_tokens, "output_tokens": report.output_tokens,
        "cost_usd": report.cost_usd,
        "price_source": f"reported by {agent.name}" if report.cost_usd is not None else None,
        "latency_s": round(latency, 3), "status": "ok" if ok else "error",
        "error": report.error, "created_at": now()})
    return key


async def run_agent(job: ExperimentJob, agent: CodingAgent) -> ExperimentOutcome:
    """Run one coding agent on the workspace through the job's executor (the sandbox, or a
    Slurm job); raises AgentUnavailable when its CLI is not installed here."""
    ws = workspace.prepare(job.run_id, job.inputs, job.workspace)
    command = f"{agent.binary} (headless)"
    binary = agent.installed()
    if binary is None:
        reason = f"{agent.name} is not installed ('{agent.binary}' not found on PATH)"
        record_execution(job.store, job.run_id, ExecResult(
            command, str(ws), None, "error", reason, 0.0, "", "", now(), executor=agent.name))
        raise AgentUnavailable(reason)
    system, user = load_template("agent")
    prompt = fill("\n\n".join(p for p in (system, user) if p), {"timeout": f"{job.timeout_s:g}"})
    home = ws / ".home"                       # the sandbox HOME: the agent's scratch too
    home.mkdir(parents=True, exist_ok=True)
    env, copies = copy_config_homes(agent.environment(agent_env(agent), home), home)
    spec = agent_spec(agent, binary, prompt, ws, env, timeout_s=job.timeout_s,
                      memory_mb=job.memory_mb)
    shown = " ".join([agent.binary, *agent.argv(binary, "<prompt>", spec.env)[1:]])
    try:
        res = await run_watched(job, spec, label=agent.name, command=shown)
    finally:
        for copy in copies:
            shutil.rmtree(copy, ignore_errors=True)
    secrets = known_secrets(job.client.settings)
    stdout, stderr = redact(res.stdout, secrets), redact(res.stderr, secrets)
    (ws / f"transcript_{agent.name}.json").write_text(stdout, encoding="utf-8")
    report = agent.parse(stdout)
    res.status, res.reason = _status(res, report, job.timeout_s)
    res.stdout, res.stderr = stdout[-65536:], stderr[-65536:]
    eid = record_execution(job.store, job.run_id, res)
    outcome = ExperimentOutcome(text="", execution_ids=[eid], author=agent.name)
    outcome.call_keys.append(_ledger_row(job, agent, report, res.duration_s, res.status == "ok"))
    outcome.cost_usd = report.cost_usd or 0.0
    results_md = next((p for p in (ws / "results.md", ws / "results" / "results.md")
                       if p.is_file()), None)
    text = results_md.read_text(encoding="utf-8", errors="replace") if results_md else ""
    if not text.strip():
        text = report.text or (f"The {agent.name} agent produced no results "
                               f"({res.reason or res.status}).")
        (ws / "results.md").write_text(text, encoding="utf-8")
    workspace.collect(job.store, job.run_id, ws, eid)
    outcome.text = text
    outcome.note = f"{agent.name}: {res.status}" + (f" ({res.reason})" if res.reason else "")
    return outcome


def _status(res: ExecResult, report: AgentReport,
            timeout_s: float) -> tuple[ExecStatus, str | None]:
    """The executor's verdict, unless the command ended well and its transcript says it failed."""
    if res.status == "timeout":
        return "timeout", f"time limit of {timeout_s:g}s exceeded ({res.reason})"
    if res.status == "ok":
        return ("failed", report.error) if report.error else ("ok", None)
    return res.status, report.error or res.reason
