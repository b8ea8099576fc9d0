"""A run's workspace folder and its files in the store (`files` table, deduplicated by sha256).

The workspace holds the stage inputs an experiment starts from (task.md, idea.md,
related_work.md, proposal.md) and whatever the experiment produced. Files are stored in the
database so a run stays inspectable after the folder is gone; hidden folders (the sandbox's
HOME and TMPDIR) are not collected.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlrtui import paths
from mlrtui.kernel.vocab import STAGE_FILES
from mlrtui.store.db import Store, now

if TYPE_CHECKING:
    from mlrtui.store.bulk import BulkWriter

MAX_STORED_BYTES = 8 * 1024 * 1024     # larger files are kept by path only
MAX_FILES = 500
INPUT_FILES = STAGE_FILES
_KINDS = {
    "code": {".py", ".sh", ".ipynb", ".r", ".jl", ".js", ".ts", ".c", ".cpp", ".toml", ".cfg"},
    "figure": {".png", ".jpg", ".jpeg", ".svg", ".pdf", ".gif", ".webp"},
    "log": {".log", ".out", ".err"},
    "result": {".csv", ".json", ".tsv", ".npz", ".npy", ".pkl"},
}


def workspace_dir(run_id: int) -> Path:
    return paths.workspaces_dir() / f"run-{run_id}"


def prepare(run_id: int, inputs: dict[str, str], folder: Path | None = None) -> Path:
    """Create the workspace and write the stage inputs (keys of INPUT_FILES) into it."""
    ws = folder or workspace_dir(run_id)
    ws.mkdir(parents=True, exist_ok=True)
    for key, text in inputs.items():
        if key in INPUT_FILES and text:
            (ws / INPUT_FILES[key]).write_text(text, encoding="utf-8")
    return ws


def kind_of(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1].lower()
    suffix = os.path.splitext(name)[1]
    if suffix in _KINDS["figure"]:
        return "figure"
    if name.startswith("results"):
        return "result"
    if "transcript" in name:
        return "transcript"
    if name in ("log.txt", "stdout.txt", "stderr.txt"):
        return "log"
    for kind, suffixes in _KINDS.items():
        if suffix in suffixes:
            return kind
    return "other"


def walk(ws: Path) -> list[Path]:
    """Workspace files, skipping hidden folders and files, symlinks and the input files."""
    out: list[Path] = []
    inputs = set(INPUT_FILES.values())
    for dirpath, dirnames, filenames in os.walk(ws):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and d != "__pycache__")
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.startswith(".") or path.is_symlink():
                continue
            if Path(dirpath) == ws and name in inputs:
                continue
            out.append(path)
            if len(out) >= MAX_FILES:
                return out
    return out


def collect(store: Store, run_id: int, ws: Path, execution_id: int | None = None) -> int:
    """Store every workspace file not stored yet with the same content; returns how many new."""
    added = 0
    with store.transaction():
        for path in walk(ws):
            rel = path.relative_to(ws).as_posix()
            try:
                size = path.stat().st_size
                data = path.read_bytes() if size <= MAX_STORED_BYTES else None
            except OSError:
                continue   # vanished or unreadable: nothing to keep
            digest = hashlib.sha256(data).hexdigest() if data is not None else _hash_file(path)
            row = {"run_id": run_id, "execution_id": execution_id, "path": rel,
                   "kind": kind_of(rel), "content": data,
                   "external_path": None if data is not None else str(path),
                   "sha256": digest, "size": size, "created_at": now()}
            added += store.insert("files", row, ignore=True) is not None
    return added


def _hash_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def list_files(store: Store, run_id: int) -> list[dict]:
    """The latest stored version of each path of a run (no content), sorted by path."""
    return store.query(
        "SELECT id, path, kind, sha256, size, execution_id, external_path, created_at "
        "FROM files WHERE id IN (SELECT max(id) FROM files WHERE run_id=? GROUP BY path) "
        "ORDER BY path", [run_id])


def file_content(store: Store, file_id: int) -> bytes | None:
    rows = store.query("SELECT content, external_path FROM files WHERE id=?", [file_id])
    if not rows:
        return None
    if rows[0]["content"] is not None:
        return bytes(rows[0]["content"])
    try:
        return Path(rows[0]["external_path"]).read_bytes()
    except (OSError, TypeError):
        return None


def figures(store: Store, run_id: int) -> list[str]:
    return [f["path"] for f in list_files(store, run_id) if f["kind"] == "figure"]


# -- bulk import (the corpus importer writes run files through this) -------------------------
FILE_COLUMNS = ("run_id", "execution_id", "path", "kind", "content", "external_path", "sha256",
                "size", "created_at")
ORIGIN_COLUMNS = FILE_COLUMNS + ("origin", "origin_execution_id", "origin_reason")


def import_files(w: BulkWriter, rows: list[Sequence[Any]], *, origins: bool = False) -> None:
    """Files read from elsewhere, as tuples in FILE_COLUMNS order (ORIGIN_COLUMNS with
    `origins`): bytes inline, or content None and the absolute path for a huge file."""
    w.many("files", ORIGIN_COLUMNS if origins else FILE_COLUMNS, rows)
