"""`mlrtui versions`: a run's stage versions: list, show, diff, make current, edit in $EDITOR."""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from mlrtui.commands import Context, Fatal
from mlrtui.runs import versions as V
from mlrtui.runs.status import run_status


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("versions", help="list, show, diff or edit a run's stage versions")
    p.add_argument("run", nargs="?", type=int, help="run id (omit to list recent runs)")
    p.add_argument("--show", type=int, metavar="VERSION", help="print one version's text")
    p.add_argument("--diff", type=int, nargs=2, metavar=("A", "B"), help="diff two versions")
    p.add_argument("--current", type=int, metavar="VERSION", help="make a version current")
    p.add_argument("--edit", metavar="STAGE",
                   help="edit a stage's current text in $EDITOR; saves a human version")
    p.set_defaults(handler=handle)


def _version(ctx: Context, vid: int) -> V.Version:
    try:
        return V.get_version(ctx.store, vid)
    except V.VersionError as exc:
        raise Fatal(str(exc)) from None


def handle(ctx: Context, args: argparse.Namespace) -> int:
    store = ctx.store
    if args.show is not None:
        print(_version(ctx, args.show).text, end="")
        return 0
    if args.diff:
        a, b = (_version(ctx, v) for v in args.diff)
        print(V.diff(a, b) or "(no differences)", end="")
        return 0
    if args.current is not None:
        v = V.set_current(store, _version(ctx, args.current).id)
        print(f"{v.stage} v{v.id} is current" + (" (stale)" if v.stale else ""))
        _print_stale(ctx, v.run_id)
        return 0
    if args.run is None:
        from rich.console import Console

        from mlrtui.commands.tables import Col, print_table

        runs = V.list_runs(store, limit=30)
        print_table(Console(), [Col("run", numeric=True), Col("task", min_width=16),
                                Col("model", min_width=12), Col("mode", no_wrap=True),
                                Col("status", no_wrap=True)],
                    [[str(r.id), r.task_id, r.model, r.mode, run_status(store, r).label]
                     for r in runs],
                    title=f"latest {len(runs)} runs (`mlrtui versions RUN` for one)")
        return 0
    try:
        run = V.get_run(store, args.run)
    except V.VersionError as exc:
        raise Fatal(str(exc)) from None
    if args.edit:
        return _edit(ctx, run, args.edit)
    states = V.stage_states(store, run.id)
    status = run_status(store, run, states=states)
    print(f"run {run.id}: {run.task_id} [{run.model}] {run.mode}, {status.explained}")
    for state in states:
        print(f"  {state.stage:<11} {state.state:<11}" + (
            f" current v{state.version_id} by {state.author}" if state.version_id else ""))
        for v in V.history(store, run.id, state.stage):
            mark = "*" if v.current else " "
            print(f"      {mark} v{v.id:<6} {v.author:<22} {v.created_at}"
                  + ("  stale" if v.stale else "") + (f"  ({v.note})" if v.note else ""))
    return 0


def _edit(ctx: Context, run: V.Run, stage: str) -> int:
    if stage not in V.STAGES:
        raise Fatal(f"unknown stage {stage!r}; stages: {', '.join(V.STAGES)}")
    base = V.current(ctx.store, run.id, stage)
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"run{run.id}-{stage}.md"
        path.write_text(base.text if base else "", encoding="utf-8")
        try:
            code = subprocess.call([*shlex.split(editor), str(path)])
        except OSError as exc:
            raise Fatal(f"cannot start editor {editor!r}: {exc.strerror}") from None
        if code != 0:
            raise Fatal(f"editor {editor!r} exited with code {code}; nothing saved")
        text = path.read_text(encoding="utf-8")
    if base is not None and text == base.text:
        print("no changes; nothing saved")
        return 0
    v = V.save_human_version(ctx.store, run.id, stage, text)
    print(f"saved {stage} v{v.id} (human)")
    _print_stale(ctx, run.id)
    return 0


def _print_stale(ctx: Context, run_id: int) -> None:
    stale = V.stale_stages(ctx.store, run_id)
    if stale:
        print("stale now: " + ", ".join(stale) + " (re-run them with `mlrtui run`)")
