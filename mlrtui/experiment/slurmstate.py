"""Where a Slurm job stands: `scontrol` for jobs the controller holds, `sacct` for older ones.

submitit's own watcher only asks `sacct`, which needs the accounting daemon; many small clusters
(and the single-node one the tests start) have none. A failed query (controller restarting,
command missing) gives UNKNOWN, and the caller keeps polling.
"""

from __future__ import annotations

import subprocess

TERMINAL = frozenset({"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY",
                      "NODE_FAIL", "BOOT_FAIL", "DEADLINE", "PREEMPTED", "REVOKED"})
QUERY_TIMEOUT_S = 15


def _run(argv: list[str]) -> str | None:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=QUERY_TIMEOUT_S,
                              check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout if proc.returncode == 0 else None


def parse_scontrol(text: str) -> dict[str, str]:
    """`scontrol show job -o ID` is one line of Key=Value pairs."""
    fields: dict[str, str] = {}
    for token in text.split():
        key, sep, value = token.partition("=")
        if sep and key not in fields:
            fields[key] = value
    return fields


def job_state(job_id: str) -> dict[str, str]:
    """{"state", "reason", "node", "exit"} of a job; state UNKNOWN when nobody can tell."""
    out = _run(["scontrol", "show", "job", "-o", str(job_id)])
    if out and out.strip():
        f = parse_scontrol(out.strip().splitlines()[0])
        if f.get("JobState"):
            node = f.get("NodeList", "")
            return {"state": f["JobState"], "reason": f.get("Reason", ""),
                    "node": "" if node == "(null)" else node, "exit": f.get("ExitCode", "")}
    out = _run(["sacct", "-X", "-n", "-P", "-o", "State,NodeList,ExitCode", "-j", str(job_id)])
    if out and out.strip():
        state, _, rest = out.strip().splitlines()[0].partition("|")
        node, _, code = rest.partition("|")
        # sacct writes "CANCELLED by 0": the first word is the state
        return {"state": state.split()[0] if state else "UNKNOWN", "reason": "", "node": node,
                "exit": code}
    return {"state": "UNKNOWN", "reason": "", "node": "", "exit": ""}
