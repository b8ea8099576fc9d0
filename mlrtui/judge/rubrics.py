"""Judge rubrics as data: TOML files in `rubrics/` (bundled) and the user's config dir.

A rubric names the dimensions a judge scores (1-10, each with described bands), what the judge
reads, and the JSON Schema of the reply. Every review stores the rubric id and the sha256 of the
file's text, and the text itself goes into the `rubrics` table, so an edited rubric never
changes the meaning of old reviews.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from mlrtui import paths
from mlrtui.kernel.vocab import JUDGE_STAGES
from mlrtui.store.db import Store, now

INPUTS = ("task", "idea", "literature", "proposal", "experiment", "paper", "executions", "logs",
          "code")
# What `mlrtui judge --stage` accepts, and the bundled rubric each one uses by default.


class RubricError(Exception):
    """A rubric that cannot be used; the message is one line naming the file."""


class Dimension(BaseModel):
    name: str
    question: str = ""
    bands: dict[str, str] = Field(default_factory=dict)


class ConfidenceSpec(BaseModel):
    question: str = ""
    min: int = 1
    max: int = 5
    bands: dict[str, str] = Field(default_factory=dict)


class FindingType(BaseModel):
    id: str
    label: str = ""


class Rubric(BaseModel):
    id: str
    name: str
    review_stage: str
    target_stage: Literal["idea", "literature", "proposal", "experiment", "paper"]
    inputs: list[str] = Field(default_factory=list)
    kind: Literal["scores", "findings"] = "scores"
    max_tokens: int = 1500
    system: str
    instructions: str
    dimensions: list[Dimension] = Field(default_factory=list)
    confidence: ConfidenceSpec | None = None
    finding_types: list[FindingType] = Field(default_factory=list)
    scale_min: int = 1
    scale_max: int = 10
    output_schema: dict[str, Any]
    compact_schema: dict[str, Any] | None = None
    content: str
    hash: str
    path: str

    @property
    def dimension_names(self) -> list[str]:
        return [d.name for d in self.dimensions]

    @property
    def has_verdict(self) -> bool:
        """Whether the reply carries a hallucination verdict (the experiment rubric)."""
        return "Hallucination" in self.output_schema.get("properties", {})

    def schema_for(self, compact: bool) -> dict[str, Any]:
        """The reply schema to send: the compact one for small embedded models when present."""
        return self.compact_schema if compact and self.compact_schema else self.output_schema

    def system_prompt(self, compact: bool = False) -> str:
        """System text: the reviewer stance, every dimension with its bands, the reply schema.

        The compact form is for small embedded models, whose reply the grammar already
        constrains: the first sentence of the instructions, the questions, a one-line format.
        """
        if compact:
            return self._compact_prompt()
        parts = [self.system.strip(), "", self.instructions.strip()]
        if self.dimensions:
            parts += ["", f"Dimensions (each scored {self.scale_min}-{self.scale_max}):"]
            for dim in self.dimensions:
                parts.append(f"- {dim.name}: {dim.question}")
                if not compact:
                    parts += [f"    {band}: {text}" for band, text in dim.bands.items()]
        if self.confidence is not None:
            c = self.confidence
            parts.append(f"- Confidence ({c.min}-{c.max}): {c.question}")
            if not compact:
                parts += [f"    {band}: {text}" for band, text in c.bands.items()]
        parts += ["", "Reply with one JSON object that fits this JSON Schema:",
                  json.dumps(self.output_schema, separators=(",", ":"))]
        return "\n".join(parts)

    def _compact_prompt(self) -> str:
        first = " ".join(self.instructions.split()).split(". ")[0].rstrip(".") + "."
        parts = [first]
        if self.dimensions:
            parts.append(f"Score each from {self.scale_min} (very poor) to {self.scale_max} "
                         "(excellent):")
            parts += [f"- {d.name}: {d.question}" for d in self.dimensions]
        if self.confidence is not None:
            parts.append(f"- Confidence ({self.confidence.min}-{self.confidence.max}): "
                         f"{self.confidence.question}")
        schema = self.schema_for(True)
        shape = ", ".join(f'"{k}": ...' for k in schema.get("properties", {}))
        parts.append(f"Reply with JSON only: {{{shape}}}")
        return "\n".join(parts)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8")).hexdigest()


def parse_rubric(text: str, path: str, default_id: str) -> Rubric:
    """Build a rubric from TOML text; RubricError names the file and the first problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RubricError(f"{path}: not valid TOML ({exc})") from None
    output = data.pop("output", None)
    if not isinstance(output, dict) or "schema" not in output:
        raise RubricError(f"{path}: missing [output] schema")
    try:
        schema = json.loads(output["schema"]) if isinstance(output["schema"], str) \
            else output["schema"]
        compact = output.get("compact_schema")
        compact = json.loads(compact) if isinstance(compact, str) else compact
    except ValueError as exc:
        raise RubricError(f"{path}: [output] schema is not valid JSON ({exc})") from None
    bad_inputs = [i for i in data.get("inputs", []) if i not in INPUTS]
    if bad_inputs:
        raise RubricError(f"{path}: unknown inputs {bad_inputs} (known: {', '.join(INPUTS)})")
    data.setdefault("id", default_id)
    try:
        rubric = Rubric(**data, output_schema=schema, compact_schema=compact, content=text,
                        hash=content_hash(text), path=path)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise RubricError(f"{path}: {where}: {err['msg']}") from None
    if rubric.kind == "scores" and not rubric.dimensions:
        raise RubricError(f"{path}: a scores rubric needs at least one [[dimensions]] entry")
    return rubric


