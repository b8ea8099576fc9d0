"""How a run's files are classified and stored (bytes inline, or by path when huge)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path, PurePosixPath

# Files above this are kept by absolute path only: the corpus' largest file is ~0.6 MB, but an
# imported run may hold multi-GB logs or checkpoints that do not belong in the database.
MAX_INLINE_BYTES = 8 * 1024 * 1024

FIGURE_EXT = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".pdf", ".webp"}
CODE_EXT = {".py", ".sh", ".ipynb", ".toml", ".yaml", ".yml", ".cfg", ".ini", ".r", ".jl",
            ".js", ".ts", ".c", ".cpp", ".h", ".rs", ".go", ".java"}
RESULT_EXT = {".json", ".csv", ".tsv", ".md", ".txt", ".npy", ".npz", ".pkl", ".pt", ".jsonl"}
CODE_DIRS = {"codex", "gemini", "claude", "code", "src", "scripts"}


def file_kind(rel: str) -> str:
    """code | log | result | figure | transcript | other, from the path inside the run folder."""
    path = PurePosixPath(rel)
    name, ext, top = path.name.lower(), path.suffix.lower(), path.parts[0].lower()
    if len(path.parts) == 1 and name.endswith("_log.log"):
        return "transcript"
    if ext == ".log" or name == "log.txt" or (name.startswith("log") and ext == ".txt"):
        return "log"
    if ext in FIGURE_EXT:
        return "figure"
    in_code = top in CODE_DIRS and len(path.parts) > 1
    if ext in CODE_EXT or (in_code and name in ("requirements.txt", "readme.md", "makefile")):
        return "code"
    if (top == "results" or in_code) and ext in RESULT_EXT:
        return "result"
    return "other"


def hash_file(path: Path) -> tuple[str, int]:
    """sha256 and size of a file too big to load, read in chunks."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def listing(folder: Path, prefix: str = "", suffix: str = "") -> list[Path]:
    """Sorted entries of folder named prefix*suffix (as Path.glob, without its per-entry cost);
    a missing folder lists nothing."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    least = len(prefix) + len(suffix)
    return [folder / n for n in sorted(names)
            if len(n) >= least and n.startswith(prefix) and n.endswith(suffix)]
