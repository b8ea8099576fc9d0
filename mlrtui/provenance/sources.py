"""A run's inputs to the provenance check, read from the store: documents, evidence, code, files.

Documents are the current experiment and paper versions (plus other results/*.md files), named as
files relative to the run's folder. Evidence is what executions printed (origin "execution"),
the run's data files by their stored origin, and, for runs imported before executions were
recorded per command, the outputs and typed files of the stored transcript, parsed here. A
command that only shows a typed file (`cat results.md`) is typed text, not evidence.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from mlrtui.experiment.transcripts import Transcript, file_origins, parse_transcript
from mlrtui.provenance.model import CodeFile, Doc, Evidence
from mlrtui.store.db import Store

DATA_EXT = {".log", ".txt", ".json", ".csv", ".tsv", ".out", ".jsonl"}
CODE_EXT = {".py"}
STAGE_DOCS = {"experiment": "results/results.md", "paper": "results/paper.md"}
MAX_TEXT = 20_000_000
# Executions that hold a whole transcript or a batch log, not one command's output.
_BLOB = re.compile(r"\(imported transcript |\(lines of ")
_VIEW = re.compile(r"\b(?:cat|head|tail|sed|less|more|nl|Read)\b[^|;&]*?([\w./-]+\.\w+)")


@dataclass
class RunInputs:
    """Everything `provenance.check` needs for one run, plus where each document came from."""

    run_id: int
    docs: list[Doc] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    code: list[CodeFile] = field(default_factory=list)
    artifacts: list[str] = field(default_factory=list)
    run_date: date | None = None
    versions: dict[str, int] = field(default_factory=dict)     # doc name -> version id
    texts: dict[str, str] = field(default_factory=dict)        # file name -> text as stored
    transcript: str | None = None                              # parsed as the fallback
    problems: list[str] = field(default_factory=list)


def _text(raw: bytes | None) -> str:
    return raw[:MAX_TEXT].decode("utf-8", "replace") if raw is not None else ""


def doc_name(import_key: str | None, task_id: str, stage: str) -> str:
    """The version's file relative to the run folder ('results/paper.md'), from its import key."""
    if import_key and import_key.startswith("corpus:"):
        path = import_key[len("corpus:"):]
        at = path.rfind(f"/{task_id}/")
        if at >= 0:
            return path[at + len(task_id) + 2:]
    return STAGE_DOCS.get(stage, f"{stage}.md")


def _files(store: Store, run_id: int) -> list[dict]:
    """The latest stored copy of each path of the run, with its bytes."""
    rows = store.query(
        "SELECT id, path, kind, content, external_path, origin FROM files WHERE id IN "
        "(SELECT max(id) FROM files WHERE run_id = ? GROUP BY path) ORDER BY path", [run_id])
    for r in rows:
        if r["content"] is None and r["external_path"]:
            try:
                r["content"] = Path(r["external_path"]).read_bytes()[:MAX_TEXT]
            except OSError:
                r["content"] = None
    return rows


def _viewed(command: str, typed: set[str]) -> bool:
    """Does the command show a write-up or a file the agent typed (its output is then typed)?"""
    for name in _VIEW.findall(command):
        if name.endswith(".md") or posixpath.basename(name) in typed:
            return True
    return False