def load_rubric_file(path: Path) -> Rubric:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RubricError(f"{path}: cannot read ({exc})") from None
    return parse_rubric(text, str(path), path.stem)


def load_rubrics(dirs: list[Path] | None = None) -> tuple[dict[str, Rubric], list[str]]:
    """Every rubric by id (the user's folder wins over the bundled one) and one-line problems."""
    found: dict[str, Rubric] = {}
    problems: list[str] = []
    for folder in dirs if dirs is not None else paths.rubrics_dirs():
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                rubric = load_rubric_file(path)
            except RubricError as exc:
                problems.append(str(exc))
                continue
            found.setdefault(rubric.id, rubric)
    return found, problems


def get_rubric(rubric_id: str, dirs: list[Path] | None = None) -> Rubric:
    rubrics, problems = load_rubrics(dirs)
    if rubric_id in rubrics:
        return rubrics[rubric_id]
    broken = [p for p in problems if Path(p.split(":", 1)[0]).stem == rubric_id]
    if broken:
        raise RubricError(broken[0])
    raise RubricError(f"no rubric named {rubric_id!r} (known: {', '.join(sorted(rubrics))})")


def rubric_for_stage(stage: str, dirs: list[Path] | None = None) -> Rubric:
    """The default rubric of a `--stage` value (paper -> writeup)."""
    if stage not in JUDGE_STAGES:
        raise RubricError(f"unknown stage {stage!r} (use {', '.join(JUDGE_STAGES)})")
    return get_rubric(JUDGE_STAGES[stage], dirs)


def store_rubric(store: Store, rubric: Rubric) -> None:
    """Keep the rubric's text under (id, hash) so every review can be traced to its wording."""
    store.insert("rubrics", {"id": rubric.id, "hash": rubric.hash, "content": rubric.content,
                             "created_at": now()}, ignore=True)


def stored_rubric(store: Store, rubric_id: str, rubric_hash: str) -> Rubric | None:
    """The rubric exactly as it was when a review used it."""
    rows = store.query("SELECT content FROM rubrics WHERE id = ? AND hash = ?",
                       [rubric_id, rubric_hash])
    if not rows:
        return None
    return parse_rubric(rows[0]["content"], f"rubrics table ({rubric_id}@{rubric_hash[:8]})",
                        rubric_id)
