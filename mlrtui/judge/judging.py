"""Running judges: any configured model reviews the current version of a stage of many runs.

Each (run, judge) pair is one review. A reply that fails validation is stored raw with status
'invalid' and the judge is asked once more, with the reason; the retry is stored too. Calls
that fail outright are counted, never raised, so a batch always completes; only a budget stop
(unless the caller's `on_budget` raises the cap) or a cancel ends it early. Hallucination
findings (and the experiment judge's verdict) become flags on the judged version.
"""

from __future__ import annotations

import asyncio
import fnmatch
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from mlrtui.config import Settings
from mlrtui.costs.batches import close_batch
from mlrtui.costs.batches import open_batch as open_batch_row
from mlrtui.costs.budget import BudgetExceeded, BudgetGate, OnBudget
from mlrtui.judge.flags import flags_from_reply
from mlrtui.judge.inputs import build_messages
from mlrtui.judge.reply import CheckedReply, check_reply_async
from mlrtui.judge.rubrics import Rubric, store_rubric
from mlrtui.kernel.modelnames import canonical_model
from mlrtui.kernel.progress import NullProgress, ProgressSink
from mlrtui.providers.base import Message, Request
from mlrtui.providers.client import CallContext, CallFailed, LLMClient
from mlrtui.store.db import Store, now

if TYPE_CHECKING:
    from mlrtui.store.bulk import BulkWriter

RAW_ECHO = 2_000        # characters of a bad reply quoted back to the judge on the retry


class JudgeTarget(BaseModel):
    run_id: int
    task_id: str
    version_id: int
    target_model: str
    task_body: str = ""


class JudgeOutcome(BaseModel):
    run_id: int
    task_id: str
    judge: str
    status: str                       # ok | repaired | invalid | failed | skipped
    review_ids: list[int] = Field(default_factory=list)
    overall: float | None = None
    error: str | None = None
    retried: bool = False
    flags: int = 0


class JudgeSummary(BaseModel):
    batch_id: int | None
    rubric_id: str
    judges: list[str]
    targets: int
    outcomes: list[JudgeOutcome] = Field(default_factory=list)
    stopped: str | None = None        # why the batch ended early (budget), else None

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def flags(self) -> int:
        return sum(o.flags for o in self.outcomes)


def find_targets(store: Store, rubric: Rubric, *, task_globs: list[str] | None = None,
                 run_ids: list[int] | None = None,
                 models: list[str] | None = None) -> list[JudgeTarget]:
    """The current version of the rubric's stage in every matching run."""
    rows = store.query(
        "SELECT r.id AS run_id, r.task_id, r.model, h.version_id, t.body FROM stage_heads h "
        "JOIN runs r ON r.id = h.run_id JOIN tasks t ON t.id = r.task_id "
        "WHERE h.stage = ? ORDER BY r.task_id, r.model, r.id", [rubric.target_stage])
    wanted_models = {canonical_model(m) for m in models or []}
    out = []
    for r in rows:
        if task_globs and not any(fnmatch.fnmatchcase(r["task_id"], g) for g in task_globs):
            continue
        if run_ids and r["run_id"] not in run_ids:
            continue
        if wanted_models and r["model"] not in wanted_models:
            continue
        out.append(JudgeTarget(run_id=r["run_id"], task_id=r["task_id"],
                               version_id=r["version_id"], target_model=r["model"],
                               task_body=r["body"]))
    return out


def already_judged(store: Store, target: JudgeTarget, judge_model: str, rubric: Rubric) -> bool:
    return bool(store.scalar(
        "SELECT 1 FROM reviews WHERE version_id = ? AND judge_model = ? AND rubric_id = ? "
        "AND rubric_hash = ? AND parse_status != 'invalid' LIMIT 1",
        [target.version_id, judge_model, rubric.id, rubric.hash]))


