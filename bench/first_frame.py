"""Console start from inside the process: seconds (wall and cpu) from process start until the
first frame Textual actually hands to the terminal, for `mlrtui --db X` and the bare app
(`bare_table.py`), alternating run by run in a 120x36 tmux terminal.

"Actually": `App._display` is wrapped, and frames drawn inside Textual's start-up batch (which
Textual never shows) are skipped; the first frame counted is the first one written. Wall time
is from the process's start (/proc), cpu is the process's own (`time.process_time`, which is
much less disturbed by other load on the machine than wall time).

Usage: python bench/first_frame.py --db X [--repeat 7]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))
from tui_startup import TMUX, tmux_env  # a sibling script, not a package


def _since_process_start() -> float:
    with open("/proc/self/stat") as f:
        start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as f:
        up = float(f.read().split()[0])
    return up - start_ticks / os.sysconf("SC_CLK_TCK")


def child(kind: str, out: Path, argv: list[str]) -> None:
    """Run the app; write {wall, cpu} at its first shown frame to `out`, then quit."""
    t0 = time.perf_counter() - _since_process_start()
    from textual.app import App

    display = App._display

    def first_shown(self: App, screen, renderable) -> None:
        display(self, screen, renderable)
        if self._batch_count or renderable is None or out.exists():
            return
        out.write_text(json.dumps({"wall": time.perf_counter() - t0, "cpu": time.process_time(),
                                   "pydantic": "pydantic" in sys.modules}))
        self.set_timer(0.2, self.exit)

    App._display = first_shown
    if kind == "bare":
        sys.path.insert(0, str(Path(__file__).parent))
        from bare_table import BareTable

        BareTable(int(argv[0])).run()
    else:
        from mlrtui.cli import main

        main(argv)


def run(kind: str, argv: list[str], env: dict[str, str]) -> dict[str, float]:
    out = Path(tempfile.mkdtemp(prefix="mlrtui-frame-")) / "first.json"
    session = f"mlrtui-frame-{os.getpid()}"
    subprocess.run([*TMUX, "new-session", "-d", "-s", session, "-x", "120", "-y", "36",
                    *tmux_env(env), sys.executable, __file__, "--child", kind, "--out", str(out),
                    "--", *argv], env=env, check=True)
    while subprocess.run([*TMUX, "has-session", "-t", session],
                         capture_output=True, check=False).returncode == 0:
        time.sleep(0.05)
    result = json.loads(out.read_text())
    shutil.rmtree(out.parent, ignore_errors=True)
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.out, args.rest)
        return 0
    from mlrtui.store import open_store

    store = open_store(args.db)
    total = store.scalar("SELECT COUNT(*) FROM tasks")
    store.close()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "mlrtui")],
                   capture_output=True, check=True)
    tmp = Path(tempfile.mkdtemp(prefix="mlrtui-frame-"))
    env = {**os.environ, "MLRTUI_CONFIG_DIR": str(tmp / "config"),
           "MLRTUI_DATA_DIR": str(tmp / "data"), "PYTHONPATH": str(ROOT)}
    anchor = f"mlrtui-frame-anchor-{os.getpid()}"
    subprocess.run([*TMUX, "new-session", "-d", "-s", anchor, "sleep", "3600"], env=env,
                   check=True)
    bare, ours = [], []
    try:
        run("mlrtui", ["--db", str(args.db)], env)     # records the checked config
        for _ in range(args.repeat):
            bare.append(run("bare", [str(total)], env))
            ours.append(run("mlrtui", ["--db", str(args.db)], env))
    finally:
        subprocess.run([*TMUX, "kill-session", "-t", anchor], capture_output=True, check=False)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{args.repeat} runs each; load average {os.getloadavg()[0]:.2f} on "
          f"{os.cpu_count()} cores; settings validated before the first frame in "
          f"{sum(r['pydantic'] for r in ours)} of the mlrtui runs")
    for key in ("wall", "cpu"):
        b = statistics.median(r[key] for r in bare)
        m = statistics.median(r[key] for r in ours)
        print(f"first frame shown, {key:>4}: mlrtui {m:.3f} s, bare {b:.3f} s = {m / b:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
