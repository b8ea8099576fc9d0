"""`mlrtui models`: configured models, available or not and why; `models test NAME` calls one."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from rich.console import Console

from mlrtui.commands import Context, Fatal
from mlrtui.commands.tables import Col, print_table
from mlrtui.kernel.sanitize import terminal_safe as safe
from mlrtui.kernel.secrets import active_secrets, redact
from mlrtui.providers.registry import model_statuses
from mlrtui.services.models import probe_model


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("models", help="list configured models; `models test NAME` calls one")
    p.add_argument("--json", action="store_true", help="print JSON lines for scripts")
    inner = p.add_subparsers(dest="models_cmd", metavar="ACTION")
    t = inner.add_parser("test", help="make one small call and show reply, tokens, latency, cost")
    t.add_argument("name", help="a model name from `mlrtui models`")
    t.add_argument("--max-tokens", type=int, default=48)
    p.set_defaults(handler=handle)


def handle(ctx: Context, args: argparse.Namespace) -> int:
    if getattr(args, "models_cmd", None) == "test":
        return _test(ctx, args.name, args.max_tokens)
    statuses = model_statuses(ctx.settings)
    if args.json:
        for s in statuses:
            sys.stdout.write(json.dumps(s.__dict__) + "\n")
        return 0
    reasons: list[str] = []
    rows = []
    for s in statuses:
        ready = "yes"
        if not s.available:
            reason = s.reason or "unknown reason"
            if reason not in reasons:
                reasons.append(reason)
            ready = f"no [{reasons.index(reason) + 1}]"
        rows.append([s.name, s.provider, s.model, ready, "yes" if s.priced else "unpriced"])
    columns = [Col("name", min_width=12), Col("provider", no_wrap=True),
               Col("model", min_width=14), Col("available", "ready", no_wrap=True),
               Col("priced", no_wrap=True)]
    print_table(Console(), columns, rows, title=f"{len(statuses)} models",
                notes=[f"[{i}] {reason}" for i, reason in enumerate(reasons, 1)])
    return 0


def _test(ctx: Context, name: str, max_tokens: int) -> int:
    if name not in ctx.settings.all_models():
        raise Fatal(f"unknown model {name!r}; see `mlrtui models`")
    result = asyncio.run(probe_model(ctx.store, ctx.settings, name, max_tokens))
    if not result.ok:
        raise Fatal(result.error, code=1)
    print(safe(f"model:   {name} ({result.model_reported})"))
    print(f"reply:   {safe(redact(result.reply, active_secrets()))}")
    print(f"tokens:  {result.input_tokens} in / {result.output_tokens} out"
          + (f" / {result.cache_read_tokens} cache read" if result.cache_read_tokens else ""))
    print(f"latency: {result.latency_s:.2f}s" + ("  (cached)" if result.cached else ""))
    print(f"cost:    {result.cost_label}")
    for note in result.notes:
        print(f"note:    {safe(note)}")
    return 0
