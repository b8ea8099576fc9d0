"""What goes into a provider batch and what comes out: judge reviews and stage versions.

Requests are built exactly as live judging and live stages build them (the same messages,
schema and token caps); results are written by the same store functions (`store_review`,
`write_version`). What a batch cannot do that a live call does: ask a judge again after an
invalid reply. Such a review is stored as invalid; a later `mlrtui judge` redoes it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from mlrtui.experiment import workspace
from mlrtui.judge.inputs import build_messages
from mlrtui.judge.judging import JudgeTarget, already_judged, store_review
from mlrtui.judge.reply import check_reply
from mlrtui.judge.rubrics import Rubric, store_rubric, stored_rubric
from mlrtui.kernel.modelnames import canonical_model
from mlrtui.providers.base import Completion, Request
from mlrtui.providers.batchjobs import Planned, Writer
from mlrtui.runs import versions as V
from mlrtui.runs.prompts import PromptError, keep_known_figures

if TYPE_CHECKING:
    from mlrtui.config import ModelConfig
    from mlrtui.runs.stage_runner import StageRunner
    from mlrtui.store import Store


def judge_planned(store: Store, cfg: ModelConfig, rubric: Rubric, judge: str,
                  targets: list[JudgeTarget], *, force: bool, max_tokens: int | None,
                  skip: set[tuple[Any, ...]]) -> list[Planned]:
    """One request per target this judge has not reviewed (or all, with force)."""
    store_rubric(store, rubric)
    judge_model = canonical_model(cfg.model or judge)
    tokens = min(max_tokens or rubric.max_tokens, cfg.max_tokens)
    out = []
    for t in targets:
        if (t.run_id, t.version_id, judge) in skip:
            continue
        if not force and already_judged(store, t, judge_model, rubric):
            continue
        messages, notes = build_messages(store, rubric, t.run_id, t.version_id, t.task_body,
                                         context_tokens=cfg.context_tokens, max_tokens=tokens,
                                         compact=False)
        request = Request(messages=messages, temperature=0.0, max_tokens=tokens,
                          json_schema=rubric.schema_for(False))
        out.append(Planned(f"r{t.run_id}-v{t.version_id}", request, {
            "run_id": t.run_id, "task_id": t.task_id, "version_id": t.version_id,
            "judge": judge, "rubric_id": rubric.id, "rubric_hash": rubric.hash,
            "notes": json.dumps(notes)}))
    return out


def judge_writer(store: Store, cfg: ModelConfig, batch_id: int | None) -> Writer:
    """Writes a review per result, under the rubric exactly as it was sent."""
    rubrics: dict[tuple[str, str], Rubric] = {}

    def write(item: dict[str, Any], comp: Completion) -> dict[str, Any]:
        key = (item["rubric_id"], item["rubric_hash"])
        if key not in rubrics:
            found = stored_rubric(store, *key)
            if found is None:
                return {"error": f"rubric {key[0]}@{key[1][:8]} is not in the database"}
            rubrics[key] = found
        run = V.get_run(store, item["run_id"])
        target = JudgeTarget(run_id=run.id, task_id=run.task_id, version_id=item["version_id"],
                             target_model=run.model)
        reply = check_reply(rubrics[key], comp.text)
        review_id, _ = store_review(store, rubrics[key], target,
                                    canonical_model(cfg.model or item["judge"]),
                                    cfg.model or item["judge"], comp.text, reply,
                                    batch_id=batch_id,
                                    notes=[*json.loads(item["notes"] or "[]"), *comp.notes])
        made: dict[str, Any] = {"review_id": review_id}
        if reply.status == "invalid":
            made["error"] = f"invalid reply ({reply.error}); stored, judge again to redo it"
        return made

    return write


def stage_planned(store: Store, runner: StageRunner, stage: str, runs: list[V.Run], *,
                  force: bool, skip: set[tuple[Any, ...]]) -> tuple[dict[str, list[Planned]],
                                                                  list[str]]:
    """Requests of one stage for the runs that need it, grouped by model; and the problems."""
    by_model: dict[str, list[Planned]] = {}
    problems: list[str] = []
    for run in runs:
        if (run.id, stage) in skip or not (force or V.needs_run(store, run.id, stage)):
            continue
        try:
            values, input_ids = runner.inputs(run, stage)
            request = runner.request(run, stage, values)
        except PromptError as exc:
            problems.append(f"run {run.id} {run.task_id} {stage}: {exc}")
            continue
        by_model.setdefault(run.model_name, []).append(Planned(f"r{run.id}-{stage}", request, {
            "run_id": run.id, "task_id": run.task_id, "stage": stage,
            "inputs": json.dumps(input_ids)}))
    return by_model, problems


def stage_writer(store: Store) -> Writer:
    """Writes a version per result, from the inputs the request was built from."""

    def write(item: dict[str, Any], comp: Completion) -> dict[str, Any]:
        run = V.get_run(store, item["run_id"])
        stage = item["stage"]
        text, note = comp.text.strip(), None
        if stage == "paper":
            text, removed = keep_known_figures(text, workspace.figures(store, run.id))
            if removed:
                note = f"removed references to missing figures: {', '.join(removed)}"
        if not text:
            V.set_run_status(store, run.id, "failed", f"{stage}: the model returned no text")
            return {"error": "the model returned no text"}
        version = V.write_version(store, run.id, stage, text + "\n", run.model_name,
                                  inputs=json.loads(item["inputs"] or "[]"), note=note)
        complete = all(s.state == "done" for s in V.stage_states(store, run.id))
        V.set_run_status(store, run.id, "done" if complete else "pending")
        return {"out_version_id": version.id}

    return write
