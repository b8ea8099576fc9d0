"""`mlrtui locate`: where the config file and the database are."""

from __future__ import annotations

import argparse

from mlrtui import paths
from mlrtui.commands import Context
from mlrtui.commands.options import add_json, command_parser, emit_object


def register(sub: argparse._SubParsersAction) -> None:
    p = command_parser(sub, "locate", "print where the config file, database and data are",
                       "mlrtui locate", "mlrtui --db other.db locate --json")
    add_json(p, record=True)
    p.set_defaults(handler=handle)


def handle(ctx: Context, args: argparse.Namespace) -> int:
    cfg = paths.config_file()
    if args.json:
        emit_object({"config": str(cfg), "config_exists": cfg.exists(),
                     "db": str(ctx.settings.db), "data": str(paths.data_dir())})
        return 0
    print(f"config: {cfg}{'' if cfg.exists() else '  (not created yet)'}")
    print(f"db:     {ctx.settings.db}")
    print(f"data:   {paths.data_dir()}")
    return 0
