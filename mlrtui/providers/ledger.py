"""Writing the ledger (one llm_calls row per attempt) and the content-addressed response cache.

Each attempt's row is written BEFORE the request is sent (status "in_flight", its worst-case
cost as the estimate, this process as owner) and completed after, so a process killed mid-call
still leaves a row for every request a server may have answered and billed. On the next open
`store.owners.reap` turns in-flight rows of dead processes into "interrupted" ones, whose
estimated cost the spend summaries count.

Error text is scrubbed of every configured API key before it is stored: some servers echo the
key they were sent, and nothing the program writes may contain one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from mlrtui.config import ModelConfig, Settings
from mlrtui.costs.summary import RepriceReport, price_changes
from mlrtui.kernel.modelnames import canonical_model
from mlrtui.kernel.secrets import known_secrets, redact
from mlrtui.providers.base import Completion, ProviderError, Request, Usage
from mlrtui.store import Store
from mlrtui.store.db import now
from mlrtui.store.owners import owner_token

if TYPE_CHECKING:
    from mlrtui.store.bulk import BulkWriter

IN_FLIGHT = "in_flight"
SOURCE_ESTIMATE = "estimate"     # price_source of an in-flight or interrupted row


def cache_key(cfg: ModelConfig, request: Request) -> str:
    """Content address of a call: provider, endpoint, model, messages and parameters."""
    payload = {
        "provider": cfg.provider, "base_url": cfg.base_url, "model": cfg.model,
        "gguf": cfg.gguf_path,
        "messages": [[m.role, m.content] for m in request.messages],
        "temperature": request.temperature, "max_tokens": request.max_tokens,
        "json_schema": request.json_schema,
    }
    raw = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass
class Attempt:
    """What one attempt left behind, for its ledger row."""

    attempt: int
    status: str                      # ok | error | cached | cancelled | in_flight (| interrupted)
    latency_s: float | None = None
    usage: Usage | None = None
    model_reported: str | None = None
    cost_usd: float | None = None
    price_source: str | None = None
    price_version: str | None = None
    error: str | None = None
    finish_reason: str | None = None


class Ledger:
    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.secrets = known_secrets(settings)

    def scrub(self, error: ProviderError) -> ProviderError:
        """The same error with any known key removed from its message."""
        text = redact(str(error), self.secrets)
        if text == str(error):
            return error
        return ProviderError(text, retryable=error.retryable, status=error.status,
                             retry_after=error.retry_after, malformed=error.malformed)

    def record(self, call_key: str, cfg: ModelConfig, ctx: Any, a: Attempt) -> int | None:
        """Insert one finished attempt's row (a cache hit)."""
        row = {
            "call_key": call_key, "attempt": a.attempt,
            "run_id": ctx.run_id, "version_id": ctx.version_id, "review_id": ctx.review_id,
            "batch_id": ctx.batch_id, "task_id": ctx.task_id, "stage": ctx.stage,
            "purpose": ctx.purpose, "provider": cfg.provider,
            "model": canonical_model(cfg.model), **self._outcome(cfg, a),
        }
        with self.store.transaction():
            return self.store.insert("llm_calls", row)

    def begin(self, call_key: str, cfg: ModelConfig, ctx: Any, attempt: int,
              estimate: float | None) -> int | None:
        """The in-flight row of an attempt about to be sent; `finish` completes it."""
        return self.record(call_key, cfg, ctx, Attempt(
            attempt, IN_FLIGHT, cost_usd=estimate,
            price_source=SOURCE_ESTIMATE if estimate is not None else None))

    def finish(self, row_id: int | None, cfg: ModelConfig, a: Attempt) -> None:
        """Complete an in-flight row with what the attempt left behind."""
        values = self._outcome(cfg, a)
        assignments = ", ".join(f"{k} = ?" for k in values)
        with self.store.transaction() as db:
            db.execute(f"UPDATE llm_calls SET {assignments} WHERE id = ?",
                       [*values.values(), row_id])

    def _outcome(self, cfg: ModelConfig, a: Attempt) -> dict[str, Any]:
        usage = a.usage
        return {
            "model_original": a.model_reported or cfg.model,
            "input_tokens": usage.input_tokens if usage else None,
            "output_tokens": usage.output_tokens if usage else None,
            "cache_read_tokens": usage.cache_read_tokens if usage else None,
            "cache_write_tokens": usage.cache_write_tokens if usage else None,
            "cost_usd": a.cost_usd, "price_source": a.price_source,
            "price_version": a.price_version,
            "latency_s": round(a.latency_s, 4) if a.latency_s is not None else None,
            "status": a.status, "finish_reason": a.finish_reason,
            "error": redact(a.error, self.secrets) if a.error else None,
            "owner": owner_token() if a.status == IN_FLIGHT else None,
            "created_at": now(),
        }

    def link(self, call_key: str, version_id: int | None, review_id: int | None) -> None:
        sets = {k: v for k, v in (("version_id", version_id), ("review_id", review_id))
                if v is not None}
        if not sets:
            return
        assignments = ", ".join(f"{k} = ?" for k in sets)
        with self.store.transaction() as db:
            db.execute(f"UPDATE llm_calls SET {assignments} WHERE call_key = ?",
                       [*sets.values(), call_key])

    def cache_get(self, key: str) -> Completion | None:
        rows = self.store.query("SELECT text, usage, model FROM response_cache WHERE key = ?",
                                [key])
        if not rows:
            return None
        meta = json.loads(rows[0]["usage"] or "{}")
        finish = meta.pop("finish_reason", None)
        usage = Usage(**{k: int(v) for k, v in meta.items() if k in Usage.__dataclass_fields__})
        return Completion(text=rows[0]["text"], usage=usage, model=rows[0]["model"],
                          finish_reason=finish, notes=["served from the response cache"])

    def cache_put(self, key: str, cfg: ModelConfig, completion: Completion) -> None:
        meta = asdict(completion.usage) | {"finish_reason": completion.finish_reason}
        with self.store.transaction() as db:
            db.execute("INSERT OR REPLACE INTO response_cache (key, provider, model, text, usage,"
                       " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                       [key, cfg.provider, completion.model or cfg.model, completion.text,
                        json.dumps(meta), now()])


def insert_call(store: Store, row: dict[str, Any]) -> int:
    """One finished ledger row written whole (a coding agent's own reported usage)."""
    with store.transaction():
        return int(store.insert("llm_calls", row))


def import_calls(w: BulkWriter, columns: Sequence[str], rows: list[Sequence[Any]]) -> None:
    """Ledger rows read from elsewhere (token usage files, reported agent costs), as tuples in
    `columns` order; each carries an import_key, so a re-import adds none."""
    w.many("llm_calls", columns, rows)


def reprice(store: Store, settings: Settings) -> RepriceReport:
    """Recompute the cost of every successful row with today's price data and config
    overrides, each at the price in force when the call was made (costs.summary prices)."""
    report, updates = price_changes(store, settings)
    with store.transaction() as db:
        db.conn.executemany("UPDATE llm_calls SET cost_usd = ?, price_source = ?, "
                            "price_version = ? WHERE id = ?", updates)
    return report
