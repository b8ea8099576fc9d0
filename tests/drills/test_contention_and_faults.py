"""Drills: two writer processes and a reader on one database; a storm of LLM faults.

Writers: two real processes write ledger rows through the store for a few seconds while this
process reads; none may see "database is locked". Storm: every fault the loopback server can
make, mixed; each logical call must end with exactly one terminal ledger outcome.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from loopback import Fault, LoopbackServer

from mlrtui.config import ModelConfig, Settings
from mlrtui.providers.base import Message, Request
from mlrtui.providers.client import CallContext, CallFailed, LLMClient, RetryPolicy
from mlrtui.store import open_store

WRITER = textwrap.dedent("""
    import sys, time
    from mlrtui.store import open_store
    from mlrtui.store.db import now
    store, until, n = open_store(sys.argv[1]), time.monotonic() + float(sys.argv[2]), 0
    while time.monotonic() < until:
        with store.transaction():
            for _ in range(20):
                store.insert("llm_calls", {"call_key": f"{sys.argv[3]}-{n}", "attempt": 1,
                    "purpose": "test", "provider": "x", "model": "m", "status": "ok",
                    "created_at": now()})
                n += 1
    print(n)
""")


def test_two_writers_and_a_reader_never_see_a_locked_database(tmp_path: Path):
    db = tmp_path / "busy.db"
    open_store(db).close()
    seconds = 3.0
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(seconds), name],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in ("a", "b")]
    store, reads = open_store(db), 0
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        store.scalar("SELECT count(*) FROM llm_calls")
        reads += 1
    outs = [p.communicate(timeout=60) for p in procs]
    written = sum(int(o[0]) for o in outs)
    errors = "".join(o[1] for o in outs)
    print(f"contention drill: {written} rows by 2 writers, {reads} reads, "
          f"locked errors: {errors.count('locked')}")
    assert all(p.returncode == 0 for p in procs), errors
    assert "locked" not in errors
    assert store.scalar("SELECT count(*) FROM llm_calls") == written > 0
    store.close()


async def test_fault_storm_counts_each_logical_call_once(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("MLRTUI_TEST_KEY", "storm-key-123456")
    server = LoopbackServer(fault_rate=0.5, seed=3, hang_s=5.0, retry_after=0.01,
                            fault_kinds=("429", "500", "hang", "cutoff", "malformed")).start()
    try:
        store = open_store(tmp_path / "storm.db")
        cfg = ModelConfig(provider="openai", model="gpt-4o", base_url=server.openai_base_url,
                          api_key_env="MLRTUI_TEST_KEY", max_tokens=64, timeout_s=0.5,
                          max_attempts=5, concurrency=8)
        settings = Settings(db=tmp_path / "storm.db", models={"storm": cfg},
                            default_model="storm")
        client = LLMClient(store, settings, retry=RetryPolicy(base_s=0.005, max_s=0.05))
        server.script(*(Fault("429", retry_after=0.01) for _ in range(3)))

        async def one(i: int):
            req = Request([Message("user", f"question {i}")], stream=i % 2 == 0,
                          max_tokens=64)
            try:
                return await client.complete("storm", req, CallContext(purpose="test"))
            except CallFailed as exc:
                return exc

        outcomes = await asyncio.gather(*(one(i) for i in range(40)))
        await client.aclose()
        ok = [o for o in outcomes if not isinstance(o, CallFailed)]
        rows = store.query("SELECT call_key, status FROM llm_calls")
        keys = {r["call_key"] for r in rows}
        ok_rows = [r for r in rows if r["status"] == "ok"]
        print(f"fault storm: {len(server.requests)} requests, {len(ok)} calls ok, "
              f"{40 - len(ok)} failed, {len(rows)} ledger rows over {len(keys)} calls")
        assert len(keys) == 40                                   # every logical call recorded
        assert len(ok_rows) == len(ok) == len({r["call_key"] for r in ok_rows})
        assert not [r for r in rows if r["status"] == "in_flight"]
        assert len(rows) == len(server.requests)                 # a row per request sent
        from mlrtui.costs.summary import totals
        assert totals(store).calls == len(ok)                    # each success counted once
        store.close()
    finally:
        server.stop()
