"""What a coding agent did in a run folder: its transcript parsed into one execution per shell
call, the workspace files with their origin, and the cost and tokens it reported.

Used for every folder with a coding-agent transcript whose calls we can read (Claude Code's
claude_output.json, Codex's codex_log.log): experiments_and_writeups runs and end-to-end runs
of the Claude Code layout. A file typed by the agent gets origin "agent"; a file a command
wrote (redirect, code naming it, move) origin "execution" with that command's execution row;
anything else "unknown", always with the reason in words.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from mlrtui.experiment.executor import import_execution
from mlrtui.experiment.transcripts import Transcript, file_origins, parse_transcript
from mlrtui.experiment.workspace import import_files
from mlrtui.importer.context import ImportContext
from mlrtui.importer.files import MAX_INLINE_BYTES, file_kind, hash_file
from mlrtui.importer.textio import read_bytes
from mlrtui.providers.ledger import import_calls

MAX_OUTPUT_CHARS = 200_000
TRANSCRIPTS = {"claude_output.json": "claude-code", "codex_log.log": "codex",
               "gemini_log.log": "gemini-cli"}
EXECUTOR = {"claude-code": "claude", "codex": "codex", "gemini-cli": "gemini"}
# Our own outputs and the stage inputs, not workspace files (versions hold their text).
NOT_WORKSPACE = {"task.md", "idea.md", "related_work.md", "proposal.md"}
AGENT_COST_COLUMNS = ("call_key", "attempt", "run_id", "version_id", "task_id", "stage",
                      "purpose", "provider", "model", "model_original", "input_tokens",
                      "output_tokens", "cache_read_tokens", "cache_write_tokens", "cost_usd",
                      "price_source", "latency_s", "status", "source", "import_key",
                      "created_at")


@dataclass
class AgentWork:
    transcript: Transcript | None
    executions: int = 0
    origins: dict[str, int] = field(default_factory=dict)


def find_transcript(run_dir: Path) -> tuple[Path, str] | None:
    """(path, agent) of the coding-agent transcript at the top of a run folder, if any."""
    for name, agent in TRANSCRIPTS.items():
        if (run_dir / name).is_file():
            return run_dir / name, agent
    return None


def _cap(text: str) -> str:
    if len(text) <= MAX_OUTPUT_CHARS:
        return text
    return text[:MAX_OUTPUT_CHARS] + f"\n[... {len(text) - MAX_OUTPUT_CHARS} characters cut]\n"


def parse(ctx: ImportContext, path: Path, agent: str) -> Transcript | None:
    raw = read_bytes(ctx, path, "coding-agent transcript")
    if raw is None:
        return None
    t = parse_transcript(raw, ctx.rel(path), agent, root=path.parent.name)
    for line in t.problems:
        where, _, message = line.partition(": ")
        ctx.problem(path if where == ctx.rel(path) else where, message or line)
    return t


def add_executions(ctx: ImportContext, run: int, version: int | None, path: Path,
                   t: Transcript) -> dict[int, int]:
    """One executions row per shell call; returns call order -> execution id."""
    ids: dict[int, int] = {}
    executor = EXECUTOR.get(t.agent, t.agent)
    for ex in t.executions:
        failed = bool(ex.is_error) or bool(ex.exit_code)
        suffix = f"#{ex.order}" + (f".{ex.batch_index}" if ex.batch_index is not None else "")
        ids[ex.order] = import_execution(ctx, {
            "run_id": run, "version_id": version, "executor": executor,
            "command": ex.command, "cwd": ex.cwd, "exit_code": ex.exit_code,
            "status": "failed" if failed else "ok",
            "reason": "the tool reported an error" if ex.is_error and ex.exit_code is None
            else None, "duration_s": ex.duration_s, "stdout": _cap(ex.output), "stderr": "",
            "started_at": ex.started_at or ctx.stamp, "ordinal": ex.order,
            "import_key": ctx.key(path, suffix)})
    return ids


def workspace_files(run_dir: Path, skip: set[str]) -> list[str]:
    """Files of the run folder, relative, minus the transcript, stage texts and usage files."""
    out = []
    for p in sorted(run_dir.rglob("*")):
        rel = p.relative_to(run_dir).as_posix()
        if not p.is_file() or rel in skip or (p.parent == run_dir and p.name in NOT_WORKSPACE):
            continue
        out.append(rel)
    return out


def add_files(ctx: ImportContext, run: int, run_dir: Path, rels: list[str],
              t: Transcript | None, calls: dict[int, int], *, kind: str | None = None,
              why: str = "no transcript to tell") -> dict[str, int]:
    """Store the files with bytes, sha256 and origin; returns counts per origin."""
    origins = file_origins(t, rels) if t is not None else {}
    counts: dict[str, int] = {}
    rows = []
    for rel in rels:
        path = run_dir / rel
        o = origins.get(rel)
        origin = o.kind if o is not None else "unknown"
        exe = calls.get(o.order) if o is not None and o.kind == "execution" else None
        reason = o.reason if o is not None else why
        if o is not None and o.via:
            reason += f" (came from {o.via})"
        counts[origin] = counts.get(origin, 0) + 1
        try:
            size = path.stat().st_size
        except OSError as exc:
            ctx.problem(path, f"cannot read ({exc.strerror})")
            continue
        if size > MAX_INLINE_BYTES:
            digest, size = hash_file(path)
            ctx.problem(path, f"{size} bytes; kept by path, not copied into the database")
            raw, external = None, str(path.resolve())
        else:
            raw, external = read_bytes(ctx, path), None
            if raw is None:
                continue
            digest = hashlib.sha256(raw).hexdigest()
        rows.append((run, exe, rel, kind or file_kind(rel), raw, external, digest, size, ctx.stamp,
                     origin, exe, reason))
    import_files(ctx, rows, origins=True)
    return counts


def add_agent_cost(ctx: ImportContext, run: int, version: int | None, task: str, path: Path,
                   t: Transcript) -> None:
    """The cost and tokens the transcript reports, as one ledger row (purpose 'agent')."""
    tokens = (t.input_tokens, t.output_tokens, t.total_tokens)
    if t.cost_usd is None and all(n is None for n in tokens):
        return
    model = t.model or t.agent
    key = ctx.key(path, "#reported")
    import_calls(ctx, AGENT_COST_COLUMNS, [(
            key, 1, run, version, task, "experiment", "agent", t.agent, ctx.model(model), model,
            t.input_tokens if t.input_tokens is not None else t.total_tokens, t.output_tokens,
            t.cache_read_tokens, t.cache_write_tokens, t.cost_usd,
            f"reported by the {t.agent} transcript" if t.cost_usd is not None else None,
            t.duration_s, "ok", "corpus", key, ctx.stamp)])


def import_agent_work(ctx: ImportContext, run: int, version: int | None, task: str,
                      run_dir: Path, skip: set[str], parsed: Transcript | None = None
                      ) -> AgentWork:
    """Transcript → executions, files with origins, ledger row. skip: paths stored elsewhere;
    parsed: the transcript when the caller already read it."""
    found = find_transcript(run_dir)
    t = calls = None
    if found is not None:
        path, agent = found
        t = parsed or parse(ctx, path, agent)
        skip = skip | {path.name}
        if t is not None:
            calls = add_executions(ctx, run, version, path, t)
            add_agent_cost(ctx, run, version, task, path, t)
            ctx.summary.see("coding-agent shell calls", len(t.executions))
    counts = add_files(ctx, run, run_dir, workspace_files(run_dir, skip), t, calls or {})
    for kind, n in counts.items():
        ctx.summary.see(f"run files of origin {kind}", n)
    if found is not None:   # the transcript itself is kept too, as a file of its own
        add_files(ctx, run, run_dir, [found[0].name], None, {}, kind="transcript",
                  why="the coding agent's transcript, recorded by its harness")
    return AgentWork(t, len(calls or {}), counts)
