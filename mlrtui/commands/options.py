"""What every sub-command shares: its parser's shape, the one `--json` rule, task globs.

The `--json` rule: a list prints one JSON object per line (JSON lines, so `| head` and
`jq -c` work line by line); a single record prints one JSON object. Nothing else goes to
stdout under `--json` (progress and notices go to stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import Any

from mlrtui.commands import Context, Fatal
from mlrtui.store.tasks import match_task_ids

JSON_LIST_HELP = "print JSON lines (one object per line) for scripts"
JSON_RECORD_HELP = "print one JSON object for scripts"
TASK_GLOB_HELP = ("task id or shell-style glob, e.g. 'iclr2025_*' (quote it); a glob that "
                  "matches no task is an error")


def command_parser(sub: argparse._SubParsersAction, name: str, summary: str, *examples: str,
                   details: str = "") -> argparse.ArgumentParser:
    """A sub-command parser: one-line help, a description, examples in the epilog."""
    description = summary[0].upper() + summary[1:] + "." + (f"\n\n{details}" if details else "")
    epilog = "example" + ("s" if len(examples) > 1 else "") + ":\n" + "\n".join(
        f"  {e}" for e in examples)
    return sub.add_parser(name, help=summary, description=description, epilog=epilog,
                          formatter_class=argparse.RawDescriptionHelpFormatter)


def add_json(parser: argparse.ArgumentParser, record: bool = False) -> None:
    parser.add_argument("--json", action="store_true",
                        help=JSON_RECORD_HELP if record else JSON_LIST_HELP)


def emit_lines(records: Iterable[dict[str, Any]]) -> None:
    """A list under --json: one compact object per line."""
    write = sys.stdout.write
    for record in records:
        write(json.dumps(record, default=str) + "\n")


def emit_object(record: dict[str, Any]) -> None:
    """A single record under --json: one object."""
    sys.stdout.write(json.dumps(record, default=str) + "\n")


def require_tasks(ctx: Context, globs: list[str] | None) -> list[str] | None:
    """The task ids the globs select (None when no glob was given); exit 2 naming every glob
    that matches no task."""
    if not globs:
        return None
    chosen, unmatched = match_task_ids(ctx.store, globs)
    if unmatched:
        names = " ".join(repr(g) for g in unmatched)
        raise Fatal(f"no task matches {names} (see `mlrtui tasks`; import tasks with "
                    "`mlrtui import`)")
    return chosen
