"""Reading the MLR agent's batch log (agent_results/end2end_<agent>/mlr_agent_<agent>.log).

One log covers all tasks of an agent and every restart of the batch. Per task it yields the
lines of its sections, the backbone and literature models, when each stage last succeeded, and
whether the pipeline finished, so each end-to-end run gets its own execution and timestamps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(?:,\d+)? - (\w+) - (.*)$")
_TASK = re.compile(r"Running MLR agent for task: (\S+)")
_MODEL = re.compile(r"Using model: (\S+)")
_LIT = re.compile(r"Using literature engine: (\S+)")
_STAGE = re.compile(r"Successfully (?:generated (idea|literature review|proposal|results\.md)"
                    r"|wrote (paper)) for pipeline_[^/\s]+/(\S+)")
_FINISHED = re.compile(r"MLR Agent for pipeline_[^/\s]+/(\S+) finished!")
_ISO = re.compile(r"\[(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})")
STAGE_NAMES = {"idea": "idea", "literature review": "literature", "proposal": "proposal",
               "results.md": "experiment", "paper": "paper"}


@dataclass
class TaskLog:
    lines: list[str] = field(default_factory=list)
    model: str | None = None
    literature_model: str | None = None
    stage_times: dict[str, str] = field(default_factory=dict)   # stage -> ISO time
    first: str | None = None
    last: str | None = None
    finished: bool = False
    errors: int = 0


def iso(stamp: str) -> str:
    """'2025-07-30 21:38:04' (or ISO 'T' form) -> '2025-07-30T21:38:04+00:00' (times as logged)."""
    return datetime.fromisoformat(stamp.replace(" ", "T")).replace(tzinfo=UTC).isoformat()


def seconds_between(first: str | None, last: str | None) -> float | None:
    if not first or not last:
        return None
    return (datetime.fromisoformat(last) - datetime.fromisoformat(first)).total_seconds()


def parse_batch_log(text: str) -> dict[str, TaskLog]:
    tasks: dict[str, TaskLog] = {}
    current: TaskLog | None = None
    for line in text.splitlines():
        m = _LINE.match(line)
        if m:
            started = _TASK.search(m.group(3))
            if started:
                current = tasks.setdefault(started.group(1), TaskLog())
        if current is None:
            continue
        current.lines.append(line)
        if not m:
            continue
        when, level, message = iso(m.group(1)), m.group(2), m.group(3)
        current.first = current.first or when
        current.last = when
        current.errors += level == "ERROR"
        if found := _MODEL.search(message):
            current.model = found.group(1)
        elif found := _LIT.search(message):
            current.literature_model = found.group(1)
        elif found := _STAGE.search(message):
            stage = STAGE_NAMES[found.group(1) or found.group(2)]
            tasks.setdefault(found.group(3), TaskLog()).stage_times[stage] = when
        elif found := _FINISHED.search(message):
            tasks.setdefault(found.group(1), TaskLog()).finished = True
    return tasks


def transcript_span(text: str) -> tuple[str | None, str | None]:
    """First and last '[2025-07-30T15:57:04]' stamps of a coding-agent transcript."""
    stamps = _ISO.findall(text)
    if not stamps:
        return None, None
    return iso(stamps[0]), iso(stamps[-1])
