"""Drive mlrtui in a real terminal (tmux): start it, send keys, wait for text on screen.

What a person sees is what is asserted: `capture()` is the pane's text. Used by the
walkthrough test and `bench/walkthrough.py`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path


class ScreenTimeout(AssertionError):
    """The text never showed; the message carries the last screen."""


class Terminal:
    def __init__(self, argv: list[str], *, size: tuple[int, int], cwd: Path,
                 env: dict[str, str]) -> None:
        self.name = f"mlrtui-{uuid.uuid4().hex[:8]}"
        # A tmux server of its own: a session added to a running server (another user's,
        # another test's) gets that server's environment, so it would run whatever checkout
        # and config that server was started with, not this test's.
        self.tmux = ["tmux", "-L", self.name]
        self.size = size
        cmd = " ".join(_quote(a) for a in argv)
        subprocess.run([*self.tmux, "new-session", "-d", "-s", self.name, "-x", str(size[0]),
                        "-y", str(size[1]), "-c", str(cwd), cmd], check=True,
                       env={**os.environ, **env})
        self.log: list[str] = []

    @staticmethod
    def available() -> bool:
        return shutil.which("tmux") is not None

    def capture(self) -> str:
        out = subprocess.run([*self.tmux, "capture-pane", "-p", "-t", self.name],
                             capture_output=True, text=True, check=False)
        return out.stdout

    def keys(self, *keys: str) -> None:
        """Named keys (Enter, Escape, C-p, Tab...) one by one, as a person types them."""
        for key in keys:
            subprocess.run([*self.tmux, "send-keys", "-t", self.name, key], check=True)
            # A key sent within the terminal's escape delay after ESC reads as Alt+key.
            time.sleep(0.8 if key == "Escape" else 0.25)

    def type(self, text: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, "-l", text], check=True)
        time.sleep(0.05)

    def wait_for(self, *texts: str, timeout: float = 30.0, absent: bool = False) -> str:
        """Until every text shows (or, `absent`, none does); returns that screen."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.capture()
            found = [t in screen for t in texts]
            if (not any(found)) if absent else all(found):
                self.log.append(screen)
                return screen
            time.sleep(0.1)
        want = "none of" if absent else "all of"
        raise ScreenTimeout(f"waited {timeout:.0f}s for {want} {texts!r}; screen was:\n{screen}")

    def alive(self) -> bool:
        return subprocess.run([*self.tmux, "has-session", "-t", self.name],
                              capture_output=True, check=False).returncode == 0

    def close(self) -> None:
        subprocess.run([*self.tmux, "kill-session", "-t", self.name], capture_output=True,
                       check=False)


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)
