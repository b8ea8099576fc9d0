"""The workspace's TOTAL size cap: RLIMIT_FSIZE bounds one file, not a thousand of them.

A watcher polls the disk usage of the workspace while the command runs and kills the command's
process group once the total passes the cap; the overshoot is what the command can write in one
poll interval. The cap and what happened are recorded in the execution's sandbox facts.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path

POLL_S = 0.1


def usage_bytes(root: Path) -> int:
    """Bytes on disk under root (allocated blocks, so sparse files count what they use)."""
    total, stack = 0, [str(root)]
    while stack:
        try:
            entries = os.scandir(stack.pop())
        except OSError:
            continue
        with entries:
            for entry in entries:
                try:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    else:
                        total += entry.stat(follow_symlinks=False).st_blocks * 512
                except OSError:
                    continue
    return total


class WorkspaceCap:
    """Watches one run of a command; `exceeded` holds the usage (bytes) that tripped it."""

    def __init__(self, root: Path, cap_mb: int, kill: Callable[[], None]) -> None:
        self.root, self.cap, self.kill = root, cap_mb * 1024 * 1024, kill
        self.cap_mb = cap_mb
        self.baseline = usage_bytes(root)     # what the workspace held before the command
        self.exceeded: int | None = None
        self.peak = 0

    async def watch(self) -> None:
        while self.cap > 0:
            used = await asyncio.to_thread(usage_bytes, self.root) - self.baseline
            self.peak = max(self.peak, used)
            if used > self.cap:
                self.exceeded = used
                self.kill()
                return
            await asyncio.sleep(POLL_S)

    def facts(self) -> dict[str, str]:
        mb = 1024 * 1024
        fact = f"{self.cap_mb} MB total written (polled every {POLL_S:g}s)"
        if self.exceeded is not None:
            fact += f"; exceeded at {self.exceeded / mb:.0f} MB, command killed"
        return {"workspace_cap": fact}

    def reason(self) -> str:
        return f"the workspace passed its total size cap of {self.cap_mb} MB"
