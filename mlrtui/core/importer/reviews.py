"""Judge outputs: stepwise idea/proposal reviews and the subset (experiment, paper, overall)
reviews of both judges, with per-dimension scores and hallucination verdicts as flags.

Who each subset review targets (worked out from the files, see docs in the report):
- experiments/<agent>.json: the experiment a coding agent ran on the task's chain proposal
  (codex → o4-mini, claude = Claude Code → claude-3-7-sonnet); the run itself is not in the corpus.
- paper/<model>.json: the write-up by <model> (stage 'writeup').
- review_<model>.json: end-to-end review of the paper's main MLR-Agent run of that backbone
  (claude, o4-mini, gemini); variant NULL: these give the published Overall figures.
- review_<model>_no_code.json: the same judged without the code (variant 'no_code').
- review_codex.json / review_gemini-cli.json: end-to-end review of the CLI-agent runs under
  agent_results/end2end_<agent>/ (variant = the agent), linked to that run and its paper.
"""

from __future__ import annotations

import json
from pathlib import Path

from mlrtui.core.importer.context import PREFIX, ImportContext
from mlrtui.core.importer.stepwise import STEPWISE_DIR
from mlrtui.core.importer.textio import read_text
from mlrtui.core.reviewparse import ParsedReview, parse_review

# Short agent / model names in file names -> the model that backs them (as found in the corpus).
AGENT_MODELS = {
    "codex": "o4-mini-2025-04-16",
    "o4-mini": "o4-mini-2025-04-16",
    "claude": "claude-3-7-sonnet-20250219",
    "gemini": "gemini-2.5-pro-preview-03-25",
    "gemini-cli": "google/gemini-2.5-pro-preview-05-06",
}
E2E_AGENTS = {"codex": "end2end_codex", "gemini-cli": "end2end_gemini-cli"}
_EXPECTED_KEYS = {"score", "justification"}
_OVERALL_KEYS = {"score", "justification", "strengths", "weaknesses"}
_FLAG_TYPES = [
    ("faked_results", ("simulat", "fabricat", "synthetic result", "placeholder", "fake",
                       "hard-coded", "hardcoded", "not actually run", "mock")),
    ("nonexistent_citation", ("citation", "reference", "cited")),
    ("math_error", ("equation", "derivation", "mathematical")),
    ("hallucinated_methodology", ("method", "implementation")),
]


def flag_type(details: str) -> str:
    """A transparent keyword guess of the hallucination type; 'other' when nothing matches."""
    low = details.lower()
    for kind, words in _FLAG_TYPES:
        if any(w in low for w in words):
            return kind
    return "other"


def _extra_keys(parsed: ParsedReview) -> list[str]:
    if not isinstance(parsed.data, dict):
        return []
    extra = []
    for dim, value in parsed.data.items():
        if not isinstance(value, dict) or dim.lower() == "hallucination":
            continue
        allowed = _OVERALL_KEYS if dim.lower().startswith("overall") else _EXPECTED_KEYS
        extra += [f"{dim}.{k}" for k in value if str(k).lower() not in allowed]
    return extra


def add_review(ctx: ImportContext, path: Path, *, task: str, stage: str, target: str | None,
               judge_original: str, run_id: int | None = None, version_id: int | None = None,
               variant: str | None = None) -> int | None:
    """Parse one judge file and store review, scores and (if any) its hallucination flag."""
    key = ctx.key(path)
    text = read_text(ctx, path, "review")
    if text is None:
        return None
    parsed = parse_review(text)
    if parsed.status == "invalid":
        ctx.problem(path, f"review not readable ({parsed.error}); kept raw as 'invalid'")
    elif parsed.status == "repaired":
        ctx.problem(path, "broken JSON; repaired with json_repair")
    if isinstance(parsed.data, list):
        ctx.problem(path, f"JSON lines ({len(parsed.data)} records) in a review file")
    extra = _extra_keys(parsed)
    if extra:
        ctx.problem(path, f"extra keys inside score objects ignored: {', '.join(extra)}")
    judge = ctx.model(judge_original)
    review_id = ctx.keyed("reviews", {
        "task_id": task, "run_id": run_id, "version_id": version_id, "stage": stage,
        "target_model": target, "judge_model": judge, "judge_original": judge_original,
        "overall": parsed.scores.get("Overall"), "confidence": parsed.confidence,
        "raw_text": text, "parsed": json.dumps(parsed.summary(), ensure_ascii=False),
        "parse_status": parsed.status, "error": parsed.error, "source": "corpus",
        "variant": variant, "import_key": key, "created_at": ctx.stamp})
    ctx.many("review_scores", ("review_id", "dimension", "score", "justification"),
             [(review_id, dim, score, parsed.justifications.get(dim))
              for dim, score in parsed.scores.items()])
    if parsed.hallucination:
        details = parsed.hallucination_details
        ctx.many("flags", ("review_id", "run_id", "version_id", "type", "description",
                           "evidence", "source", "status", "import_key", "created_at"),
                 [(review_id, run_id, version_id, flag_type(details), details, "", judge,
                   "open", ctx.key(path, "#hallucination"), ctx.stamp)])
    return review_id


def import_stepwise_reviews(ctx: ImportContext, task_dir: Path, judge_original: str) -> None:
    """<judge dir>/<task>/{idea,proposal}/<stage>_<model>.json, one transaction."""
    task = task_dir.name
    if task not in ctx.task_ids:
        ctx.problem(task_dir, f"reviews of unknown task {task}; folder skipped")
        return
    with ctx.unit(task_dir):
        for stage in ("idea", "proposal"):
            for path in sorted((task_dir / stage).glob("*.json")):
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


def import_subset_reviews(ctx: ImportContext, task_dir: Path, judge_original: str) -> None:
    """<subset dir>/<task>/: experiments/*.json, paper/*.json, review_*.json; one transaction."""
    task = task_dir.name
    if task not in ctx.task_ids:
        ctx.problem(task_dir, f"reviews of unknown task {task}; folder skipped")
        return
    label = f"subset reviews (judge {ctx.model(judge_original)})"
    with ctx.unit(task_dir):
        for path in sorted((task_dir / "experiments").glob("*.json")):
            ctx.summary.see(label)
            add_review(ctx, path, task=task, stage="experiment",
                       target=ctx.model(AGENT_MODELS.get(path.stem, path.stem)),
                       judge_original=judge_original)
        for path in sorted((task_dir / "paper").glob("*.json")):
            ctx.summary.see(label)
            add_review(ctx, path, task=task, stage="writeup", target=ctx.model(path.stem),
                       judge_original=judge_original)
        for path in sorted(task_dir.glob("review_*.json")):
            ctx.summary.see(label)
            name = path.stem.removeprefix("review_")
            variant = None
            if name.endswith("_no_code"):
                name, variant = name.removesuffix("_no_code"), "no_code"
            run = version = None
            if name in E2E_AGENTS:
                variant = name
                run = ctx.ids["runs"].get(f"{PREFIX}run:{E2E_AGENTS[name]}/{task}")
                version = ctx.ids["versions"].get(
                    f"{PREFIX}agent_results/{E2E_AGENTS[name]}/{task}/results/paper.md")
            add_review(ctx, path, task=task, stage="overall",
                       target=ctx.model(AGENT_MODELS.get(name, name)),
                       judge_original=judge_original, run_id=run, version_id=version,
                       variant=variant)