def _parsed_json(reply: CheckedReply) -> str | None:
    if reply.status == "invalid" and reply.data is None:
        return None
    body: dict[str, Any] = {"scores": reply.scores, "justifications": reply.justifications}
    if reply.confidence is not None:
        body["confidence"] = reply.confidence
    if reply.has_hallucination is not None:
        body["has_hallucination"] = reply.has_hallucination
    if reply.verdict is not None:
        body["verdict"] = reply.verdict.model_dump()
    if reply.findings:
        body["findings"] = [f.model_dump() for f in reply.findings]
    body["reply"] = reply.data
    return json.dumps(body, ensure_ascii=False, default=str)


def store_review(store: Store, rubric: Rubric, target: JudgeTarget, judge_model: str,
                 judge_original: str, raw: str, reply: CheckedReply, *,
                 batch_id: int | None = None, notes: list[str] | None = None,
                 source: str = "local") -> tuple[int, int]:
    """One review with its scores and flags in one transaction: (review id, flags made)."""
    with store.transaction():
        store_rubric(store, rubric)
        review_id = int(store.insert("reviews", {
            "task_id": target.task_id, "run_id": target.run_id, "version_id": target.version_id,
            "stage": rubric.review_stage, "target_model": target.target_model,
            "judge_model": judge_model, "judge_original": judge_original,
            "rubric_id": rubric.id, "rubric_hash": rubric.hash, "overall": reply.overall,
            "confidence": reply.confidence, "raw_text": raw, "parsed": _parsed_json(reply),
            "parse_status": reply.status, "error": reply.error, "source": source,
            "batch_id": batch_id, "notes": json.dumps(notes or []), "created_at": now()}))
        if reply.status != "invalid":
            for dim, score in reply.scores.items():
                store.insert("review_scores", {"review_id": review_id, "dimension": dim,
                                               "score": score,
                                               "justification": reply.justifications.get(dim)})
        made = flags_from_reply(store, review_id, reply, source=judge_model,
                                run_id=target.run_id, version_id=target.version_id) \
            if reply.status != "invalid" else 0
    return review_id, made


async def judge_one(store: Store, client: LLMClient, rubric: Rubric, judge: str,
                    target: JudgeTarget, *, batch_id: int | None = None,
                    max_tokens: int | None = None) -> JudgeOutcome:
    """Review one target with one judge: at most two calls (the second only after an invalid
    reply). BudgetExceeded and cancellation propagate; any other failure is an outcome."""
    try:
        cfg = client.config(judge)
    except CallFailed as exc:
        return JudgeOutcome(run_id=target.run_id, task_id=target.task_id, judge=judge,
                            status="failed", error=str(exc))
    judge_model = canonical_model(cfg.model or judge)
    compact = cfg.provider == "local"
    tokens = min(max_tokens or rubric.max_tokens, cfg.max_tokens)
    messages, notes = build_messages(store, rubric, target.run_id, target.version_id,
                                     target.task_body, context_tokens=cfg.context_tokens,
                                     max_tokens=tokens, compact=compact)
    outcome = JudgeOutcome(run_id=target.run_id, task_id=target.task_id, judge=judge_model,
                           status="failed")
    ctx = CallContext(purpose="judge", run_id=target.run_id, version_id=target.version_id,
                      batch_id=batch_id, task_id=target.task_id, stage=rubric.review_stage)
    for attempt in (1, 2):
        request = Request(messages=messages, temperature=0.0, max_tokens=tokens,
                          json_schema=rubric.schema_for(compact))
        try:
            res = await client.complete(judge, request, ctx)
        except CallFailed as exc:
            outcome.error = str(exc)
            return outcome
        raw = res.completion.text
        reply = await check_reply_async(rubric, raw)
        review_id, made = store_review(store, rubric, target, judge_model, cfg.model or judge,
                                       raw, reply, batch_id=batch_id,
                                       notes=notes + res.completion.notes)
        client.link(res.call_key, review_id=review_id)
        outcome.review_ids.append(review_id)
        outcome.status, outcome.error, outcome.flags = reply.status, reply.error, made
        outcome.overall = reply.overall
        if reply.status != "invalid":
            break
        outcome.retried = True
        messages = messages + [
            Message("assistant", raw[:RAW_ECHO]),
            Message("user", f"That reply could not be used ({reply.error}). Reply again with "
                            "only the JSON object, following the schema exactly.")]
    return outcome


