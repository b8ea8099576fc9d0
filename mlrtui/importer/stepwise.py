"""Stepwise outputs: every model's idea and proposal, and the one idea → related work → proposal
chain of each task.

Layout: agent_results/ideas_and_proposals/<task>/idea/idea_<model>.md, proposal/proposal_<model>.md,
and idea.md, related_work.md, proposal.md. In this corpus the chain's idea.md and proposal.md are
byte-for-byte copies of one model's idea_<m>.md / proposal_<m>.md, so their author is found by
comparing texts ('unknown' when none matches, always for related_work.md). Every model's proposal
was written from the shared chain idea and related work (they all develop that idea), so those two
chain versions are recorded as the proposal's inputs.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from mlrtui.importer.context import PREFIX, ImportContext
from mlrtui.importer.files import listing
from mlrtui.importer.textio import read_markdown
from mlrtui.runs.versions import import_run, import_version

STEPWISE_DIR = "agent_results/ideas_and_proposals"
UNKNOWN = "unknown"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _norm(text: str) -> str:
    return " ".join(text.split())


def add_run(ctx: ImportContext, key: str, task: str, mode: str, model: str,
            original: str | None, agent: str | None = None, *, folder: Path) -> int:
    """A corpus run; `folder` (the run's folder in the corpus) is kept as its source_path."""
    return import_run(ctx, {
        "task_id": task, "mode": mode, "model": model, "model_original": original,
        "agent": agent, "status": "done", "source": "corpus", "source_path": ctx.rel(folder),
        "import_key": key, "created_at": ctx.stamp, "updated_at": ctx.stamp})


def add_version(ctx: ImportContext, run_id: int, stage: str, path: Path, text: str,
                author: str, original: str | None, inputs: list[int] = (),
                note: str | None = None, agent: str | None = None) -> int:
    """A stage output; it becomes the stage head unless the run already has one. agent: the
    coding agent that produced it, when one did (its model is the author)."""
    row = {"run_id": run_id, "stage": stage, "text": text, "author": author,
           "author_original": original, "stale": 0, "note": note, "content_hash": sha(text),
           "import_key": ctx.key(path), "created_at": ctx.stamp}
    if agent is not None:
        row["agent"] = agent
    return import_version(ctx, row, inputs)


def _model_files(ctx: ImportContext, folder: Path, stage: str) -> dict[str, tuple[Path, str]]:
    """original model name -> (path, text) for <folder>/<stage>_<model>.md."""
    out: dict[str, tuple[Path, str]] = {}
    for path in listing(folder, f"{stage}_", ".md"):
        ctx.summary.see(f"stepwise {stage}s")
        text = read_markdown(ctx, path)
        if text is not None:
            out[path.stem[len(stage) + 1:]] = (path, text)
    return out


def _match(text: str, files: dict[str, tuple[Path, str]]) -> str | None:
    """The model whose file holds this text: byte-equal first, then ignoring whitespace."""
    exact = next((m for m, (_, t) in files.items() if t == text), None)
    if exact is not None:
        return exact
    target = _norm(text)
    return next((m for m, (_, t) in files.items() if _norm(t) == target), None)


def import_stepwise_task(ctx: ImportContext, task_dir: Path) -> None:
    """One task folder, one transaction: model runs, then the chain run, with lineage."""
    task = task_dir.name
    if task not in ctx.task_ids:
        ctx.problem(task_dir, f"no task file tasks/{task}.md; folder skipped")
        return
    with ctx.unit(task_dir):
        ideas = _model_files(ctx, task_dir / "idea", "idea")
        proposals = _model_files(ctx, task_dir / "proposal", "proposal")
        chain = _import_chain(ctx, task_dir, ideas, proposals)
        for original in sorted(set(ideas) | set(proposals)):
            model = ctx.model(original)
            run = add_run(ctx, f"{PREFIX}run:stepwise/{task}/{model}", task, "stepwise",
                          model, original, folder=task_dir)
            if original in ideas:
                path, text = ideas[original]
                add_version(ctx, run, "idea", path, text, model, original)
            if original in proposals:
                path, text = proposals[original]
                add_version(ctx, run, "proposal", path, text, model, original,
                            inputs=[chain.get("idea"), chain.get("literature")],
                            note="written from this task's shared idea and related work")
        for stage, files in (("idea", ideas), ("proposal", proposals)):
            if not files and (task_dir / stage).exists():
                ctx.problem(task_dir / stage, f"no usable {stage} files")


def _import_chain(ctx: ImportContext, task_dir: Path, ideas: dict, proposals: dict
                  ) -> dict[str, int]:
    """idea.md → related_work.md → proposal.md as a run of its own; returns stage -> version."""
    task = task_dir.name
    specs = [("idea", "idea.md", ideas), ("literature", "related_work.md", None),
             ("proposal", "proposal.md", proposals)]
    texts = {}
    for stage, name, _ in specs:
        path = task_dir / name
        if path.exists():
            ctx.summary.see("stepwise chain files")
            text = read_markdown(ctx, path)
            if text is not None:
                texts[stage] = (path, text)
        else:
            ctx.problem(path, "missing chain file")
    if not texts:
        return {}
    run = add_run(ctx, f"{PREFIX}run:chain/{task}", task, "stepwise", UNKNOWN, None,
                  folder=task_dir)
    out: dict[str, int] = {}
    for stage, _, pool in specs:
        if stage not in texts:
            continue
        path, text = texts[stage]
        original = _match(text, pool) if pool else None
        author = ctx.model(original) if original else UNKNOWN
        note = (f"identical to {stage}/{stage}_{original}.md" if original
                else "author not stated in the corpus")
        inputs = {"idea": [], "literature": [out.get("idea")],
                  "proposal": [out.get("idea"), out.get("literature")]}[stage]
        out[stage] = add_version(ctx, run, stage, path, text, author, original, inputs, note)
    return out
