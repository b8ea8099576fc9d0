"""Exporting a run as a self-contained folder, and a leaderboard as CSV.

A bundle holds what a run is: its task, each stage's current version with a lineage header,
its files (bytes from the database, or copied from their external path), executions, reviews
with scores, flags and ledger rows. Paths stored in the database are untrusted: an absolute one
or one climbing out with `..` is refused with one problem line, and every write is checked to
stay inside the bundle. Everything written goes through `redact` with every known key (defence
in depth: the ledger already scrubs errors). A bundle is built in a hidden sibling folder and
swapped in at the end, so a failed export never leaves half a bundle nor loses the last one.
"""

from __future__ import annotations

import csv
import fnmatch
import io
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from mlrtui import __version__
from mlrtui.experiment.executor import list_executions
from mlrtui.experiment.workspace import file_content, list_files
from mlrtui.export.writer import BundleWriter, ExportError, safe_relpath, slug
from mlrtui.judge.flags import FlagFilter, list_flags
from mlrtui.judge.reviews import list_reviews
from mlrtui.kernel.modelnames import canonical_model
from mlrtui.kernel.progress import ProgressSink
from mlrtui.kernel.secrets import redact
from mlrtui.runs import versions as V
from mlrtui.runs.status import run_status
from mlrtui.store.db import Store, now

__all__ = ["FORMATS", "BundleReport", "ExportError", "export_leaderboard", "export_run",
           "export_runs", "find_runs", "safe_relpath"]

logger = logging.getLogger(__name__)
FORMATS = ("md", "json")


@dataclass
class BundleReport:
    run_id: int
    path: Path
    files: int = 0                                  # files written into the bundle
    problems: list[str] = field(default_factory=list)
    failed: bool = False                            # no bundle at all: see problems


def find_runs(store: Store, task_globs: list[str], models: list[str] | None = None) -> list[int]:
    """Ids of the runs whose task matches a glob (and whose model is one of `models`)."""
    wanted = {canonical_model(m) for m in models or []} | set(models or [])
    out = []
    for row in store.query("SELECT id, task_id, model, model_original FROM runs ORDER BY id"):
        if not any(fnmatch.fnmatchcase(row["task_id"], g) for g in task_globs):
            continue
        if wanted and not {row["model"], row["model_original"]} & wanted:
            continue
        out.append(row["id"])
    return out


def export_runs(store: Store, run_ids: list[int], out: Path, *, secrets: list[str],
                fmt: str = "md", stages: list[str] | None = None,
                progress: ProgressSink | None = None) -> list[BundleReport]:
    """One bundle per run under `out`; a run that cannot be exported is one problem line."""
    out = _out_dir(out)
    reports: list[BundleReport] = []
    if progress is not None:
        progress.start(len(run_ids), "Exporting")
    try:
        for run_id in run_ids:
            try:
                reports.append(export_run(store, run_id, out, secrets=secrets, fmt=fmt,
                                          stages=stages))
            except ExportError as exc:
                reports.append(BundleReport(run_id, out, problems=[str(exc)], failed=True))
                logger.warning("export of run %d failed: %s", run_id, exc)
            if progress is not None:
                progress.advance(1, f"run {run_id}")
    finally:
        if progress is not None:
            progress.finish()
    return reports


def _out_dir(out: Path) -> Path:
    out = out.expanduser()
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out}: exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{out}: cannot create the export folder ({exc.strerror})") from None
    return out


