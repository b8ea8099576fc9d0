"""`mlrtui locate`: where the config file and the database are."""

from __future__ import annotations

import argparse

from mlrtui import paths
from mlrtui.commands import Context


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("locate", help="print the config file and database paths")
    p.set_defaults(handler=handle)


def handle(ctx: Context, args: argparse.Namespace) -> int:
    cfg = paths.config_file()
    print(f"config: {cfg}{'' if cfg.exists() else '  (not created yet)'}")
    print(f"db:     {ctx.settings.db}")
    print(f"data:   {paths.data_dir()}")
    return 0
