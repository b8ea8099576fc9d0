"""Transcript parsing over the corpus: per-run counts, file origins and total parse time.

Usage: python bench/transcripts.py [CORPUS]

For every coding-agent transcript of the shared MLR-Bench corpus (10 Claude Code, 20 Codex,
10 Gemini CLI) prints the format, tool calls, executions (failed ones), file writes, cost or
tokens, and the origins of the files in the run's folder (agent / execution / unknown); then the
total bytes and the best-of-3 time to parse them all (origins not included).
"""

from __future__ import annotations

import collections
import sys
import time
from pathlib import Path

from mlrtui.experiment.transcripts import file_origins, parse_transcript

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "mlrbench"
NAMES = ("claude_output.json", "codex_log.log", "gemini_log.log")


def transcripts(corpus: Path) -> list[Path]:
    runs = corpus / "agent_results"
    return sorted(p for name in NAMES for p in runs.rglob(name))


def workspace(run_dir: Path, transcript: Path) -> list[str]:
    """Files of the run folder except the transcript and the task inputs."""
    skip = {transcript.name, "task.md", "idea.md", "related_work.md", "proposal.md"}
    return sorted(str(p.relative_to(run_dir)) for p in run_dir.rglob("*")
                  if p.is_file() and p.name not in skip and not p.name.endswith("_usage.json"))


def main() -> int:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    paths = transcripts(corpus)
    if not paths:
        print(f"no transcripts under {corpus}/agent_results", file=sys.stderr)
        return 2
    blobs = [(p, p.read_bytes()) for p in paths]
    print(f"{'run':<42} {'format':<18} {'calls':>5} {'exec':>5} {'fail':>4} {'writes':>6} "
          f"{'cost/tokens':>12}  origins agent/exec/unknown")
    total_cost = 0.0
    for path, raw in blobs:
        t = parse_transcript(raw, str(path), root=path.parent.name)
        fails = sum(1 for e in t.executions if e.is_error)
        cost = f"${t.cost_usd:.2f}" if t.cost_usd is not None else (
            f"{t.total_tokens} tok" if t.total_tokens else "-")
        total_cost += t.cost_usd or 0
        kinds = collections.Counter(o.kind for o in file_origins(
            t, workspace(path.parent, path)).values())
        run = f"{path.parent.parent.name}/{path.parent.name}"
        print(f"{run:<42} {t.format:<18} {t.tool_calls:>5} {len(t.executions):>5} {fails:>4} "
              f"{len(t.writes):>6} {cost:>12}  {kinds['agent']}/{kinds['execution']}/"
              f"{kinds['unknown']}" + (f"  [{len(t.problems)} problems]" if t.problems else ""))
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for path, raw in blobs:
            parse_transcript(raw, str(path), root=path.parent.name)
        best = min(best, time.perf_counter() - start)
    size = sum(len(raw) for _, raw in blobs)
    print(f"\n{len(blobs)} transcripts, {size / 1e6:.1f} MB; Claude Code cost total "
          f"US${total_cost:.2f}; parse all: {best * 1000:.0f} ms (best of 3)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
