"""`mlrtui versions`: a run's stage versions: list, show, diff, make current, edit in $EDITOR."""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

from mlrtui.commands import Context, Fatal
from mlrtui.commands.options import add_json, command_parser, emit_lines, emit_object
from mlrtui.kernel.sanitize import terminal_safe as safe
from mlrtui.runs import versions as V
from mlrtui.runs.status import run_status
from mlrtui.store import StoreError


def register(sub: argparse._SubParsersAction) -> None:
    p = command_parser(sub, "versions", "list, show, diff, make current or edit a run's versions",
                       "mlrtui versions 12", "mlrtui versions --diff 40 41",
                       "mlrtui versions 12 --edit proposal",
                       details="Making a version current, or saving an edit, marks every later "
                               "stage stale.\nWithout RUN: the latest runs (see also `mlrtui "
                               "runs`). --json: RUN lists its versions\n(JSON lines, without "
                               "text); --show prints one object with the text.")
    p.add_argument("run", nargs="?", type=int, help="run id (omit to list recent runs)")
    p.add_argument("--show", type=int, metavar="VERSION", help="print one version's text")
    p.add_argument("--diff", type=int, nargs=2, metavar=("A", "B"), help="diff two versions")
    p.add_argument("--current", type=int, metavar="VERSION", help="make a version current")
    p.add_argument("--edit", metavar="STAGE",
                   help="edit a stage's current text in $EDITOR; saves a human version")
    add_json(p)
    p.set_defaults(handler=handle)


def _version(ctx: Context, vid: int) -> V.Version:
    try:
        return V.get_version(ctx.store, vid)
    except V.VersionError as exc:
        raise Fatal(str(exc)) from None


def handle(ctx: Context, args: argparse.Namespace) -> int:
    store = ctx.store
    if args.show is not None:
        version = _version(ctx, args.show)
        if args.json:
            emit_object(version.model_dump())
        else:
            print(safe(version.text), end="")
        return 0
    if args.diff:
        a, b = (_version(ctx, v) for v in args.diff)
        print(safe(V.diff(a, b)) or "(no differences)", end="")
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
        if args.json:
            emit_lines(r.model_dump() for r in runs)
            return 0
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
    if args.json:
        emit_lines(v.model_dump(exclude={"text"}) for stage in V.STAGES
                   for v in V.history(store, run.id, stage))
        return 0
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
    """Edit in $EDITOR. The temp file is removed only once the save has committed: on any
    failure the user is told where their text is kept."""
    if stage not in V.STAGES:
        raise Fatal(f"unknown stage {stage!r}; stages: {', '.join(V.STAGES)}")
    base = V.current(ctx.store, run.id, stage)
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    folder = Path(tempfile.mkdtemp(prefix="mlrtui-edit-"))
    path = folder / f"run{run.id}-{stage}.md"
    try:
        path.write_text(base.text if base else "", encoding="utf-8")
    except OSError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise Fatal(f"{path}: cannot write the text to edit ({exc.strerror})") from None
    try:
        code = subprocess.call([*shlex.split(editor), str(path)])
    except OSError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise Fatal(f"cannot start editor {editor!r}: {exc.strerror}") from None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise Fatal(f"{path}: cannot read the edited text ({exc}); the file is kept") from None
    if code != 0:
        raise Fatal(f"editor {editor!r} exited with code {code}; nothing saved; "
                    f"your text is kept at {path}")
    if base is not None and text == base.text:
        shutil.rmtree(folder, ignore_errors=True)
        print("no changes; nothing saved")
        return 0
    try:
        v = V.save_human_version(ctx.store, run.id, stage, text)
    except StoreError as exc:
        raise Fatal(f"{exc}; your text is kept at {path}") from None
    shutil.rmtree(folder, ignore_errors=True)
    print(f"saved {stage} v{v.id} (human)")
    _print_stale(ctx, run.id)
    return 0


def _print_stale(ctx: Context, run_id: int) -> None:
    stale = V.stale_stages(ctx.store, run_id)
    if stale:
        print("stale now: " + ", ".join(stale) + " (re-run them with `mlrtui run`)")
