"""What a judge reads: the judged version plus the inputs its rubric names, cut to fit.

The experiment judge reads stored executions, logs and code; the overall review reads the paper
with its code. Everything is capped to the judge's context window. What was cut is said twice:
in the prompt (so the judge does not punish what it could not see) and in the review's notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mlrtui.judge.rubrics import Rubric
from mlrtui.kernel.vocab import STAGE_TITLES
from mlrtui.providers.base import Message
from mlrtui.store.db import Store

TITLES = {"task": "Task description", **STAGE_TITLES, "executions": "Recorded executions",
          "logs": "Logs", "code": "Code"}
MAX_CHARS = 400_000
FILE_READ_CAP = 2_000_000


@dataclass
class Section:
    key: str
    title: str
    parts: list[tuple[str, str]]          # (name, text); one part for plain texts
    notes: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(len(t) for _, t in self.parts)


def char_budget(context_tokens: int | None, max_tokens: int) -> int:
    """Characters of input that fit: ~3 characters a token, leaving room for the reply."""
    tokens = (context_tokens or 128_000) - max_tokens - 600
    return max(2_000, min(MAX_CHARS, tokens * 3))


def _head_tail(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head = limit * 2 // 3
    tail = max(0, limit - head)
    cut = len(text) - head - tail
    return f"{text[:head]}\n[... {cut:,} characters cut ...]\n{text[len(text) - tail:]}"


def waterfill(sizes: list[int], budget: int) -> list[int]:
    """Split budget so small items stay whole and large ones share the rest equally."""
    limits = [0] * len(sizes)
    left = budget
    order = sorted(range(len(sizes)), key=lambda i: sizes[i])
    for n, i in enumerate(order):
        limits[i] = max(0, min(sizes[i], left // (len(order) - n)))
        left -= limits[i]
    return limits


def _fit(section: Section, limit: int) -> str:
    """Render a section within about limit characters, noting what was cut."""
    if len(section.parts) == 1 and section.parts[0][0] == "":
        text = section.parts[0][1]
        if len(text) > limit:
            section.notes.append(f"{section.title}: showed {limit:,} of {len(text):,} "
                                 f"characters (middle cut)")
        return _head_tail(text, limit)
    parts = section.parts
    keep = len(parts)
    while keep > 1 and limit // keep < 600:      # too many files: show the first ones only
        keep -= 1
    shown, omitted = parts[:keep], parts[keep:]
    overhead = sum(len(name) + 10 for name, _ in shown)
    out = []
    for (name, text), room in zip(shown, waterfill([len(t) for _, t in shown],
                                                   max(0, limit - overhead))):
        if room < len(text):
            section.notes.append(f"{section.title}: {name} cut to {room:,} of "
                                 f"{len(text):,} characters")
        out.append(f"--- {name} ---\n{_head_tail(text, room)}")
    if omitted:
        names = ", ".join(n for n, _ in omitted[:8]) + (", ..." if len(omitted) > 8 else "")
        section.notes.append(f"{section.title}: {len(omitted)} of {len(parts)} not shown "
                             f"({names})")
    return "\n".join(out)


def _version_texts(store: Store, run_id: int, version_id: int) -> dict[str, str]:
    """The upstream texts the judged version was built from, else the run's current ones."""
    rows = store.query(
        "SELECT v.stage, v.text FROM version_inputs i JOIN versions v ON v.id = i.input_version_id "
        "WHERE i.version_id = ?", [version_id])
    texts = {r["stage"]: r["text"] for r in rows}
    for r in store.query("SELECT v.stage, v.text FROM stage_heads h JOIN versions v "
                         "ON v.id = h.version_id WHERE h.run_id = ?", [run_id]):
        texts.setdefault(r["stage"], r["text"])
    return texts


