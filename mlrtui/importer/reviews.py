"""Judge outputs: stepwise idea/proposal reviews and the subset (experiment, paper, overall)
reviews of both judges, with per-dimension scores and hallucination verdicts as flags.

Who each subset review targets (worked out from the files, see docs in the report):
- experiments/<agent>.json: the experiment a coding agent ran on the task's chain proposal
  (codex → o4-mini, claude = Claude Code → claude-3-7-sonnet): the experiment version of the
  run agent_results/experiments_and_writeups/<agent>/<task>.
- paper/<model>.json: the write-up by <model> (stage 'writeup') on the Claude Code experiment:
  the paper version of the run experiments_and_writeups/claude/<task>/paper/<model>.
- review_<model>.json: end-to-end review of the paper's main MLR-Agent run of that backbone
  (claude, o4-mini, gemini; folders end2end_<model> of the full release, linked when present);
  variant NULL: these give the published Overall figures.
- review_<model>_no_code.json: the same judged without the code (variant 'no_code').
- review_codex.json / review_gemini-cli.json: end-to-end review of the CLI-agent runs under
  agent_results/end2end_<agent>/ (variant = the agent), linked to that run and its paper.
"""

from __future__ import annotations

from pathlib import Path

from mlrtui.importer.context import PREFIX, ImportContext
from mlrtui.importer.files import listing
from mlrtui.importer.reviewfile import add_review
from mlrtui.importer.stepwise import STEPWISE_DIR

ABSENT = "reviews of runs this corpus does not hold:"
WRITEUPS = "experiments_and_writeups"   # run keys: corpus:run:<this>/<agent>/<task>

# Short agent / model names in file names -> the model that backs them (as found in the corpus).
AGENT_MODELS = {
    "codex": "o4-mini-2025-04-16",
    "o4-mini": "o4-mini-2025-04-16",
    "claude": "claude-3-7-sonnet-20250219",
    "gemini": "gemini-2.5-pro-preview-03-25",
    "gemini-cli": "google/gemini-2.5-pro-preview-05-06",
}
E2E_AGENTS = {"codex": "end2end_codex", "gemini-cli": "end2end_gemini-cli"}


def stepwise_files(task_dir: Path) -> list[tuple[str, Path]]:
    """(stage, path) of <judge dir>/<task>/{idea,proposal}/*.json, in import order."""
    return [(stage, path) for stage in ("idea", "proposal")
            for path in listing(task_dir / stage, "", ".json")]


def subset_files(task_dir: Path) -> list[tuple[str, Path]]:
    """(kind, path) of <subset dir>/<task>/: experiments/*.json, paper/*.json, review_*.json."""
    return ([("experiment", p) for p in listing(task_dir / "experiments", "", ".json")]
            + [("writeup", p) for p in listing(task_dir / "paper", "", ".json")]
            + [("overall", p) for p in listing(task_dir, "review_", ".json")])


def import_stepwise_reviews(ctx: ImportContext, task_dir: Path, judge_original: str,
                            files: list[tuple[str, Path]] | None = None) -> None:
    """<judge dir>/<task>/{idea,proposal}/<stage>_<model>.json, one unit."""
    task = task_dir.name
    if task not in ctx.task_ids:
        ctx.problem(task_dir, f"reviews of unknown task {task}; folder skipped")
        return
    with ctx.unit(task_dir):
        for stage, path in stepwise_files(task_dir) if files is None else files:
            ctx.summary.see(f"stepwise reviews (judge {ctx.model(judge_original)})")
            original = path.stem.removeprefix(f"{stage}_")
            target = ctx.model(original)
            vkey = f"{PREFIX}{STEPWISE_DIR}/{task}/{stage}/{stage}_{original}.md"
            version = ctx.ids["versions"].get(vkey)
            run = ctx.ids["runs"].get(f"{PREFIX}run:stepwise/{task}/{target}")
            if version is None and vkey not in ctx.ids["reviews"]:
                ctx.problem(path, f"judged {stage} not found ({vkey[len(PREFIX):]})")
            add_review(ctx, path, task=task, stage=stage, target=target,
                       judge_original=judge_original, run_id=run, version_id=version)


def import_subset_reviews(ctx: ImportContext, task_dir: Path, judge_original: str,
                          files: list[tuple[str, Path]] | None = None) -> None:
    """<subset dir>/<task>/: experiments/*.json, paper/*.json, review_*.json; one unit."""
    task = task_dir.name
    if task not in ctx.task_ids:
        ctx.problem(task_dir, f"reviews of unknown task {task}; folder skipped")
        return
    label = f"subset reviews (judge {ctx.model(judge_original)})"
    with ctx.unit(task_dir):
        for stage, path in subset_files(task_dir) if files is None else files:
            ctx.summary.see(label)
            if stage == "experiment":
                run, version = _linked(ctx, f"run:{WRITEUPS}/{path.stem}/{task}", "experiment")
                add_review(ctx, path, task=task, stage=stage,
                           target=ctx.model(AGENT_MODELS.get(path.stem, path.stem)),
                           judge_original=judge_original, run_id=run, version_id=version)
            elif stage == "writeup":
                run, version = _linked(ctx, f"run:{WRITEUPS}/claude/{task}/paper/"
                                            f"{ctx.model(path.stem)}", "paper")
                add_review(ctx, path, task=task, stage=stage, target=ctx.model(path.stem),
                           judge_original=judge_original, run_id=run, version_id=version)
            else:
                _add_overall(ctx, path, task, judge_original)


def _linked(ctx: ImportContext, run_key: str, stage: str) -> tuple[int | None, int | None]:
    """(run, version) of the judged stage: the run's version of that stage, if imported."""
    run = ctx.ids["runs"].get(PREFIX + run_key)
    if run is None:
        return None, None
    row = ctx.store.db.execute("SELECT version_id FROM stage_heads WHERE run_id = ? AND "
                               "stage = ?", [run, stage]).fetchone()
    return run, (row[0] if row else None)


def _add_overall(ctx: ImportContext, path: Path, task: str, judge_original: str) -> None:
    name = path.stem.removeprefix("review_")
    variant = None
    if name.endswith("_no_code"):
        name, variant = name.removesuffix("_no_code"), "no_code"
    if name in E2E_AGENTS:
        variant = name
    run, version = _linked(ctx, f"run:end2end_{name}/{task}", "paper")
    if run is None:
        ctx.summary.see(f"{ABSENT} agent_results/end2end_{name}/")
    add_review(ctx, path, task=task, stage="overall",
               target=ctx.model(AGENT_MODELS.get(name, name)),
               judge_original=judge_original, run_id=run, version_id=version, variant=variant)
