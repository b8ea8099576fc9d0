"""Experiment runs of coding agents and the papers written on them:
agent_results/experiments_and_writeups/<agent>/<task>/.

Each folder is one run (mode 'stepwise': its stages came from different systems). Its idea,
related work and proposal are the task's stepwise chain (their author is taken from the chain
version with the same text); the experiment version (results/results.md) is authored by the
coding agent's model, with versions.agent naming the agent ("claude-code", "codex"). The
transcript gives executions, file origins and the agent's reported cost (agentwork.py).

results/paper_<model>.md are the writing stage done by three models on that experiment: each is
its own run (one per writer model, key .../<task>/paper/<model>) holding one paper version whose
input is the experiment version, so the judges' paper/<model>.json reviews link to it.
"""

from __future__ import annotations

from pathlib import Path

from mlrtui.importer.agentwork import find_transcript, import_agent_work
from mlrtui.importer.context import PREFIX, ImportContext
from mlrtui.importer.files import listing
from mlrtui.importer.reviews import AGENT_MODELS
from mlrtui.importer.stepwise import STEPWISE_DIR, add_run, add_version
from mlrtui.importer.textio import read_markdown

WRITEUPS_DIR = "agent_results/experiments_and_writeups"
# Folder name of the agent -> the agent's name in the store.
AGENT_NAMES = {"claude": "claude-code", "claude-code": "claude-code", "codex": "codex",
               "gemini": "gemini-cli", "gemini-cli": "gemini-cli"}
CHAIN = [("idea", "idea.md"), ("literature", "related_work.md"), ("proposal", "proposal.md")]
EXPERIMENT_FILES = ("results/results.md", "results.md")


def run_key(agent_dir: str, task: str) -> str:
    return f"{PREFIX}run:experiments_and_writeups/{agent_dir}/{task}"


def paper_run_key(agent_dir: str, task: str, model: str) -> str:
    return f"{run_key(agent_dir, task)}/paper/{model}"


def _chain_author(ctx: ImportContext, task: str, name: str, text: str
                  ) -> tuple[str, str | None, str | None]:
    """(author, original, note) from the stepwise chain version holding the same text."""
    vid = ctx.ids["versions"].get(f"{PREFIX}{STEPWISE_DIR}/{task}/{name}")
    if vid is not None:
        row = ctx.store.db.execute("SELECT author, author_original, text FROM versions "
                                   "WHERE id = ?", [vid]).fetchone()
        if row is not None and row[2] == text:
            return row[0], row[1], f"identical to {STEPWISE_DIR}/{task}/{name}"
    return "unknown", None, "author not stated in the corpus"


def import_writeup_run(ctx: ImportContext, run_dir: Path) -> None:
    """One <agent>/<task> folder, one unit."""
    task, agent_dir = run_dir.name, run_dir.parent.name
    if task not in ctx.task_ids:
        ctx.problem(run_dir, f"run of unknown task {task}; folder skipped")
        return
    found = find_transcript(run_dir)
    agent = AGENT_NAMES.get(agent_dir) or (found[1] if found else agent_dir)
    ctx.summary.see("experiment runs (experiments_and_writeups)")
    with ctx.unit(run_dir):
        _import(ctx, run_dir, task, agent_dir, agent)


def _import(ctx: ImportContext, run_dir: Path, task: str, agent_dir: str, agent: str) -> None:
    coder = AGENT_MODELS.get(agent_dir, agent)
    found = find_transcript(run_dir)
    if found is None:
        ctx.problem(run_dir, "no coding-agent transcript (claude_output.json, codex_log.log "
                             "or gemini_log.log); executions and file origins unknown")
    run = add_run(ctx, run_key(agent_dir, task), task, "stepwise", ctx.model(coder), coder,
                  agent, folder=run_dir)
    versions: dict[str, int] = {}
    skip: set[str] = set()
    for stage, name in CHAIN:
        path = run_dir / name
        text = read_markdown(ctx, path, f"{stage} input") if path.exists() else None
        if text is None:
            continue
        author, original, note = _chain_author(ctx, task, name, text)
        versions[stage] = add_version(ctx, run, stage, path, text, author, original,
                                      [versions[s] for s in ("idea", "literature")
                                       if s in versions and stage != "idea"], note)
    exp_path = next((run_dir / n for n in EXPERIMENT_FILES if (run_dir / n).is_file()), None)
    if exp_path is None:
        ctx.problem(run_dir, "no results/results.md; the run has no experiment version")
    else:
        text = read_markdown(ctx, exp_path, "experiment output")
        if text is not None:
            skip.add(ctx.rel(exp_path).removeprefix(ctx.rel(run_dir) + "/"))
            versions["experiment"] = _experiment(ctx, run, exp_path, text, agent, coder,
                                                 found is not None, versions)
    skip |= {f"results/{p.name}" for p in listing(run_dir / "results", "paper_", ".md")}
    work = import_agent_work(ctx, run, versions.get("experiment"), task, run_dir, skip)
    if work.transcript is not None and work.transcript.model:
        model = work.transcript.model
        if ctx.model(model) != ctx.model(coder):
            ctx.problem(run_dir, f"transcript names model {model}, expected {coder}")
    _papers(ctx, run_dir, task, agent_dir, versions.get("experiment"))


def _experiment(ctx: ImportContext, run: int, path: Path, text: str, agent: str, coder: str,
                transcript: bool, versions: dict[str, int]) -> int:
    model = ctx.model(coder)
    return add_version(ctx, run, "experiment", path, text, model, coder,
                       [versions[s] for s in ("proposal",) if s in versions],
                       f"experiment run by {agent} ({model})" + ("" if transcript
                                                                 else "; no transcript"),
                       agent=agent)


def _papers(ctx: ImportContext, run_dir: Path, task: str, agent_dir: str,
            experiment: int | None) -> None:
    for path in listing(run_dir / "results", "paper_", ".md"):
        original = path.stem.removeprefix("paper_")
        model = ctx.model(original)
        ctx.summary.see("papers written on an experiment run")
        text = read_markdown(ctx, path, "paper")
        if text is None:
            continue
        if experiment is None:
            ctx.problem(path, "paper without an experiment version to build on")
        run = add_run(ctx, paper_run_key(agent_dir, task, model), task, "stepwise", model,
                      original, None, folder=path.parent.parent)
        add_version(ctx, run, "paper", path, text, model, original,
                    [experiment] if experiment is not None else [],
                    f"written by {model} from the experiment of "
                    f"experiments_and_writeups/{agent_dir}/{task}")
