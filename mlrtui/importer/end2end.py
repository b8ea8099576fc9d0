"""End-to-end runs: agent_results/end2end_<agent>/<task>/ with stage outputs, files, logs and
token usage.

Stage outputs become versions (idea.md, related_work.md → literature, proposal.md,
results/results.md → experiment, results/paper.md → paper) with lineage. Every other file of
the run folder is kept in `files` with its bytes and sha256; files over MAX_INLINE_BYTES are
kept by absolute path only (content NULL) so a huge log cannot bloat the database. The coding
agent's transcript (<agent>_log.log) and the task's slice of the batch log become executions;
*_token_usage.json files become llm_calls rows, priced at import from their token counts with
the price data in force at the call's time (unpriced when the data does not know the model).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from mlrtui.costs.summary import price_row
from mlrtui.experiment.executor import import_execution
from mlrtui.experiment.workspace import import_files
from mlrtui.importer import agentwork
from mlrtui.importer.agentlog import TaskLog, seconds_between, transcript_span
from mlrtui.importer.context import PREFIX, ImportContext
from mlrtui.importer.files import MAX_INLINE_BYTES, file_kind, hash_file, listing
from mlrtui.importer.hallucination import PREFIX as HALLU
from mlrtui.importer.hallucination import add_hallucination_review
from mlrtui.importer.reviews import AGENT_MODELS
from mlrtui.importer.stepwise import add_run, add_version
from mlrtui.importer.textio import decode, load_json, read_bytes, read_markdown
from mlrtui.providers.ledger import import_calls

MAX_STDOUT_CHARS = 1_000_000
STAGE_FILES = [("idea", "idea.md"), ("literature", "related_work.md"),
               ("proposal", "proposal.md"), ("experiment", "results/results.md"),
               ("paper", "results/paper.md")]
LINEAGE = {"idea": [], "literature": ["idea"], "proposal": ["idea", "literature"],
           "experiment": ["proposal"], "paper": ["experiment", "proposal"]}
USAGE_STAGES = {"idea": "idea", "lit": "literature", "proposal": "proposal", "paper": "paper"}
USAGE_COLUMNS = ("call_key", "attempt", "run_id", "version_id", "task_id", "stage", "purpose",
                 "provider", "model", "model_original", "input_tokens", "output_tokens",
                 "cache_read_tokens", "cost_usd", "price_source", "price_version", "status",
                 "source", "import_key", "created_at")
EXPECTED = ["results/log.txt", "idea_token_usage.json", "lit_token_usage.json",
            "proposal_token_usage.json", "paper_token_usage.json"]


def provider_of(original: str) -> str:
    low = original.lower()
    if "/" in low:
        return "openrouter"
    if low.startswith("claude"):
        return "anthropic"
    if low.startswith("gemini"):
        return "google"
    return "openai"


def _cap(text: str) -> str:
    if len(text) <= MAX_STDOUT_CHARS:
        return text
    return text[:MAX_STDOUT_CHARS] + f"\n[... {len(text) - MAX_STDOUT_CHARS} characters cut]\n"


def import_run(ctx: ImportContext, run_dir: Path, agent: str, log: TaskLog | None,
               batch_log: Path) -> None:
    """One run folder, one transaction."""
    task = run_dir.name
    if task not in ctx.task_ids:
        ctx.problem(run_dir, f"run of unknown task {task}; folder skipped")
        return
    ctx.summary.see("end-to-end runs")
    with ctx.unit(run_dir):
        _import_run(ctx, run_dir, agent, log or TaskLog(), batch_log)


def _import_run(ctx: ImportContext, run_dir: Path, agent: str, log: TaskLog,
                batch_log: Path) -> None:
    task = run_dir.name
    backbone = log.model or AGENT_MODELS.get(agent)
    if backbone is None:
        ctx.problem(run_dir, "backbone model not found in the batch log; recorded as 'unknown'")
        backbone = "unknown"
    model = ctx.model(backbone)
    found = agentwork.find_transcript(run_dir)
    if found is not None and found[1] == "claude-code":   # the Claude Code layout
        run, versions = _claude_layout(ctx, run_dir, found[0], log, backbone, model)
        _batch_execution(ctx, run, run_dir, versions, log, batch_log)
        return
    run = add_run(ctx, f"{PREFIX}run:{run_dir.parent.name}/{task}", task, "end-to-end",
                  model, backbone, agent, folder=run_dir)
    transcript = run_dir / f"{agent.split('-')[0]}_log.log"
    coder = _coder_model(ctx, transcript) or backbone
    versions = _stage_versions(ctx, run, run_dir, log, backbone, coder, agent)
    _expected(ctx, run_dir)
    execution = _executions(ctx, run, run_dir, transcript, versions, log, batch_log, agent)
    _files(ctx, run, run_dir, execution)
    _usage(ctx, run, run_dir, versions, log, backbone)
    _hallucination_reviews(ctx, run, run_dir, versions.get("paper"), model)


def _claude_layout(ctx: ImportContext, run_dir: Path, transcript: Path, log: TaskLog,
                   backbone: str, model: str) -> tuple[int, dict[str, int]]:
    """MLR agent stages by the backbone, experiment by Claude Code: per-call executions, file
    origins and the agent's reported cost from claude_output.json."""
    t = agentwork.parse(ctx, transcript, "claude-code")
    coder = (t.model if t is not None else None) or "unknown"
    run = add_run(ctx, f"{PREFIX}run:{run_dir.parent.name}/{run_dir.name}", run_dir.name,
                  "end-to-end", model, backbone, "claude-code", folder=run_dir)
    versions = _stage_versions(ctx, run, run_dir, log, backbone, coder, "claude-code")
    _expected(ctx, run_dir)
    skip = {name for _, name in STAGE_FILES} | {p.name for p in listing(run_dir, HALLU)}
    agentwork.import_agent_work(ctx, run, versions.get("experiment"), run_dir.name, run_dir,
                                skip, t)
    _usage(ctx, run, run_dir, versions, log, backbone)
    _hallucination_reviews(ctx, run, run_dir, versions.get("paper"), model)
    return run, versions


