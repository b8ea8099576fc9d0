"""Imported token usage is priced at import (not left *unpriced* until `p`): a model the price
data knows gets its USD at the call's time; one it does not know stays unpriced, never $0."""

from __future__ import annotations

from pathlib import Path

import minicorpus

from mlrtui.config import Settings
from mlrtui.costs.summary import totals
from mlrtui.importer import import_corpus
from mlrtui.providers.ledger import reprice


def _import(store, root: Path) -> None:
    import_corpus(store, root)


def test_known_model_usage_is_priced_at_import(store, tmp_path: Path) -> None:
    root = minicorpus.build(tmp_path / "mini")
    log = root / "agent_results" / "end2end_codex" / "mlr_agent_codex.log"
    log.write_text(log.read_text().replace("alpha-1-2031-02-03", "gpt-4o-2024-08-06"))
    _import(store, root)
    rows = store.query("SELECT stage, model, input_tokens, cost_usd, price_source "
                       "FROM llm_calls WHERE source = 'corpus' ORDER BY id")
    backbone = [r for r in rows if r["model"] == "gpt-4o"]
    assert backbone, rows
    assert all(r["cost_usd"] and r["cost_usd"] > 0 for r in backbone), backbone
    assert {r["price_source"] for r in backbone} == {"genai-prices"}
    before = totals(store).cost_usd
    assert before > 0 and totals(store).unpriced == len(rows) - len(backbone)
    report = reprice(store, Settings())
    assert report.changed == 0 and abs(totals(store).cost_usd - before) < 1e-9


def test_unknown_model_stays_unpriced(store, tmp_path: Path) -> None:
    _import(store, minicorpus.build(tmp_path / "mini"))
    rows = store.query("SELECT cost_usd FROM llm_calls WHERE source = 'corpus'")
    assert rows and all(r["cost_usd"] is None for r in rows)
