"""Stage prompts: templates of our own wording, filled from the task and upstream versions.

A template is a markdown file with a `=== system ===` and a `=== user ===` part and `{{name}}`
placeholders. Users override any template by putting a file of the same name in
`<config dir>/prompts/`. Inputs are shortened to fit the model's context window (a weak local
model gets a small budget so it stays fast), cutting the longest inputs first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from mlrtui import paths
from mlrtui.config import ModelConfig
from mlrtui.providers.base import Message, Request
from mlrtui.runs.versions import Stage

_SECTION = re.compile(r"^=== (system|user) ===\s*$", re.MULTILINE)
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
CUT = "\n[...]\n"
LOCAL_INPUT_CHARS = 2400          # keeps the embedded model's prompts short and fast


class PromptError(Exception):
    """A template that is missing or malformed; one line naming the file."""


@dataclass(frozen=True)
class StageSpec:
    stage: Stage
    template: str
    needs: tuple[Stage, ...]        # upstream stages that must have a current version
    max_tokens: int


SPECS: dict[Stage, StageSpec] = {
    "idea": StageSpec("idea", "idea", (), 700),
    "literature": StageSpec("literature", "literature", ("idea",), 900),
    "proposal": StageSpec("proposal", "proposal", ("idea",), 1200),
    "experiment": StageSpec("experiment", "experiment_code", ("proposal",), 1500),
    "paper": StageSpec("paper", "paper", ("proposal", "experiment"), 2000),
}
# Template name -> max output tokens for the experiment's own calls.
EXPERIMENT_CALLS = {"experiment_code": 1500, "experiment_repair": 1500,
                    "experiment_results": 900}
# Template name -> the stage whose output limit applies to it.
TEMPLATE_STAGES: dict[str, Stage] = {**{s.template: s.stage for s in SPECS.values()},
                                     **dict.fromkeys(EXPERIMENT_CALLS, "experiment")}


def stage_max_tokens(stage: Stage, cfg: ModelConfig) -> int:
    """Output tokens a stage asks this model for: the config's per-stage value (model, then
    global) or the stage's default, never above the model's limit for that stage."""
    wanted = cfg.stage_max_tokens.get(stage, SPECS[stage].max_tokens)
    return min(wanted, cfg.output_limit(stage))


def template_path(name: str) -> Path:
    for folder in paths.prompts_dirs():
        candidate = folder / f"{name}.md"
        if candidate.is_file():
            return candidate
    raise PromptError(f"prompt template {name}.md not found in "
                      + ", ".join(str(d) for d in paths.prompts_dirs()))


def load_template(name: str) -> tuple[str, str]:
    """(system, user) parts of a template."""
    path = template_path(name)
    try:
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise PromptError(f"{path}: cannot read ({exc})") from None
    parts = _SECTION.split(text)
    found = {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    if "user" not in found:
        raise PromptError(f"{path}: needs a '=== user ===' line before the user prompt")
    return found.get("system", ""), found["user"]


def fill(text: str, values: dict[str, str]) -> str:
    """Replace {{name}} placeholders; unknown names are left visible rather than dropped."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def input_budget(cfg: ModelConfig, max_tokens: int) -> int:
    """Characters of inputs a prompt may carry for this model."""
    if cfg.provider == "local":
        return LOCAL_INPUT_CHARS
    context = cfg.context_tokens or 128_000
    return max(2000, min(60_000, (context - max_tokens - 300) * 3))


def shorten(text: str, limit: int) -> str:
    """Keep the head and the tail of a text (the tail often holds the conclusion or error)."""
    text = text.strip()
    if len(text) <= limit:
        return text
    if limit < 40:
        return text[:limit]
    head = int(limit * 0.7)
    return text[:head].rstrip() + CUT + text[-(limit - head - len(CUT)):].lstrip()


def fit(values: dict[str, str], budget: int) -> dict[str, str]:
    """Share a character budget among inputs: short ones stay whole, long ones are cut evenly."""
    out = dict(values)
    remaining, pending = budget, sorted(values, key=lambda k: len(values[k]))
    while pending:
        share = remaining // len(pending)
        key = pending.pop(0)
        out[key] = shorten(values[key], share)
        remaining -= len(out[key])
    return out


def build_request(template: str, values: dict[str, str], cfg: ModelConfig, *,
                  max_tokens: int, fitted: tuple[str, ...] = (),
                  temperature: float | None = None) -> Request:
    """A request from a template; only the names in `fitted` share the input budget.

    A stage's main template asks for the configured per-stage limit when there is one; every
    request stays within the model's limit for its stage."""
    stage = TEMPLATE_STAGES.get(template)
    if stage is not None and SPECS[stage].template == template and stage in cfg.stage_max_tokens:
        max_tokens = cfg.stage_max_tokens[stage]
    max_tokens = min(max_tokens, cfg.output_limit(stage))
    budget = input_budget(cfg, max_tokens)
    values = {**values, **fit({k: values.get(k, "") for k in fitted}, budget)}
    system, user = load_template(template)
    messages = [Message("system", fill(system, values))] if system else []
    messages.append(Message("user", fill(user, values)))
    return Request(messages=messages, max_tokens=max_tokens,
                   temperature=cfg.temperature if temperature is None else temperature)


_CODE_BLOCK = re.compile(r"```[ \t]*(?:python|py|python3)?[ \t]*\n(.*?)(?:```|\Z)",
                         re.DOTALL | re.IGNORECASE)


def extract_code(reply: str) -> str:
    """The longest fenced code block of a reply, else the reply itself (it may be bare code)."""
    blocks = [b.strip("\n") for b in _CODE_BLOCK.findall(reply) if b.strip()]
    if blocks:
        return max(blocks, key=len) + "\n"
    return reply.strip() + "\n"


_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)"
                    r"|<img\b[^>]*?\bsrc=[\"']([^\"']+)[\"'][^>]*>", re.IGNORECASE)


def _norm(path: str) -> str:
    parts = [p for p in PurePosixPath(path.strip()).parts if p not in (".", "/")]
    return "/".join(parts)


def keep_known_figures(text: str, figures: list[str]) -> tuple[str, list[str]]:
    """Drop image references to files the run does not have; returns (text, removed paths).

    A reference matches a run file by its relative path or, failing that, its file name.
    """
    known = {_norm(f) for f in figures}
    names = {PurePosixPath(f).name for f in figures}
    removed: list[str] = []

    def check(m: re.Match[str]) -> str:
        raw = m.group(2) or m.group(3)
        target = _norm(raw)
        if target in known or PurePosixPath(target).name in names:
            return m.group(0)
        removed.append(raw)
        return f"*(figure omitted: {m.group(1) or raw} is not among the run's files)*"

    return _IMAGE.sub(check, text), removed
