"""`mlrtui models`: configured models, available or not and why; `models test NAME` calls one."""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import asdict

from rich.console import Console

from mlrtui.commands import Context, Fatal
from mlrtui.commands.options import add_json, command_parser, emit_lines, emit_object
from mlrtui.commands.tables import Col, print_table
from mlrtui.kernel.sanitize import terminal_safe as safe
from mlrtui.kernel.secrets import active_secrets, redact
from mlrtui.providers.registry import model_statuses
from mlrtui.services.models import probe_model


def register(sub: argparse._SubParsersAction) -> None:
    p = command_parser(sub, "models", "list configured models, whether each can be called and why",
                       "mlrtui models", "mlrtui models test local",
                       details="Models come from the defaults and [models.NAME] in the config; "
                               "keys are named\n(e.g. OPENAI_API_KEY), never shown.")
    add_json(p)
    inner = p.add_subparsers(dest="models_cmd", metavar="ACTION")
    t = command_parser(inner, "test", "make one small call and show reply, tokens, latency, cost",
                       "mlrtui models test gpt-4o-mini --max-tokens 16",
                       details="The call is recorded in the cost ledger (purpose 'test').")
    t.add_argument("name", help="a model name from `mlrtui models`")
    t.add_argument("--max-tokens", type=int, default=48, help="cap on the reply (default 48)")
    add_json(t, record=True)
    p.set_defaults(handler=handle)


def handle(ctx: Context, args: argparse.Namespace) -> int:
    if getattr(args, "models_cmd", None) == "test":
        return _test(ctx, args.name, args.max_tokens, args.json)
    statuses = model_statuses(ctx.settings)
    if args.json:
        emit_lines(dict(s.__dict__) for s in statuses)
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


def _test(ctx: Context, name: str, max_tokens: int, as_json: bool = False) -> int:
    if name not in ctx.settings.all_models():
        raise Fatal(f"unknown model {name!r}; see `mlrtui models`")
    result = asyncio.run(probe_model(ctx.store, ctx.settings, name, max_tokens))
    if not result.ok:
        raise Fatal(result.error, code=1)
    if as_json:
        emit_object(asdict(result) | {"cost": result.cost_label})
        return 0
    print(safe(f"model:   {name} ({result.model_reported})"))
    print(f"reply:   {safe(redact(result.reply, active_secrets()))}")
    print(f"tokens:  {result.input_tokens} in / {result.output_tokens} out"
          + (f" / {result.cache_read_tokens} cache read" if result.cache_read_tokens else ""))
    print(f"latency: {result.latency_s:.2f}s" + ("  (cached)" if result.cached else ""))
    print(f"cost:    {result.cost_label}")
    for note in result.notes:
        print(f"note:    {safe(note)}")
    return 0