def export_run(store: Store, run_id: int, out: Path, *, secrets: list[str], fmt: str = "md",
               stages: list[str] | None = None) -> BundleReport:
    """Write the bundle of one run into `out/run-<id>-<task>-<model>/` (replacing an old one)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; one of: {', '.join(FORMATS)}")
    try:
        run = V.get_run(store, run_id)
        chosen = [V.check_stage(s) for s in stages] if stages else list(V.STAGES)
    except V.VersionError as exc:
        raise ExportError(str(exc)) from None
    out = _out_dir(out)
    name = f"run-{run.id}-{slug(run.task_id)}-{slug(run.model)}"[:120]
    writer = BundleWriter(out, name, secrets)
    try:
        _fill(store, run, writer, fmt, chosen, full=stages is None)
        path = writer.commit()
    except OSError as exc:
        writer.discard()
        raise ExportError(f"{out / name}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        writer.discard()
        raise
    for line in writer.problems:
        logger.warning("export of run %d: %s", run.id, line)
    logger.info("exported run %d to %s (%d files)", run.id, path, len(writer.written))
    return BundleReport(run.id, path, len(writer.written), list(writer.problems))


def _fill(store: Store, run: V.Run, w: BundleWriter, fmt: str, stages: list[str],
          full: bool) -> None:
    task = store.query("SELECT title, body FROM tasks WHERE id = ?", [run.task_id])
    if task:
        w.write_text("task.md", task[0]["body"])
    heads = V.heads(store, run.id)
    docs = [V.get_version(store, heads[s]) for s in stages if s in heads]
    version_ids = {v.id for v in docs}
    if fmt == "md":
        for v in docs:
            w.write_text(f"stages/{v.stage}.md", _front_matter(run, v) + v.text)
    else:
        w.write_json("stages.json", [_version_facts(run, v) | {"text": v.text} for v in docs])
    with_code = full or bool({"experiment", "paper"} & set(stages))
    if with_code:
        for f in list_files(store, run.id):
            _copy_file(store, w, f)
        w.write_json("executions.json", [
            e for e in list_executions(store, run.id)
            if full or "experiment" in stages or e["version_id"] in version_ids])
    reviews = [r.model_dump() for r in list_reviews(store, run_id=run.id, limit=100_000)
               if full or r.version_id in version_ids]
    w.write_json("reviews.json", reviews[::-1])
    w.write_json("flags.json", [f.model_dump() for f in list_flags(store, FlagFilter(run_id=run.id))
                          if full or f.version_id in version_ids])
    w.write_text("ledger.csv", _ledger_csv(store, run.id, stages, full,
                                     {r["id"] for r in reviews}))
    w.write_json("manifest.json", {
        "exported_by": f"mlrtui {__version__}", "exported_at": now(), "format": fmt,
        "stages": stages, "run": run.model_dump(),
        "stage_states": [s.model_dump() for s in V.stage_states(store, run.id)],
        "files": [{"path": p, "sha256": h, "size": n} for p, h, n in w.written],
        "problems": w.problems})
    w.write_text("README.md", _readme(run, run_status(store, run).explained, docs, w, fmt))


def _copy_file(store: Store, w: BundleWriter, f: dict) -> None:
    try:
        rel = safe_relpath(f["path"])
    except ExportError as exc:
        w.problem(f"file {f['path']!r} of the run: {exc}; not exported")
        return
    data = file_content(store, f["id"])
    if data is None:
        w.problem(f"file {rel}: its content is not in the database and "
                  f"{f['external_path'] or 'no copy'} cannot be read; not exported")
        return
    w.write_bytes(f"files/{rel}", data)


def _version_facts(run: V.Run, v: V.Version) -> dict:
    return {"run": run.id, "task": run.task_id, "stage": v.stage, "version": v.id,
            "author": v.author, "author_original": v.author_original,
            "created": v.created_at, "stale": v.stale, "upstream": v.inputs, "note": v.note,
            "content_hash": v.content_hash}


def _front_matter(run: V.Run, v: V.Version) -> str:
    """A YAML header; every value is JSON, which YAML reads as it is."""
    lines = [f"{k}: {json.dumps(val, ensure_ascii=False)}"
             for k, val in _version_facts(run, v).items() if val is not None]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def _ledger_csv(store: Store, run_id: int, stages: list[str], full: bool,
                review_ids: set[int]) -> str:
    rows = store.query("SELECT * FROM llm_calls WHERE run_id = ? OR review_id IN "
                       "(SELECT id FROM reviews WHERE run_id = ?) ORDER BY id",
                       [run_id, run_id])
    if not full:
        rows = [r for r in rows if r["stage"] in stages or r["review_id"] in review_ids]
    columns = [c[1] for c in store.db.execute("PRAGMA table_info(llm_calls)").fetchall()]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow(["" if r.get(c) is None else r.get(c) for c in columns])
    return buf.getvalue()


def _readme(run: V.Run, status: str, docs: list[V.Version], w: BundleWriter, fmt: str) -> str:
    lines = [f"# Run {run.id}: {run.task_id}", "",
             f"- model: {run.model_name} ({run.mode}{', agent ' + run.agent if run.agent else ''})",
             f"- status: {status}",
             f"- created: {run.created_at}, updated: {run.updated_at}",
             f"- source: {run.source}", "", "## Stages (current versions)", ""]
    where = "stages/<stage>.md" if fmt == "md" else "stages.json"
    for v in docs:
        lines.append(f"- {v.stage}: version {v.id} by {v.author}, {v.created_at}"
                     + (" (stale)" if v.stale else "") + f" -> {where.replace('<stage>', v.stage)}")
    if not docs:
        lines.append("- none")
    files = [p for p, _, _ in w.written if p.startswith("files/")]
    lines += ["", "## Contents", "", "- task.md: the task description",
              f"- files/: {len(files)} file(s) of the run", "- executions.json: commands run",
              "- reviews.json: judge reviews with scores", "- flags.json: hallucination flags",
              "- ledger.csv: every LLM call attempt", "- manifest.json: sizes and sha256"]
    if w.problems:
        lines += ["", "## Problems", ""] + [f"- {p}" for p in w.problems]
    return "\n".join(lines) + "\n"


def export_leaderboard(store: Store, review_stage: str, path: Path, *, secrets: list[str],
                       source: str | None = None, variant: str | None = "",
                       judges: list[str] | None = None, exact: bool = False) -> int:
    """A leaderboard as CSV: per model the judges' mean per dimension, then each judge's."""
    from mlrtui.scores.aggregate import leaderboard

    board = leaderboard(store, review_stage, source=source, variant=variant, judges=judges)
    path = path.expanduser()
    if path.is_dir():
        raise ExportError(f"{path}: is a folder; give a file name like leaderboard.csv")
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["model", "items", *board.dimensions,
                  *[f"{d} [{j}]" for j in board.judges for d in board.dimensions]])
    for row in board.rows:
        cells = [row.cells.get(d) for d in board.dimensions]
        out.writerow([row.model, row.n_items,
                      *[_number(None if c is None else (c.mean if exact else c.display), exact)
                        for c in cells],
                      *[_number(None if c is None else c.judges.get(j), exact)
                        for j in board.judges for c in cells]])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.partial")
        tmp.write_text(redact(buf.getvalue(), secrets), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise ExportError(f"{path}: cannot write ({exc.strerror or exc})") from None
    logger.info("exported the %s leaderboard (%d models) to %s", review_stage, len(board.rows),
                path)
    return len(board.rows)


def _number(x: float | None, exact: bool) -> str:
    """Unrounded, or rounded half-up to 0.01 as the leaderboard table prints it."""
    from mlrtui.scores.aggregate import round_half_up

    if x is None:
        return ""
    return repr(x) if exact else f"{round_half_up(x):.2f}"
