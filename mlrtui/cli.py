"""The `mlrtui` entry point: no sub-command opens the TUI; sub-commands run headless.

Each sub-command lives in `mlrtui/commands/<name>.py` with a `register(subparsers)` function
that adds its parser and sets `handler(ctx, args) -> int`. The global options (`--db`,
`--config`) are accepted before or after the sub-command.

At exit the process freezes its objects for the garbage collector (`gc.freeze`): tearing down
the SDKs' thousands of classes otherwise takes 0.4-1 s after the work is done.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import importlib
import os
import sys
from pathlib import Path

from mlrtui import __version__
from mlrtui.commands import Context, Fatal
from mlrtui.logs import CommandLog
from mlrtui.store import StoreError

# (module, group in `mlrtui --help`); a module may register one command.
COMMANDS = [("tasks", "browse"), ("runs", "browse"), ("versions", "browse"),
            ("models", "browse"), ("costs", "browse"),
            ("import_", "do"), ("run", "do"), ("judge", "do"), ("batches", "do"),
            ("flags", "do"),
            ("provenance", "report"), ("stats", "report"), ("export", "report"),
            ("locate", "report")]
GROUPS = {"browse": "look at what is stored", "do": "import, run and judge",
          "report": "report, export, locate"}
SUMMARY = {"tasks": "list tasks", "runs": "list runs: stages, authors, executions, cost",
           "versions": "a run's stage versions: show, diff, edit",
           "models": "configured models; test one", "costs": "the LLM cost ledger summarised",
           "import": "load an MLR-Bench checkout", "run": "run agent stages on tasks",
           "judge": "judge a stage with rubric LLM judges",
           "batches": "provider batch-API jobs (half price): list, resume",
           "flags": "review hallucination flags", "stats": "leaderboards and agreement",
           "export": "runs as folders, leaderboards as CSV",
           "provenance": "trace every reported number to output of code that ran",
           "locate": "where the config, data and database are"}
EXIT_CODES = {0: "ok", 1: "some items failed (each is listed)",
              2: "usage or start-up error (bad option, config, database or task glob)",
              130: "interrupted (Ctrl-C)", 141: "output pipe closed (e.g. `| head`)"}
DESCRIPTION = """\
mlrtui: a terminal console to run, steer and judge AI research agents on MLR-Bench tasks.

