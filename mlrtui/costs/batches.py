"""Batch rows: one per long operation (a run of stages, a judging batch), the unit a batch
budget caps. The one writer of the `batches` table.

One convention for the cap: an explicit budget given for the batch, else the config's
`batch_budget_usd`, stored on the row when the batch opens (so a resumed or inspected batch
shows the cap it ran under).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from mlrtui.store.db import now

if TYPE_CHECKING:
    from mlrtui.config import Settings
    from mlrtui.store import Store

KINDS = ("run", "judge", "import")
ENDS = ("done", "stopped", "cancelled", "failed", "interrupted")


def batch_cap(settings: Settings, explicit: float | None) -> float | None:
    """The cap a new batch runs under: the explicit budget, else the config's."""
    return explicit if explicit is not None else settings.batch_budget_usd


def open_batch(store: Store, kind: str, args: dict[str, Any], budget_usd: float | None) -> int:
    """A new running batch row; returns its id."""
    with store.transaction():
        return int(store.insert("batches", {
            "kind": kind, "budget_usd": budget_usd, "status": "running", "created_at": now(),
            "args": json.dumps(args, default=str)}))


def close_batch(store: Store, batch_id: int, status: str) -> None:
    """Record how a batch ended (done, stopped by a budget, cancelled, failed)."""
    with store.transaction():
        store.db.execute("UPDATE batches SET status = ?, finished_at = ? WHERE id = ?",
                         [status, now(), batch_id])


def set_batch_budget(store: Store, batch_id: int, cap: float) -> bool:
    """Store a batch's budget cap (batches.budget_usd); False when there is no such batch."""
    with store.transaction() as db:
        cur = db.execute("UPDATE batches SET budget_usd = ? WHERE id = ?", [cap, batch_id])
    return cur.rowcount > 0


def batch_cost(store: Store, batch_id: int) -> tuple[float | None, int]:
    """USD the ledger records for a batch (None: nothing priced) and its unpriced ok calls."""
    row = store.query(
        "SELECT SUM(cost_usd) AS usd, SUM(cost_usd IS NULL AND status = 'ok') AS unpriced "
        "FROM llm_calls WHERE batch_id = ?", [batch_id])[0]
    return row["usd"], int(row["unpriced"] or 0)