def load_inputs(store: Store, run_id: int, depth: int = 0) -> RunInputs:
    """Read one run's documents, evidence, code and file names from the store (and, for a
    paper written on another run's experiment, that run's evidence)."""
    run = store.query("SELECT id, task_id, created_at FROM runs WHERE id = ?", [run_id])[0]
    out = RunInputs(run_id)
    heads = store.query(
        "SELECT v.id, v.stage, v.text, v.import_key FROM stage_heads h JOIN versions v "
        "ON v.id = h.version_id WHERE h.run_id = ? AND h.stage IN ('experiment', 'paper') "
        "ORDER BY v.stage", [run_id])
    for v in heads:
        name = doc_name(v["import_key"], run["task_id"], v["stage"])
        kind = "pdf-text" if name.lower().endswith(".pdf") else "markdown"
        out.docs.append(Doc(name, v["text"], kind))
        out.versions[name] = v["id"]
    files = _files(store, run_id)
    transcripts = [f for f in files if f["kind"] == "transcript"]
    execs = [e for e in store.query(
        "SELECT id, command, stdout, stderr, started_at FROM executions WHERE run_id = ? "
        "ORDER BY started_at, id", [run_id]) if not _BLOB.search(e["command"] or "")]
    parsed = None
    if not execs and transcripts:
        parsed = _parse(transcripts[0], run["task_id"], out)
    origins = _origins(files, parsed)
    typed = {posixpath.basename(p) for p, o in origins.items() if o == "agent"}
    if parsed is not None:
        typed |= {posixpath.basename(w.rel_path or w.path) for w in parsed.writes}
        _transcript_evidence(parsed, out, typed)
    for n, e in enumerate(execs):
        origin = "agent" if _viewed(e["command"] or "", typed) else "execution"
        for stream in ("stdout", "stderr"):
            if (e[stream] or "").strip():
                name = f"exec:{e['id']}" + (":stderr" if stream == "stderr" else "")
                out.evidence.append(Evidence(name, e[stream], origin, n))
    names = {d.name for d in out.docs}
    for f in files:
        path, ext = f["path"], posixpath.splitext(f["path"])[1].lower()
        if f["kind"] == "transcript" or f["content"] is None:
            continue
        out.artifacts.append(path)
        if ext == ".md" and path.startswith("results/") and path not in names:
            out.docs.append(Doc(path, _text(f["content"])))
        elif ext in CODE_EXT:
            out.code.append(CodeFile(path, _text(f["content"]), origins.get(path) or "agent"))
        elif ext in DATA_EXT and "token_usage" not in path:
            text = _text(f["content"])
            out.texts[path] = text
            out.evidence.append(Evidence(path, text, origins.get(path) or "unknown"))
    out.run_date = _run_date(store, run_id, run["created_at"])
    if not depth:
        _upstream(store, run_id, out)
    return out


def _upstream(store: Store, run_id: int, out: RunInputs) -> None:
    """A paper written on another run's experiment: that run's evidence backs the paper, and
    its write-ups (typed by an agent) are decoys, never evidence."""
    ups = [r["run_id"] for r in store.query(
        "SELECT DISTINCT u.run_id FROM stage_heads h JOIN version_inputs i "
        "ON i.version_id = h.version_id JOIN versions u ON u.id = i.input_version_id "
        "WHERE h.run_id = ? AND h.stage IN ('experiment', 'paper') AND u.run_id != ?",
        [run_id, run_id])]
    for up in ups:
        other = load_inputs(store, up, depth=1)
        out.evidence += [Evidence(f"run {up}: {e.name}", e.text, e.origin, e.execution_order)
                         for e in other.evidence]
        out.evidence += [Evidence(f"run {up}: {d.name}", d.text, "agent") for d in other.docs]
        out.code += [CodeFile(f"run {up}: {c.name}", c.text, c.origin) for c in other.code]


def _parse(row: dict, task_id: str, out: RunInputs) -> Transcript | None:
    raw = row["content"]
    if raw is None:
        out.problems.append(f"{row['path']}: transcript not readable")
        return None
    t = parse_transcript(raw, row["path"], root=task_id)
    out.transcript = row["path"]
    out.problems += t.problems[:3]
    return t


def _origins(files: list[dict], parsed: Transcript | None) -> dict[str, str | None]:
    """Stored origins; for files without one, the origins the parsed transcript gives."""
    stored = {f["path"]: f["origin"] for f in files}
    if parsed is None:
        return stored
    missing = [p for p, o in stored.items() if o is None]
    found = file_origins(parsed, missing)
    return {p: (o if o is not None else found[p].kind if p in found else None)
            for p, o in stored.items()}


def _transcript_evidence(t: Transcript, out: RunInputs, typed: set[str]) -> None:
    """Command outputs as execution evidence, typed contents as agent text (decoys only)."""
    for ex in t.executions:
        if ex.output.strip():
            origin = "agent" if _viewed(ex.command, typed) else "execution"
            out.evidence.append(Evidence(f"{t.source}#{ex.order}", ex.output, origin, ex.order))
    for w in t.writes:
        if w.content and not w.failed:
            name = f"{t.source}#{w.order} {w.tool} {w.rel_path or w.path}"
            out.evidence.append(Evidence(name, w.content, "agent"))


def _run_date(store: Store, run_id: int, created_at: str) -> date | None:
    """When the run happened: its first execution if recorded (imports are dated later)."""
    first = store.scalar("SELECT min(started_at) FROM executions WHERE run_id = ?", [run_id])
    stamp = min(s for s in (first, created_at) if s)
    try:
        return date.fromisoformat(stamp[:10])
    except ValueError:
        return None
