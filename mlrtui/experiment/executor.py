"""The executor interface: where experiment code runs, and the record every execution leaves.

Stages only ever call `Executor.run(ExecSpec)`; the sandboxed local subprocess is one
implementation, and a cluster one (Slurm via submitit, Ray) can be added beside it without
touching the stages. Every execution is stored with `record_execution`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from mlrtui.store.db import Store, now

if TYPE_CHECKING:
    from mlrtui.store.bulk import BulkWriter

logger = logging.getLogger(__name__)
ExecStatus = Literal["ok", "failed", "timeout", "killed", "error"]
OUTPUT_CAP = 64 * 1024           # bytes of stdout / stderr kept per execution


@dataclass
class ExecSpec:
    """One command to run inside a workspace, with its limits."""

    argv: list[str]
    workspace: Path
    timeout_s: float = 600.0
    memory_mb: int = 2048
    cpu_s: float | None = None          # defaults to the wall-time limit
    max_processes: int = 64
    max_file_mb: int = 512
    max_workspace_mb: int = 4096        # total the command may add to the workspace (0: no cap)
    env: dict[str, str] = field(default_factory=dict)   # added to the minimal environment
    network: bool = False               # True lets the command reach the network
    python: str | None = None           # runs `python` commands; None: mlrtui's own interpreter
    gpus: int = 0                       # GPUs asked for; > 0 opens the GPU devices in the sandbox
    cpus: int = 1                       # CPU cores asked for; also the thread count of BLAS / OpenMP
    partition: str | None = None        # cluster executors only: where to queue
    account: str | None = None          # cluster executors only: whom to bill
    slurm_options: dict[str, str] = field(default_factory=dict)   # extra `sbatch --key=value`
    # A tool that brings its own install (a coding agent's CLI) reads more than the interpreter.
    read_paths: list[str] = field(default_factory=list)
    output_cap: int = 0                 # stdout bytes kept (0: OUTPUT_CAP); transcripts need more
    address_space_limit: bool = True    # False: RLIMIT_DATA (V8, like CUDA, reserves far more)
    own_uid: bool = True                # False: keep mlrtui's uid (a tool under a 0700 home)

    def resources(self) -> dict:
        """What this spec asks of a machine, as stored with the execution."""
        out = {"gpus": self.gpus, "cpus": self.cpus, "memory_mb": self.memory_mb,
               "timeout_s": self.timeout_s}
        for key in ("partition", "account"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.slurm_options:
            out["slurm_options"] = dict(self.slurm_options)
        return out


@dataclass
class ExecResult:
    command: str
    cwd: str
    exit_code: int | None
    status: ExecStatus
    reason: str | None
    duration_s: float
    stdout: str
    stderr: str
    started_at: str
    sandbox: dict = field(default_factory=dict)   # which isolations applied
    executor: str = "sandbox"
    id: int | None = None                          # set once stored
    job_id: str | None = None                      # a cluster's job id (Slurm)
    job_state: str | None = None                   # its last state: PENDING .. COMPLETED, CANCELLED
    resources: dict = field(default_factory=dict)  # what was asked: ExecSpec.resources()

    @property
    def ok(self) -> bool:
        return self.status == "ok"


class Executor(Protocol):
    name: str

    async def run(self, spec: ExecSpec) -> ExecResult:
        """Run to completion, a limit, or cancellation (then kill everything it started)."""
        ...


class CappedBuffer:
    """Keeps the head and the tail of a stream, so a runaway printer cannot fill memory."""

    def __init__(self, cap: int = OUTPUT_CAP) -> None:
        self.head = bytearray()
        self.tail = bytearray()
        self.cap = cap
        self.total = 0

    def feed(self, chunk: bytes) -> None:
        self.total += len(chunk)
        room = self.cap * 3 // 4 - len(self.head)
        if room > 0:
            self.head += chunk[:room]
            chunk = chunk[room:]
        if chunk:
            self.tail += chunk
            del self.tail[: max(0, len(self.tail) - self.cap // 4)]

    def text(self) -> str:
        cut = self.total - len(self.head) - len(self.tail)
        middle = f"\n[... {cut} bytes cut ...]\n".encode() if cut > 0 else b""
        return (bytes(self.head) + middle + bytes(self.tail)).decode("utf-8", "replace")


def record_execution(store: Store, run_id: int, result: ExecResult,
                     version_id: int | None = None) -> int:
    """Store one execution (one transaction); returns its id and sets `result.id`."""
    with store.transaction():
        eid = store.insert("executions", {
            "run_id": run_id, "version_id": version_id, "executor": result.executor,
            "command": result.command, "cwd": result.cwd, "exit_code": result.exit_code,
            "status": result.status, "reason": result.reason, "duration_s": result.duration_s,
            "stdout": result.stdout, "stderr": result.stderr,
            "started_at": result.started_at or now(), "sandbox": json.dumps(result.sandbox),
            "job_id": result.job_id, "job_state": result.job_state,
            "resources": json.dumps(result.resources)})
    result.id = int(eid)
    if result.status != "ok":
        logger.warning("execution %d of run %d %s (exit %s, %.1fs): %s; %s", result.id, run_id,
                       result.status, result.exit_code, result.duration_s, result.command,
                       result.reason or "no reason given")
    return result.id


def import_execution(w: BulkWriter, row: dict[str, Any]) -> int:
    """An execution read from elsewhere (a transcript's shell call, a batch log's slice),
    stored once per import key; returns its id."""
    return w.keyed("executions", row)


def link_to_version(store: Store, version_id: int, execution_ids: Iterable[int]) -> None:
    """Attach executions to the version they produced (joins the caller's transaction)."""
    rows = [(version_id, eid) for eid in execution_ids]
    if rows:
        with store.transaction() as db:
            db.conn.executemany("UPDATE executions SET version_id = ? WHERE id = ?", rows)


def list_executions(store: Store, run_id: int) -> list[dict]:
    """Executions of a run, oldest first, with their sandbox facts and resources decoded."""
    rows = store.query("SELECT * FROM executions WHERE run_id=? ORDER BY id", [run_id])
    for row in rows:
        for key in ("sandbox", "resources"):
            try:
                row[key] = json.loads(row.get(key) or "{}")
            except ValueError:
                row[key] = {}
    return rows
