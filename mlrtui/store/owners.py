"""Who owns a "running" row, and marking the rows whose owner died as "interrupted".

A process killed mid-batch, mid-import or mid-call cannot update its rows, so they would stay
"running" (or "in_flight") forever. Every connection opened by `open_store` installs TEMP
triggers that stamp the owner token of this process (host, pid, process start time) on any
row of runs / batches / imports set to "running"; the ledger stamps its in-flight rows itself.
`reap` (run on open, and cheap enough to run before listing) marks rows whose owner process is
gone as "interrupted". Rows without an owner (written before this existed, or by another tool)
are left alone: we cannot tell whether their writer is alive.
"""

from __future__ import annotations

import os
import socket
import sqlite3
from functools import cache

INTERRUPTED = "interrupted"
# table -> (column of the live status, the live status, columns set when reaped)
TRACKED = {
    "runs": ("running", "error", "updated_at"),
    "batches": ("running", None, "finished_at"),
    "imports": ("running", None, "finished_at"),
    "llm_calls": ("in_flight", "error", None),
}
OWNED_BY_TRIGGER = ("runs", "batches", "imports")


def _start_ticks(pid: int) -> str | None:
    """The process start time (clock ticks since boot) from /proc, None where there is none."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read().decode(errors="replace")
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else None   # field 22 of the whole line


@cache
def owner_token() -> str:
    """host:pid:start of this process; the start time tells a reused pid apart."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_ticks(pid) or 0}"


def alive(token: str) -> bool:
    """Whether the process named by an owner token still runs. Other hosts count as alive."""
    try:
        host, pid_text, start = token.rsplit(":", 2)
        pid = int(pid_text)
    except ValueError:
        return True
    if host != socket.gethostname():
        return True
    ticks = _start_ticks(pid)
    if ticks is not None:
        return start in ("0", ticks)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not os.path.isdir("/proc")  # /proc exists but has no such pid: gone


def install_triggers(conn: sqlite3.Connection) -> None:
    """TEMP triggers (this connection only) that stamp our owner token on rows set running."""
    token = owner_token().replace("'", "''")
    for table in OWNED_BY_TRIGGER:
        for event, name in (("INSERT", "ins"), ("UPDATE OF status", "upd")):
            conn.execute(
                f"CREATE TEMP TRIGGER IF NOT EXISTS mlrtui_owner_{table}_{name} AFTER {event} "
                f"ON main.{table} WHEN NEW.status = 'running' BEGIN "
                f"UPDATE {table} SET owner = '{token}' WHERE rowid = NEW.rowid; END")


def reap(conn: sqlite3.Connection, now: str) -> dict[str, int]:
    """Mark rows whose owner process is gone as interrupted; returns counts per table.

    An interrupted ledger row keeps its worst-case cost estimate, so spend summaries count it.
    """
    counts: dict[str, int] = {}
    for table, (live, error_col, time_col) in TRACKED.items():
        owners = [r[0] for r in conn.execute(
            f"SELECT DISTINCT owner FROM {table} WHERE status = ? AND owner IS NOT NULL",
            [live])]
        dead = [o for o in owners if not alive(o)]
        if not dead:
            continue
        sets = ["status = ?"]
        values: list[object] = [INTERRUPTED]
        if error_col:
            sets.append(f"{error_col} = COALESCE({error_col}, ?)")
            values.append("interrupted: the process that ran it ended without finishing")
        if time_col:
            sets.append(f"{time_col} = ?")
            values.append(now)
        marks = ", ".join("?" for _ in dead)
        cur = conn.execute(f"UPDATE {table} SET {', '.join(sets)} WHERE status = ? AND owner "
                           f"IN ({marks})", [*values, live, *dead])
        counts[table] = cur.rowcount
    return counts
