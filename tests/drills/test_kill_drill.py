"""Kill drill: SIGKILL a real `mlrtui run` while its calls are in flight, then reopen.

Every request the server received must have a ledger row (spend is never lost), the batch and
its runs must not stay "running", the file must pass integrity_check, and a re-run completes.
"""

from __future__ import annotations

import signal
import subprocess

from drill_helpers import cli, config_env, mlrtui, wait_for

from mlrtui.store import open_store


def test_sigkill_mid_calls_leaves_a_row_per_request_and_no_running_rows(tmp_path, loopback):
    db = tmp_path / "kill.db"
    open_store(db).close()                      # the CLI loads the 4 example tasks
    env = config_env(tmp_path, loopback)
    loopback.latency_s = 30.0                   # every call is still in flight at the kill
    cmd = mlrtui("--db", str(db), "run", "--task", "*", "--model", "fake-openai",
                 "--stages", "idea", "--concurrency", "8", "--quiet")
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    wait_for(lambda: len(loopback.requests) >= 4, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    received = len(loopback.requests)

    store = open_store(db)                      # the reopen reaps the dead owner's rows
    rows = store.query("SELECT status, cost_usd, price_source FROM llm_calls")
    print(f"kill drill: server received {received} requests, ledger holds {len(rows)} rows: "
          f"{sorted({r['status'] for r in rows})}")
    assert len(rows) == received
    assert all(r["status"] == "interrupted" and r["cost_usd"] > 0 for r in rows)
    assert store.scalar("SELECT status FROM batches") == "interrupted"
    statuses = {r["status"] for r in store.query("SELECT status FROM runs")}
    assert "running" not in statuses and "interrupted" in statuses
    assert store.scalar("PRAGMA integrity_check") == "ok"
    from mlrtui.costs.summary import totals
    line = totals(store)
    assert line.calls == received and line.cost_usd > 0   # estimated spend counted
    store.close()

    loopback.latency_s = 0.0
    done = cli(cmd, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    store = open_store(db)
    assert store.scalar("SELECT count(*) FROM versions WHERE stage = 'idea'") == 4
    assert store.scalar("SELECT count(*) FROM llm_calls WHERE status = 'ok'") == 4
    store.close()
