"""Units grouped into batch transactions: a failing unit is rolled back alone, a batch that
cannot commit takes back every unit in it (rows, counts, ids), and the import's write
settings are restored afterwards."""

from __future__ import annotations

from pathlib import Path

import minicorpus

from mlrtui.importer import ImportSummary, import_corpus
from mlrtui.importer.context import ImportContext, UnitFailed
from mlrtui.kernel.progress import NullProgress
from mlrtui.store.db import Store


def _context(store: Store, tmp_path: Path) -> ImportContext:
    store.insert("tasks", {"id": "t1", "venue": "v", "year": 2031, "slug": "s", "title": "T",
                           "body": "b", "category": "Others", "source": "user",
                           "content_hash": "h", "created_at": "now"})
    ctx = ImportContext(store, tmp_path, ImportSummary(), NullProgress())
    ctx.batches.seconds = 3600          # one batch for the whole test, whatever the machine
    ctx.preload()
    return ctx


def _run(key: str, task: str = "t1") -> dict:
    return {"task_id": task, "mode": "stepwise", "model": "m", "status": "done",
            "source": "corpus", "import_key": key, "created_at": "n", "updated_at": "n"}


def test_failed_unit_in_a_batch_leaves_its_neighbours(store: Store, tmp_path: Path) -> None:
    ctx = _context(store, tmp_path)
    with ctx.batches.grouped():
        with ctx.unit("first"):
            first = ctx.keyed("runs", _run("corpus:run:a"))
            ctx.many("stage_heads", ("run_id", "stage", "version_id"), [])
        with ctx.unit("broken"):
            ctx.keyed("runs", _run("corpus:run:b"))
            raise UnitFailed("half done")
        with ctx.unit("third"):
            third = ctx.keyed("runs", _run("corpus:run:c"))
        assert store.db.conn.in_transaction      # still one open batch
    assert not store.db.conn.in_transaction
    rows = dict(store.db.execute("SELECT import_key, id FROM runs").fetchall())
    assert rows == {"corpus:run:a": first, "corpus:run:c": third}
    assert ctx.summary.counts["runs"] == 2
    assert ctx.summary.problems == [("broken", "not imported (UnitFailed: half done)")]
    assert set(ctx.ids["runs"]) == {"corpus:run:a", "corpus:run:c"}


def test_batch_that_cannot_commit_takes_back_all_its_units(store: Store,
                                                           tmp_path: Path) -> None:
    ctx = _context(store, tmp_path)
    with ctx.batches.grouped():
        with ctx.unit("good"):
            ctx.model("model-x-2031-01-01")
            ctx.keyed("runs", _run("corpus:run:good"))
        with ctx.unit("dangling"):
            # Deferred foreign keys pass the savepoint and fail only at COMMIT.
            store.db.execute("PRAGMA defer_foreign_keys = ON")
            ctx.keyed("runs", _run("corpus:run:dangling", task="no-such-task"))
        assert ctx.summary.counts["runs"] == 2
    assert store.scalar("SELECT COUNT(*) FROM runs") == 0
    assert store.scalar("SELECT COUNT(*) FROM model_aliases") == 0
    assert ctx.summary.counts["runs"] == 0 and ctx.summary.counts["model_aliases"] == 0
    assert ctx.ids["runs"] == {} and "model-x-2031-01-01" not in ctx.aliases
    labels = [p for p, _ in ctx.summary.problems]
    assert labels == ["good", "dangling"]
    assert all("at commit" in m and "FOREIGN KEY" in m for _, m in ctx.summary.problems)
    # The store is usable afterwards and a new unit commits normally.
    with ctx.unit("again"):
        ctx.keyed("runs", _run("corpus:run:good"))
    assert store.scalar("SELECT COUNT(*) FROM runs") == 1


def test_import_restores_write_settings(store: Store, tmp_path: Path) -> None:
    conn = store.db.conn
    before = (conn.execute("PRAGMA synchronous").fetchone()[0],
              conn.execute("PRAGMA cache_size").fetchone()[0])
    summary = import_corpus(store, minicorpus.build(tmp_path / "mini"))
    assert summary.counts["reviews"] > 0
    after = (conn.execute("PRAGMA synchronous").fetchone()[0],
             conn.execute("PRAGMA cache_size").fetchone()[0])
    assert after == before and not conn.in_transaction
