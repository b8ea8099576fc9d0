"""The built-in experiment loop: works with any model, including the weak embedded one.

The model writes a Python script; it runs in the executor; errors go back to the model for a
bounded number of repair rounds; then the model writes results.md from the captured output.
Garbage code is fine: it still runs, fails, and leaves a stored execution, and results.md is
then written (by the model, or by us when the model returns nothing) from what was captured.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mlrtui.config import ModelConfig
from mlrtui.experiment import workspace
from mlrtui.experiment.executor import ExecResult, ExecSpec, Executor, record_execution
from mlrtui.providers.base import StreamCallback
from mlrtui.providers.client import CallContext, LLMClient
from mlrtui.runs.exec_watch import run_watched
from mlrtui.runs.prompts import EXPERIMENT_CALLS, build_request, extract_code, shorten
from mlrtui.store.db import Store

SCRIPT = "experiment.py"


@dataclass
class ExperimentJob:
    """Everything one experiment needs; built by the pipeline."""

    store: Store
    client: LLMClient
    model: str
    cfg: ModelConfig
    run_id: int
    task_id: str
    inputs: dict[str, str]            # task, idea, literature, proposal texts
    workspace: Path
    executor: Executor
    timeout_s: float = 600.0
    memory_mb: int = 2048
    repair_rounds: int = 3
    batch_id: int | None = None
    on_text: StreamCallback | None = None
    on_event: Callable[[str], None] | None = None
    on_state: Callable[[str, str], None] | None = None   # (cluster job id, state) as it changes


@dataclass
class ExperimentOutcome:
    text: str                                      # results.md, the stage's version text
    execution_ids: list[int] = field(default_factory=list)
    call_keys: list[str] = field(default_factory=list)
    cost_usd: float = 0.0
    note: str = ""
    author: str | None = None                      # None: the backbone model


class _Calls:
    """Model calls of one experiment, keeping their keys and costs for the version."""

    def __init__(self, job: ExperimentJob, outcome: ExperimentOutcome) -> None:
        self.job, self.outcome = job, outcome

    async def ask(self, template: str, values: dict[str, str], fitted: tuple[str, ...]) -> str:
        job = self.job
        request = build_request(template, values, job.cfg, max_tokens=EXPERIMENT_CALLS[template],
                                fitted=fitted, temperature=0.2)
        res = await job.client.complete(
            job.model, request,
            CallContext(purpose="stage", run_id=job.run_id, task_id=job.task_id,
                        stage="experiment", batch_id=job.batch_id), on_text=job.on_text)
        self.outcome.call_keys.append(res.call_key)
        self.outcome.cost_usd += res.cost_usd or 0.0
        return res.completion.text


def _event(job: ExperimentJob, line: str) -> None:
    if job.on_event is not None:
        job.on_event(line)


async def _execute(job: ExperimentJob, code: str, outcome: ExperimentOutcome) -> ExecResult:
    (job.workspace / SCRIPT).write_text(code, encoding="utf-8")
    python = job.cfg.experiment_python or job.client.settings.experiment_python
    result = await run_watched(job, ExecSpec(["python", SCRIPT], job.workspace,
                                             timeout_s=job.timeout_s, memory_mb=job.memory_mb,
                                             python=python))
    eid = record_execution(job.store, job.run_id, result)
    workspace.collect(job.store, job.run_id, job.workspace, eid)
    outcome.execution_ids.append(eid)
    _event(job, f"execution {len(outcome.execution_ids)}: {result.status}"
                + (f" ({result.reason})" if result.reason else ""))
    return result


def _log_text(results: list[ExecResult]) -> str:
    parts = []
    for i, r in enumerate(results, 1):
        parts.append(f"=== execution {i}: {r.command} -> {r.status} (exit {r.exit_code}, "
                     f"{r.duration_s:.2f}s){' — ' + r.reason if r.reason else ''}\n"
                     f"--- stdout\n{r.stdout}\n--- stderr\n{r.stderr}\n")
    return "\n".join(parts)


def fallback_results(result: ExecResult, figures: list[str]) -> str:
    """results.md written by us from the captured output when the model gives nothing usable."""
    lines = ["## Results", "", f"The experiment script ended with status **{result.status}**"
             + (f" ({result.reason})." if result.reason else "."), "",
             "Captured output:", "", "```", shorten(result.stdout or "(no output)", 4000), "```"]
    if result.stderr.strip():
        lines += ["", "Errors:", "", "```", shorten(result.stderr, 2000), "```"]
    if figures:
        lines += ["", "Figures: " + ", ".join(figures)]
    return "\n".join(lines) + "\n"


async def run_builtin(job: ExperimentJob) -> ExperimentOutcome:
    """Write, run, repair, report. Every execution and every call is recorded."""
    outcome = ExperimentOutcome(text="")
    calls = _Calls(job, outcome)
    workspace.prepare(job.run_id, job.inputs, job.workspace)
    timeout = f"{job.timeout_s:g}"
    reply = await calls.ask("experiment_code", {**job.inputs, "timeout": timeout}, ("proposal",))
    code = extract_code(reply)
    results = [await _execute(job, code, outcome)]
    for _ in range(job.repair_rounds):
        if results[-1].ok:
            break
        last = results[-1]
        reply = await calls.ask("experiment_repair", {
            "code": code, "stderr": shorten(last.stderr or last.stdout, 1500),
            "reason": last.reason or last.status}, ("code",))
        code = extract_code(reply)
        results.append(await _execute(job, code, outcome))
    final = results[-1]
    (job.workspace / "log.txt").write_text(_log_text(results), encoding="utf-8")
    figs = [p.relative_to(job.workspace).as_posix() for p in workspace.walk(job.workspace)
            if workspace.kind_of(p.name) == "figure"]
    output = final.stdout + (f"\n[stderr]\n{final.stderr}" if final.stderr.strip() else "")
    text = await calls.ask("experiment_results", {
        "proposal": job.inputs.get("proposal", ""), "code": code,
        "status": f"{final.status}" + (f" ({final.reason})" if final.reason else ""),
        "output": output or "(no output)", "figures": ", ".join(figs) or "none"},
        ("proposal", "code", "output"))
    if len(text.strip()) < 20:
        text = fallback_results(final, figs)
        outcome.note = "results.md written from the captured output (the model gave none)"
    (job.workspace / "results.md").write_text(text, encoding="utf-8")
    workspace.collect(job.store, job.run_id, job.workspace, outcome.execution_ids[-1])
    outcome.text = text
    ok = sum(r.ok for r in results)
    outcome.note = outcome.note or f"{len(results)} execution(s), {ok} ok; last: {final.status}"
    return outcome
