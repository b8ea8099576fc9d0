"""The one writer of `provider_batches` and `provider_batch_items`: what was sent to a provider
batch API, under which provider batch id, and which results were written.

Exactly-once rests on two rules. The row and its items exist before anything is sent, and the
provider batch id is stored the moment the create call returns. A result is written only by
`claim`, which flips `result_written` from 0 to 1 in the same transaction as the review or
version it writes, so a second collect (the same process, or a resumed one) finds nothing to do.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from mlrtui.providers.batchapi import BatchState
from mlrtui.store import Store
from mlrtui.store.db import now

OPEN = ("submitting", "pending", "ended")      # a later collect still has work to do


@dataclass
class ProviderBatch:
    id: int
    batch_id: int | None
    kind: str
    provider: str
    model_name: str
    model: str
    provider_batch_id: str | None
    status: str
    provider_status: str | None
    counts: dict[str, int]
    estimate_live_usd: float | None
    estimate_batch_usd: float | None
    submitted_at: str | None
    finished_at: str | None
    expires_at: str | None


def _batch(row: dict[str, Any]) -> ProviderBatch:
    fields = {k: row[k] for k in ProviderBatch.__dataclass_fields__ if k != "counts"}
    return ProviderBatch(**fields, counts=json.loads(row["counts"] or "{}"))


def create(store: Store, *, batch_id: int | None, kind: str, provider: str, model_name: str,
           model: str, items: list[dict[str, Any]], estimate_live: float | None,
           estimate_batch: float | None) -> int:
    """The row (status submitting) and its items, before anything is sent."""
    with store.transaction():
        pb = int(store.insert("provider_batches", {
            "batch_id": batch_id, "kind": kind, "provider": provider, "model_name": model_name,
            "model": model, "status": "submitting", "estimate_live_usd": estimate_live,
            "estimate_batch_usd": estimate_batch, "created_at": now()}))
        for item in items:
            store.insert("provider_batch_items", {"provider_batch": pb, **item})
    return pb


def submitted(store: Store, pb: int, provider_batch_id: str, state: BatchState,
              input_file_id: str | None) -> None:
    """Called the moment the provider returns its id: from here on, nothing is sent again."""
    with store.transaction() as db:
        db.execute("UPDATE provider_batches SET provider_batch_id = ?, input_file_id = ?, "
                   "status = 'pending', provider_status = ?, counts = ?, expires_at = ?, "
                   "submitted_at = ? WHERE id = ?",
                   [provider_batch_id, input_file_id, state.provider_status,
                    json.dumps(state.counts), state.expires_at, now(), pb])


def update(store: Store, pb: int, state: BatchState) -> None:
    status = "ended" if state.done else "pending"
    with store.transaction() as db:
        db.execute("UPDATE provider_batches SET status = ?, provider_status = ?, counts = ?, "
                   "expires_at = COALESCE(?, expires_at), finished_at = CASE WHEN ? = 'ended' "
                   "THEN COALESCE(finished_at, ?) ELSE finished_at END WHERE id = ?",
                   [status, state.provider_status, json.dumps(state.counts), state.expires_at,
                    status, now(), pb])


def close(store: Store, pb: int, status: str) -> None:
    """collected (every result handled) or lost (killed before the provider id was kept)."""
    with store.transaction() as db:
        db.execute("UPDATE provider_batches SET status = ?, finished_at = COALESCE(finished_at,"
                   " ?) WHERE id = ?", [status, now(), pb])


def get(store: Store, pb: int) -> ProviderBatch:
    return _batch(store.query("SELECT * FROM provider_batches WHERE id = ?", [pb])[0])


def open_batches(store: Store, kind: str | None = None) -> list[ProviderBatch]:
    marks = ", ".join("?" for _ in OPEN)
    sql = f"SELECT * FROM provider_batches WHERE status IN ({marks})"
    params: list[Any] = list(OPEN)
    if kind is not None:
        sql += " AND kind = ?"
        params.append(kind)
    return [_batch(r) for r in store.query(sql + " ORDER BY id", params)]


def all_batches(store: Store, limit: int = 50) -> list[ProviderBatch]:
    return [_batch(r) for r in store.query(
        "SELECT * FROM provider_batches ORDER BY id DESC LIMIT ?", [limit])]


def items(store: Store, pb: int, *, status: str | None = None) -> list[dict[str, Any]]:
    sql = "SELECT * FROM provider_batch_items WHERE provider_batch = ?"
    params: list[Any] = [pb]
    if status is not None:
        sql += " AND status = ?"
        params.append(status)
    return store.query(sql + " ORDER BY id", params)


def open_item_keys(store: Store, kind: str) -> set[tuple[Any, ...]]:
    """(run, version, judge) or (run, stage) of items sent in batches not yet collected."""
    rows = store.query(
        "SELECT i.run_id, i.version_id, i.judge, i.stage FROM provider_batch_items i JOIN "
        "provider_batches b ON b.id = i.provider_batch WHERE b.kind = ? AND b.status IN "
        "('pending', 'ended') AND i.status = 'pending'", [kind])
    if kind == "judge":
        return {(r["run_id"], r["version_id"], r["judge"]) for r in rows}
    return {(r["run_id"], r["stage"]) for r in rows}


@contextmanager
def claim(store: Store, item_id: int, status: str, error: str | None = None
          ) -> Iterator[bool]:
    """One transaction: True (and the item marked written) if no one wrote its result yet.
    Whatever the caller writes inside commits or rolls back with the mark."""
    with store.transaction() as db:
        written = 1 if status == "succeeded" else 0
        cur = db.execute("UPDATE provider_batch_items SET status = ?, error = ?, "
                         "result_written = ? WHERE id = ? AND status = 'pending'",
                         [status, error, written, item_id])
        yield cur.rowcount == 1


def link(store: Store, item_id: int, *, review_id: int | None = None,
         out_version_id: int | None = None, call_key: str | None = None,
         error: str | None = None) -> None:
    with store.transaction() as db:
        db.execute("UPDATE provider_batch_items SET review_id = COALESCE(?, review_id), "
                   "out_version_id = COALESCE(?, out_version_id), "
                   "call_key = COALESCE(?, call_key), error = COALESCE(?, error) WHERE id = ?",
                   [review_id, out_version_id, call_key, error, item_id])