def _expected(ctx: ImportContext, run_dir: Path) -> None:
    for name in EXPECTED:
        if not (run_dir / name).exists():
            what = "log" if name.endswith("log.txt") else "token usage file"
            ctx.problem(run_dir / name, f"missing {what}")


def _hallucination_reviews(ctx: ImportContext, run: int, run_dir: Path, paper: int | None,
                           model: str) -> None:
    for path in listing(run_dir, HALLU, ".json"):
        ctx.summary.see("hallucination reviews")
        add_hallucination_review(ctx, path, task=run_dir.name, target=model, run_id=run,
                                 version_id=paper)


def _stage_versions(ctx: ImportContext, run: int, run_dir: Path, log: TaskLog, backbone: str,
                    coder: str, agent: str | None = None) -> dict[str, int]:
    versions: dict[str, int] = {}
    for stage, name in STAGE_FILES:
        path = run_dir / name
        text = read_markdown(ctx, path, f"{stage} output")
        if text is None:
            continue
        original = {"literature": log.literature_model, "experiment": coder}.get(stage, backbone)
        author = ctx.model(original) if original else "unknown"
        versions[stage] = add_version(ctx, run, stage, path, text, author, original,
                                      [versions.get(s) for s in LINEAGE[stage]],
                                      agent=agent if stage == "experiment" else None)
    return versions


def _coder_model(ctx: ImportContext, transcript: Path) -> str | None:
    """The coding agent's model, from a 'model: X' header line of its transcript."""
    try:
        with transcript.open(encoding="utf-8", errors="replace") as fh:
            head = [fh.readline() for _ in range(12)]
    except OSError:
        return None
    for line in head:
        if line.startswith("model:"):
            return line.split(":", 1)[1].strip() or None
    return None


def _executions(ctx: ImportContext, run: int, run_dir: Path, transcript: Path,
                versions: dict[str, int], log: TaskLog, batch_log: Path, agent: str
                ) -> int | None:
    exp_version = versions.get("experiment")
    execution = None
    if transcript.is_file() and transcript.stat().st_size > MAX_INLINE_BYTES:
        with transcript.open("rb") as fh:   # a huge transcript: keep its head only
            raw = fh.read(MAX_STDOUT_CHARS)
    else:
        raw = read_bytes(ctx, transcript, "agent log (coding-agent transcript)")
    text = decode(ctx, transcript, raw) if raw is not None else None
    if text is not None:
        first, last = transcript_span(text)
        execution = import_execution(ctx, {
            "run_id": run, "version_id": exp_version, "executor": agent.split("-")[0],
            "command": f"{agent} (imported transcript {transcript.name})",
            "cwd": None, "exit_code": None, "status": "ok", "reason": None,
            "duration_s": seconds_between(first, last), "stdout": _cap(text), "stderr": "",
            "started_at": first or ctx.stamp, "import_key": ctx.key(transcript)})
    _batch_execution(ctx, run, run_dir, versions, log, batch_log)
    return execution


