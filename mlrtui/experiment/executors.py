"""Pick the executor named by the `[executor]` config: the local sandbox unless told otherwise."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlrtui import paths

if TYPE_CHECKING:
    from mlrtui.config import Settings
    from mlrtui.experiment.executor import Executor
    from mlrtui.experiment.slurm import StateCallback

KINDS = ("local", "slurm")


class ExecutorConfigError(ValueError):
    """An executor that cannot be built from the settings; the message is one line."""


def make_executor(settings: Settings, kind: str | None = None,
                  on_state: StateCallback | None = None) -> Executor:
    """The executor for `kind` (default: `settings.executor.kind`)."""
    cfg = settings.executor
    kind = kind or cfg.kind
    if kind == "local":
        from mlrtui.experiment.sandbox import SandboxExecutor

        return SandboxExecutor()
    if kind == "slurm":
        from mlrtui.experiment.slurm import SlurmExecutor

        shared = cfg.shared_dir or paths.data_dir() / "slurm"
        return SlurmExecutor(shared, partition=cfg.partition, account=cfg.account,
                             gpus=cfg.gpus, cpus=cfg.cpus, mem_mb=cfg.mem, time_min=cfg.time,
                             extra=cfg.extra, poll_s=cfg.poll_s, on_state=on_state)
    raise ExecutorConfigError(f"unknown executor kind {kind!r} (known: {', '.join(KINDS)})")


def watched(executor: Executor, on_state: StateCallback | None) -> Executor:
    """`executor`, reporting its cluster jobs' states to `on_state` when it has any (Slurm);
    a local executor has no queue and is returned as it is."""
    watch = getattr(executor, "watched", None)
    if on_state is None or watch is None:
        return executor
    return watch(on_state)
