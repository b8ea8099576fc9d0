"""The `mlrtui` entry point: no sub-command opens the TUI; sub-commands run headless.

Each sub-command lives in `mlrtui/commands/<name>.py` with a `register(subparsers)` function
that adds its parser and sets `handler(ctx, args) -> int`.

At exit the process freezes its objects for the garbage collector (`gc.freeze`): tearing down
the SDKs' thousands of classes otherwise takes 0.4-1 s after the work is done.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import importlib
import sys
from pathlib import Path

from mlrtui import __version__
from mlrtui.commands import Context, Fatal
from mlrtui.logs import CommandLog

COMMANDS = ["locate", "tasks", "import_", "models", "costs", "run", "versions", "judge",
            "flags", "stats", "export"]


def build_parser(with_commands: bool = True, only: str | None = None
                 ) -> argparse.ArgumentParser:
    """The parser; with `only`, just that sub-command's module is imported (~0.3 s saved)."""
    parser = argparse.ArgumentParser(prog="mlrtui", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="SQLite database file (env MLRTUI_DB)")
    parser.add_argument("--version", action="version", version=f"mlrtui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    names = [only] if only else COMMANDS
    for name in names if with_commands else []:
        try:
            module = importlib.import_module(f"mlrtui.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"mlrtui.commands.{name}":
                continue  # a command not built yet
            raise
        module.register(sub)
    return parser


def opens_tui(argv: list[str]) -> bool:
    """Only global options: the TUI starts without importing every sub-command (~0.4 s)."""
    base = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    base.add_argument("--db", type=Path)
    try:
        return not base.parse_known_args(argv)[1]
    except argparse.ArgumentError:
        return False


def named_command(argv: list[str]) -> str | None:
    """The module of the sub-command on the command line, when it names a known one."""
    base = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    base.add_argument("--db", type=Path)
    base.add_argument("command", nargs="?")
    try:
        name = base.parse_known_args(argv)[0].command
    except argparse.ArgumentError:
        return None
    module = "import_" if name == "import" else name
    return module if module in COMMANDS else None


def main(argv: list[str] | None = None) -> int:
    if argv is None:        # the process entry point (not an in-process caller, e.g. a test)
        atexit.register(gc.freeze)
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(with_commands=not opens_tui(argv), only=named_command(argv))
    args = parser.parse_args(argv)
    ctx = Context(db_override=args.db)
    session = CommandLog(ctx, args.command or "tui", argv)
    try:
        handler = getattr(args, "handler", None)
        if handler is None:
            from mlrtui.ui.app import run_app

            return session.done(run_app(ctx))
        return session.done(int(handler(ctx, args) or 0))
    except Fatal as exc:
        print(f"mlrtui: {exc}", file=sys.stderr)
        return session.done(exc.code, str(exc))
    except KeyboardInterrupt:
        print("mlrtui: interrupted", file=sys.stderr)
        return session.done(130, "interrupted")
    except Exception:
        session.crashed()
        raise
    finally:
        ctx.close()
        session.close()


if __name__ == "__main__":
    sys.exit(main())