def _batch_execution(ctx: ImportContext, run: int, run_dir: Path, versions: dict[str, int],
                     log: TaskLog, batch_log: Path) -> None:
    """The task's lines of the MLR agent's batch log, as one execution of the pipeline."""
    if log.lines:
        import_execution(ctx, {
            "run_id": run, "version_id": versions.get("paper"), "executor": "imported",
            "command": f"mlr-agent pipeline (lines of {batch_log.name} for {run_dir.name})",
            "cwd": None, "exit_code": None, "status": "ok" if log.finished else "failed",
            "reason": None if log.finished else "the batch log never reports this run finished",
            "duration_s": seconds_between(log.first, log.last),
            "stdout": _cap("\n".join(log.lines) + "\n"), "stderr": "",
            "started_at": log.first or ctx.stamp,
            "import_key": ctx.key(batch_log, f"#{run_dir.name}")})


def _files(ctx: ImportContext, run: int, run_dir: Path, execution: int | None) -> None:
    skip = {name for _, name in STAGE_FILES}
    rows = []
    for path in sorted(p for p in run_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(run_dir).as_posix()
        if rel in skip or rel.startswith(HALLU):
            continue
        ctx.summary.see("end-to-end files")
        kind = file_kind(rel)
        exe = execution if kind in ("log", "result", "figure", "code", "transcript") else None
        try:
            size = path.stat().st_size
            if size > MAX_INLINE_BYTES:   # kept by path only; see files.MAX_INLINE_BYTES
                digest, size = hash_file(path)
                ctx.problem(path, f"{size} bytes; kept by path, not copied into the database")
                rows.append((run, exe, rel, kind, None, str(path.resolve()), digest, size,
                             ctx.stamp))
                continue
        except OSError as exc:
            ctx.problem(path, f"cannot read ({exc.strerror})")
            continue
        raw = read_bytes(ctx, path)
        if raw is None:
            continue
        if not raw and path.name != "__init__.py":
            ctx.problem(path, "empty file" + (" (log)" if kind == "log" else ""))
        elif path.suffix == ".json" and raw.strip() and not rel.endswith("_token_usage.json"):
            load_json(ctx, path, raw.decode("utf-8", errors="replace"))
        rows.append((run, exe, rel, kind, raw, None, hashlib.sha256(raw).hexdigest(), len(raw),
                     ctx.stamp))
    import_files(ctx, rows)


def _usage(ctx: ImportContext, run: int, run_dir: Path, versions: dict[str, int],
           log: TaskLog, backbone: str) -> None:
    rows = []
    for prefix, stage in USAGE_STAGES.items():
        path = run_dir / f"{prefix}_token_usage.json"
        raw = read_bytes(ctx, path, "token usage file") if path.exists() else None
        text = decode(ctx, path, raw) if raw is not None else None
        data = load_json(ctx, path, text) if text is not None else None
        if data is None:
            continue
        records = data if isinstance(data, list) else [data]
        original = (log.literature_model or "unknown") if stage == "literature" else backbone
        for n, rec in enumerate(records):
            ctx.summary.see("token usage records")
            if not isinstance(rec, dict):
                ctx.problem(path, f"record {n + 1} is not an object; skipped")
                continue
            cached = (rec.get("prompt_tokens_details") or {}).get("cached_tokens")
            key = ctx.key(path, f"#{n}" if len(records) > 1 else "")
            call = {"provider": provider_of(original), "model": ctx.model(original),
                    "model_original": original,
                    "input_tokens": _tokens(rec.get("prompt_tokens", rec.get("input_tokens"))),
                    "output_tokens": _tokens(rec.get("completion_tokens",
                                                     rec.get("output_tokens"))),
                    "cache_read_tokens": _tokens(cached),
                    "created_at": log.stage_times.get(stage) or ctx.stamp}
            cost, source, version = price_row(call)     # priced now, not only after `p`
            rows.append((key, 1, run, versions.get(stage), run_dir.name, stage, "stage",
                         call["provider"], call["model"], original, call["input_tokens"],
                         call["output_tokens"], call["cache_read_tokens"], cost, source,
                         version, "ok", "corpus", key, call["created_at"]))
    import_calls(ctx, USAGE_COLUMNS, rows)


def _tokens(value: object) -> int | None:
    """A token count as found, or None when the file holds something else."""
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
        else None
