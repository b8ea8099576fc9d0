"""Papers of another agent system: ai_scientist_v2_papers/<model>/<task>/ (AI-Scientist-v2).

One run per folder (agent "ai-scientist-v2", model from the folder name). The PDF is kept as a
file and its text, extracted with pypdf, is the paper version (experiments/idea.md, when there,
is the idea version it was built from). experiments/ summaries and code are kept as files;
token_tracker.json becomes ledger rows with the cost it reports; review_<judge>.json are the
judges' end-to-end reviews of the paper (variant 'ai-scientist-v2', so they stay apart from the
MLR agent's published figures); review_hallucination_<judge>.json become hallucination reviews
whose findings are flags on the paper version.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

from mlrtui.importer.agentwork import add_files
from mlrtui.importer.context import PREFIX, ImportContext
from mlrtui.importer.files import listing
from mlrtui.importer.hallucination import PREFIX as HALLU
from mlrtui.importer.hallucination import add_hallucination_review
from mlrtui.importer.reviewfile import add_review
from mlrtui.importer.stepwise import add_run, add_version
from mlrtui.importer.textio import decode, load_json, read_bytes, read_markdown
from mlrtui.providers.ledger import import_calls

AI_SCIENTIST_DIR = "ai_scientist_v2_papers"
AGENT = "ai-scientist-v2"
TRACKER_COLUMNS = ("call_key", "attempt", "run_id", "version_id", "task_id", "stage", "purpose",
                   "provider", "model", "model_original", "input_tokens", "output_tokens",
                   "cache_read_tokens", "cost_usd", "price_source", "status", "source",
                   "import_key", "created_at")


def run_key(model_dir: str, task: str) -> str:
    return f"{PREFIX}run:{AI_SCIENTIST_DIR}/{model_dir}/{task}"


def pdf_text(ctx: ImportContext, path: Path, raw: bytes) -> str | None:
    """The PDF's text, page by page; None (and one problem line) when pypdf cannot read it."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)   # its warnings are not ours to print
    try:
        reader = PdfReader(io.BytesIO(raw))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        ctx.problem(path, f"PDF not readable ({type(exc).__name__}: {exc}); no paper text")
        return None
    text = "\n\n".join(p.strip("\n") for p in pages).strip()
    if not text:
        ctx.problem(path, "PDF has no extractable text (scanned?); no paper text")
        return None
    return text + "\n"


def import_ai_scientist_run(ctx: ImportContext, run_dir: Path) -> None:
    task, model_dir = run_dir.name, run_dir.parent.name
    if task not in ctx.task_ids:
        ctx.problem(run_dir, f"run of unknown task {task}; folder skipped")
        return
    ctx.summary.see("AI-Scientist-v2 runs")
    with ctx.unit(run_dir):
        _import(ctx, run_dir, task, model_dir)


def _import(ctx: ImportContext, run_dir: Path, task: str, model_dir: str) -> None:
    model = ctx.model(model_dir)
    run = add_run(ctx, run_key(model_dir, task), task, "end-to-end", model, model_dir, AGENT,
                  folder=run_dir)
    idea = None
    idea_path = run_dir / "experiments" / "idea.md"
    if idea_path.is_file():
        text = read_markdown(ctx, idea_path, "idea")
        if text is not None:
            idea = add_version(ctx, run, "idea", idea_path, text, model, model_dir,
                               note="the idea AI-Scientist-v2 worked from", agent=AGENT)
    pdfs = listing(run_dir, "", ".pdf")
    paper = None
    if not pdfs:
        ctx.problem(run_dir, "no PDF; the run has no paper version")
    elif len(pdfs) > 1:
        ctx.problem(run_dir, f"{len(pdfs)} PDFs; the paper is taken from {pdfs[0].name}")
    if pdfs:
        raw = read_bytes(ctx, pdfs[0], "paper PDF")
        text = pdf_text(ctx, pdfs[0], raw) if raw else None
        if text is not None:
            paper = add_version(ctx, run, "paper", pdfs[0], text, model, model_dir,
                                [idea] if idea is not None else [],
                                f"text extracted from {pdfs[0].name} with pypdf", agent=AGENT)
    rels = sorted(p.relative_to(run_dir).as_posix() for p in run_dir.rglob("*")
                  if p.is_file() and not p.name.startswith("review_"))
    add_files(ctx, run, run_dir, rels, None, {},
              why="AI-Scientist-v2 leaves no transcript of its commands")
    _tokens(ctx, run, paper, task, run_dir / "token_tracker.json")
    for path in listing(run_dir, "review_", ".json"):
        if path.name.startswith(HALLU):
            ctx.summary.see("hallucination reviews")
            add_hallucination_review(ctx, path, task=task, target=model, run_id=run,
                                     version_id=paper)
        else:
            ctx.summary.see("AI-Scientist-v2 end-to-end reviews")
            add_review(ctx, path, task=task, stage="overall", target=model,
                       judge_original=path.stem.removeprefix("review_"), run_id=run,
                       version_id=paper, variant=AGENT)


def _tokens(ctx: ImportContext, run: int, version: int | None, task: str, path: Path) -> None:
    """token_tracker.json: {model: {tokens: {prompt, completion, reasoning, cached},
    "cost (USD)": x}} -> one ledger row per model with the cost as reported."""
    if not path.exists():
        ctx.problem(path, "missing token usage file")
        return
    raw = read_bytes(ctx, path, "token usage file")
    text = decode(ctx, path, raw) if raw is not None else None
    data = load_json(ctx, path, text) if text is not None else None
    if not isinstance(data, dict):
        if data is not None:
            ctx.problem(path, "not an object of models; no ledger rows")
        return
    rows = []
    for original, rec in data.items():
        tokens = rec.get("tokens") if isinstance(rec, dict) else None
        if not isinstance(tokens, dict):
            ctx.problem(path, f"{original}: no 'tokens' object; skipped")
            continue
        cost = rec.get("cost (USD)", rec.get("cost"))
        key = ctx.key(path, f"#{original}")
        rows.append((key, 1, run, version, task, None, "agent", AGENT, ctx.model(original),
                     original, tokens.get("prompt"), tokens.get("completion"),
                     tokens.get("cached"), cost if isinstance(cost, int | float) else None,
                     f"reported by {AGENT} token_tracker.json"
                     if isinstance(cost, int | float) else None, "ok", "corpus", key, ctx.stamp))
    import_calls(ctx, TRACKER_COLUMNS, rows)