def open_batch(store: Store, rubric: Rubric, judges: list[str], targets: list[JudgeTarget], *,
               force: bool = False, budget_usd: float | None = None) -> int:
    """The batches row a judging batch records into; `budget_usd` is its cap."""
    return open_batch_row(store, "judge", {"rubric": rubric.id, "judges": judges,
                                           "runs": [t.run_id for t in targets],
                                           "force": force}, budget_usd)


async def judge_batch(store: Store, settings: Settings, client: LLMClient, rubric: Rubric,
                      judges: list[str], targets: list[JudgeTarget], *, force: bool = False,
                      budget_usd: float | None = None, concurrency: int | None = None,
                      max_tokens: int | None = None, progress: ProgressSink | None = None,
                      batch_id: int | None = None, on_budget: OnBudget | None = None,
                      gate: BudgetGate | None = None) -> JudgeSummary:
    """Judge every target with every judge, bounded in concurrency, recorded as one batch.

    `batch_id`: record into this row from `open_batch` (e.g. one the caller built a Budget for)
    rather than a new one. `on_budget` (or an operation's `gate` holding it): asked, one call
    at a time, when a call would cross a cap; True (the cap was raised) tries the call again,
    False stops the batch as without it. Closing the batch row is the operation's when it gave
    `gate`.
    """
    progress = progress or NullProgress()
    owns_batch = gate is None          # an Operation closes its own batch row
    if batch_id is None:
        batch_id = open_batch(store, rubric, judges, targets, force=force, budget_usd=budget_usd)
    summary = JudgeSummary(batch_id=batch_id, rubric_id=rubric.id, judges=judges,
                           targets=len(targets))
    budget_gate = gate or BudgetGate(on_budget)
    slots = asyncio.Semaphore(max(1, concurrency or settings.concurrency))
    jobs = [(t, j) for t in targets for j in judges]
    progress.start(len(jobs), f"judging {rubric.id}")

    async def one(target: JudgeTarget, judge: str) -> None:
        async with slots:
            if budget_gate.is_stopped:
                return
            model = _judge_model(client, judge)
            if not force and model and already_judged(store, target, model, rubric):
                outcome = JudgeOutcome(run_id=target.run_id, task_id=target.task_id,
                                       judge=model, status="skipped")
            else:
                while True:
                    seen = budget_gate.raised
                    try:
                        outcome = await judge_one(store, client, rubric, judge, target,
                                                  batch_id=batch_id, max_tokens=max_tokens)
                        break
                    except BudgetExceeded as exc:
                        if await budget_gate.go_on(exc, seen):
                            continue
                        summary.stopped = str(budget_gate.stopped)
                        return
            summary.outcomes.append(outcome)
            if outcome.status in ("failed", "invalid"):
                progress.problem(f"{target.task_id} (run {target.run_id})",
                                 f"{outcome.judge}: {outcome.status}: {outcome.error}")
            progress.advance(1, f"{target.task_id} · {outcome.judge} · {outcome.status}")

    status = "cancelled"
    try:
        await asyncio.gather(*(one(t, j) for t, j in jobs))
        status = "stopped" if summary.stopped else "done"
    finally:
        progress.finish()
        if owns_batch:
            close_batch(store, batch_id, status)
    return summary


def _judge_model(client: LLMClient, judge: str) -> str | None:
    try:
        cfg = client.config(judge)
    except CallFailed:
        return None
    return canonical_model(cfg.model or judge)


# -- bulk import (reviews read from files: judge files, the human study's judge table) -------
SCORE_COLUMNS = ("review_id", "dimension", "score", "justification")


def import_review(w: BulkWriter, row: dict[str, Any]) -> int:
    """A review read from elsewhere, stored once per import key; returns its id (a row of
    only {"import_key": k} finds the id of one stored earlier)."""
    return w.keyed("reviews", row)


def import_review_scores(w: BulkWriter, rows: list[Sequence[Any]]) -> None:
    """Per-dimension scores of imported reviews, as tuples in SCORE_COLUMNS order."""
    w.many("review_scores", SCORE_COLUMNS, rows)
