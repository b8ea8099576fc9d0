"""Everything under the corpus root that no importer reads: one problem line per entry.

The importers each look where their layout lives; this walk looks everywhere else, so a folder
or file of a kind we do not understand is named once (a folder once, not once per file inside)
instead of being skipped in silence. Documentation files (README, LICENSE, *.md notes at the
top) are known and not reported.
"""

from __future__ import annotations

from pathlib import Path

DOCS = {"readme.md", "license", "license.md", "task_metadata.md"}
TOP = {"tasks", "agent_results", "agent_reviews", "ai_scientist_v2_papers", "human_eval"}


def _entries(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    except OSError:
        return []


def _kind(p: Path) -> str:
    return "folder" if p.is_dir() else "file"


def unknown_entries(root: Path) -> list[tuple[Path, str]]:
    """(path, message) for each entry of a kind the import does not read."""
    out: list[tuple[Path, str]] = []
    for p in _entries(root):
        if p.name.lower() in DOCS or p.name in TOP:
            continue
        out.append((p, f"unknown kind of {_kind(p)} at the corpus root; not imported"))
    out += _agent_results(root / "agent_results")
    out += _agent_folders(root / "ai_scientist_v2_papers", "AI-Scientist-v2 model folder")
    for p in _entries(root / "human_eval"):
        if p.is_dir() or (p.suffix.lower() != ".csv" and p.name.lower() not in DOCS):
            out.append((p, f"unknown kind of {_kind(p)} in human_eval; not imported"))
    for p in _entries(root / "tasks"):
        if p.is_dir() or p.suffix != ".md":
            out.append((p, f"not a task file ({_kind(p)}); not imported"))
    return out


def _agent_results(folder: Path) -> list[tuple[Path, str]]:
    out: list[tuple[Path, str]] = []
    for p in _entries(folder):
        if p.is_dir() and p.name.startswith("end2end_"):
            log = f"mlr_agent_{p.name.removeprefix('end2end_')}.log"
            out += [(q, "unknown file among end-to-end run folders; not imported")
                    for q in _entries(p) if q.is_file() and q.name != log
                    and q.name.lower() not in DOCS]
        elif p.is_dir() and p.name == "experiments_and_writeups":
            out += _agent_folders(p, "coding-agent folder")
        elif p.is_dir() and p.name == "ideas_and_proposals":
            out += [(q, "unknown file among stepwise task folders; not imported")
                    for q in _entries(p) if q.is_file() and q.name.lower() not in DOCS]
        elif p.name.lower() not in DOCS:
            out.append((p, f"unknown kind of {_kind(p)} in agent_results; not imported"))
    return out


def _agent_folders(folder: Path, what: str) -> list[tuple[Path, str]]:
    """<folder>/<agent or model>/<task>/: files where folders belong are unknown."""
    out: list[tuple[Path, str]] = []
    for p in _entries(folder):
        if not p.is_dir():
            if p.name.lower() not in DOCS:
                out.append((p, f"file where a {what} belongs; not imported"))
            continue
        out += [(q, "file where a task folder belongs; not imported")
                for q in _entries(p) if q.is_file() and q.name.lower() not in DOCS]
    return out