Without a command it opens the console (Textual). With one it runs headless, for scripts
and batches; every command shares the same SQLite database."""


def _epilog() -> str:
    lines = []
    for group, title in GROUPS.items():
        lines.append(f"commands: {title}")
        for module, g in COMMANDS:
            if g == group:
                name = module.rstrip("_")
                lines.append(f"  {name:<10} {SUMMARY[name]}")
        lines.append("")
    lines += ["`mlrtui COMMAND --help` shows a command's options and examples;",
              "--db and --config may also follow the command.", "",
              "--json: lists print one JSON object per line (JSON lines); a single record",
              "prints one JSON object.", "", "exit codes:"]
    lines += [f"  {code:<4} {meaning}" for code, meaning in EXIT_CODES.items()]
    lines += ["", "examples:", "  mlrtui import ../mlrbench && mlrtui tasks --venue iclr",
              "  mlrtui --db runs.db runs --task 'iclr2025_*' --json | head -3"]
    return "\n".join(lines)


def add_global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """--db and --config; under a sub-command they default to SUPPRESS so a value given
    before the sub-command is kept."""
    default = {"default": argparse.SUPPRESS} if suppress else {}
    parser.add_argument("--db", type=Path, metavar="FILE",
                        help="SQLite database file (env MLRTUI_DB); created, with a notice, "
                             "if missing", **default)
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="settings file (env MLRTUI_CONFIG; default: see `mlrtui locate`)",
                        **default)


def _spread_globals(parser: argparse.ArgumentParser) -> None:
    """Give every sub-command parser (nested too) the global options."""
    for action in parser._actions:  # argparse has no public walk over sub-parsers
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                if "--db" not in child._option_string_actions:
                    add_global_options(child, suppress=True)
                _spread_globals(child)


def build_parser(with_commands: bool = True, only: str | None = None
                 ) -> argparse.ArgumentParser:
    """The parser; with `only`, just that sub-command's module is imported (~0.3 s saved)."""
    parser = argparse.ArgumentParser(prog="mlrtui", description=DESCRIPTION, epilog=_epilog(),
                                     usage="mlrtui [--db FILE] [--config FILE] "
                                           "[COMMAND [OPTIONS]]",
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_global_options(parser, suppress=False)
    parser.add_argument("--version", action="version", version=f"mlrtui {__version__}")
    # The commands are listed, grouped, in the epilog; argparse's flat list is left out.
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", help=argparse.SUPPRESS)
    for module_name, _ in COMMANDS if with_commands else []:
        if only is not None and module_name != only:
            continue
        try:
            module = importlib.import_module(f"mlrtui.commands.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"mlrtui.commands.{module_name}":
                continue  # a command not built yet
            raise
        module.register(sub)
    _spread_globals(parser)
    return parser


def opens_tui(argv: list[str]) -> bool:
    """Only global options: the TUI starts without importing every sub-command (~0.4 s)."""
    base = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    add_global_options(base, suppress=False)
    try:
        return not base.parse_known_args(argv)[1]
    except argparse.ArgumentError:
        return False


def _apply_config(path: Path | None) -> None:
    """--config wins over MLRTUI_CONFIG; an explicit file that does not exist is an error."""
    if path is None:
        return
    path = path.expanduser()
    if not path.is_file():
        raise Fatal(f"--config {path}: no such file")
    os.environ["MLRTUI_CONFIG"] = str(path.resolve())


def _quiet_stdout() -> None:
    """After a closed pipe: point stdout at /dev/null so the exit flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _stdout_is_devnull() -> bool:
    try:
        return os.path.samestat(os.fstat(sys.stdout.fileno()), os.stat(os.devnull))
    except (OSError, ValueError):
        return False


def _notice(message: str) -> None:
    print(f"mlrtui: {message}", file=sys.stderr)


def named_command(argv: list[str]) -> str | None:
    """The module of the sub-command on the command line, when it names a known one."""
    base = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    base.add_argument("--db", type=Path)
    base.add_argument("--config", type=Path)
    base.add_argument("command", nargs="?")
    try:
        name = base.parse_known_args(argv)[0].command
    except argparse.ArgumentError:
        return None
    module = "import_" if name == "import" else name
    return module if module in {m for m, _ in COMMANDS} else None


def main(argv: list[str] | None = None) -> int:
    if argv is None:        # the process entry point (not an in-process caller, e.g. a test)
        atexit.register(gc.freeze)
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(with_commands=not opens_tui(argv), only=named_command(argv))
    args = parser.parse_args(argv)
    try:
        _apply_config(args.config)
    except Fatal as exc:
        _notice(str(exc))
        return exc.code
    devnull_before = _stdout_is_devnull()
    ctx = Context(db_override=args.db, notice=_notice,
                  console=getattr(args, "handler", None) is None)
    session = CommandLog(ctx, args.command or "tui", argv)
    try:
        handler = getattr(args, "handler", None)
        if handler is None:
            from mlrtui.ui.app import run_app

            return session.done(run_app(ctx))
        code = int(handler(ctx, args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return session.done(code)
    except Fatal as exc:
        print(f"mlrtui: {exc}", file=sys.stderr)
        return session.done(exc.code, str(exc))
    except StoreError as exc:   # a write the file system refused (read-only file, full disk)
        print(f"mlrtui: {exc}", file=sys.stderr)
        return session.done(2, str(exc))
    except KeyboardInterrupt:
        print("mlrtui: interrupted", file=sys.stderr)
        return session.done(130, "interrupted")
    except BrokenPipeError:
        _quiet_stdout()
        return session.done(141, "output pipe closed")
    except SystemExit:
        # rich handles a closed pipe itself: stdout to /dev/null, then SystemExit(1).
        if not devnull_before and _stdout_is_devnull():
            return session.done(141, "output pipe closed")
        raise
    except Exception:
        session.crashed()
        raise
    finally:
        ctx.close()
        session.close()


if __name__ == "__main__":
    sys.exit(main())