def _file_text(row: dict) -> str:
    data = row["content"]
    if data is None and row["external_path"]:
        try:
            with Path(row["external_path"]).open("rb") as fh:
                data = fh.read(FILE_READ_CAP)
        except OSError as exc:
            return f"[cannot read {row['external_path']}: {exc.strerror}]"
    if data is None:
        return ""
    if isinstance(data, str):
        return data
    data = bytes(data)
    if len(data) > FILE_READ_CAP:     # keep both ends; the section cut notes the rest
        half = FILE_READ_CAP // 2
        data = data[:half] + b"\n[...]\n" + data[-half:]
    return data.decode("utf-8", errors="replace")


def _files(store: Store, run_id: int, kind: str) -> list[tuple[str, str]]:
    rows = store.query("SELECT path, content, external_path, size FROM files WHERE run_id = ? "
                       "AND kind = ? ORDER BY path, id", [run_id, kind])
    latest: dict[str, dict] = {}
    for r in rows:
        latest[r["path"]] = r          # the newest copy of a path wins
    return [(path, _file_text(r)) for path, r in latest.items()]


def _executions(store: Store, run_id: int) -> list[tuple[str, str]]:
    out = []
    for r in store.query("SELECT id, command, status, exit_code, reason, duration_s, stdout, "
                         "stderr FROM executions WHERE run_id = ? ORDER BY id", [run_id]):
        head = (f"$ {r['command']}\nstatus {r['status']}, exit code {r['exit_code']}"
                + (f", {r['duration_s']:.1f}s" if r["duration_s"] is not None else "")
                + (f", reason: {r['reason']}" if r["reason"] else ""))
        body = head + "\n[stdout]\n" + (r["stdout"] or "") + "\n[stderr]\n" + (r["stderr"] or "")
        out.append((f"execution {r['id']}", body))
    return out


def gather(store: Store, rubric: Rubric, run_id: int, version_id: int,
           task_body: str) -> list[Section]:
    """The sections a rubric asks for, the judged version last."""
    target = store.scalar("SELECT text FROM versions WHERE id = ?", [version_id]) or ""
    texts = _version_texts(store, run_id, version_id)
    sections = []
    for key in rubric.inputs:
        if key == "task":
            parts = [("", task_body)]
        elif key == "code":
            parts = _files(store, run_id, "code")
        elif key == "logs":
            parts = _files(store, run_id, "log")
        elif key == "executions":
            parts = _executions(store, run_id)
        elif key == rubric.target_stage:
            continue
        else:
            parts = [("", texts.get(key, ""))]
        if not any(t for _, t in parts):
            parts = [("", f"(no {TITLES[key].lower()} stored for this run)")]
        sections.append(Section(key, TITLES[key], parts))
    sections.append(Section(rubric.target_stage, f"{TITLES[rubric.target_stage]} under review",
                            [("", target)]))
    return sections


def render(sections: list[Section], budget: int) -> tuple[str, list[str]]:
    """Share the budget: the judged version may take half, the rest is water-filled."""
    target = len(sections) - 1
    first = min(sections[target].size, budget // 2)
    limits = waterfill([s.size for s in sections[:target]], budget - first) + [first]
    spare = budget - sum(limits)
    if spare > 0:
        limits[target] = min(sections[target].size, first + spare)
    body, notes = [], []
    for section, limit in zip(sections, limits):
        body.append(f"## {section.title}\n\n{_fit(section, limit)}")
        notes += section.notes
    if notes:
        body.insert(0, "Note: some inputs were cut to fit. " + "; ".join(notes) + ".")
    return "\n\n".join(body), notes


def build_messages(store: Store, rubric: Rubric, run_id: int, version_id: int, task_body: str,
                   *, context_tokens: int | None, max_tokens: int,
                   compact: bool) -> tuple[list[Message], list[str]]:
    system = rubric.system_prompt(compact)
    budget = char_budget(context_tokens, max_tokens) - len(system)
    user, notes = render(gather(store, rubric, run_id, version_id, task_body), max(budget, 1500))
    user += "\n\nReply now with the JSON object only."
    return [Message("system", system), Message("user", user)], notes
