"""Settings sources without pydantic-settings: a TOML file, then `PREFIX_*` environment
variables over it, then explicit values over both, deep-merged.

Why: importing pydantic-settings costs about 0.1 s of CPU on every start (it pulls in dotenv,
typing-inspection and its many source classes), a quarter of the console's start-up budget, for
the few rules below, which follow its documented behaviour:

- names are case-insensitive: `MLRTUI_RUN_BUDGET_USD` sets `run_budget_usd`;
- `__` descends into nested values: `MLRTUI_MODELS__LOCAL__CONCURRENCY=2`;
- a value for a list, dict or model field is JSON (`MLRTUI_JUDGES='["a", "b"]'`);
- variables naming no field are ignored (`MLRTUI_CONFIG_DIR`, `MLRTUI_LOG_LEVEL`);
- dicts merge key by key across sources: env adds one model's setting to the TOML's models.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any


def deep_merge(*layers: Mapping[str, Any]) -> dict[str, Any]:
    """Later layers win; dicts present in both are merged rather than replaced."""
    out: dict[str, Any] = {}
    for layer in layers:
        for key, value in layer.items():
            if isinstance(value, Mapping) and isinstance(out.get(key), dict):
                out[key] = deep_merge(out[key], value)
            else:
                out[key] = dict(value) if isinstance(value, Mapping) else value
    return out


def toml_values(path: Path) -> dict[str, Any]:
    """The file's table, or {} when there is no file (errors propagate: the caller names it)."""
    if not path.exists():
        return {}
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _decode(value: str, complex_field: bool, name: str) -> Any:
    if not value or value[0] not in "[{":
        if complex_field:
            raise ValueError(f"environment variable {name}: expected JSON, got {value!r}")
        return value
    try:
        return json.loads(value)
    except ValueError as exc:
        if complex_field:
            raise ValueError(f"environment variable {name}: not valid JSON ({exc})") from None
        return value


def env_values(prefix: str, fields: Iterable[str], complex_fields: Iterable[str] = (),
               delimiter: str = "__", environ: Mapping[str, str] | None = None
               ) -> dict[str, Any]:
    """The values `PREFIX_<FIELD>[__<KEY>...]` variables give to the named fields."""
    environ = os.environ if environ is None else environ
    names = {f.lower() for f in fields}
    complex_names = {f.lower() for f in complex_fields}
    prefix = prefix.lower()
    out: dict[str, Any] = {}
    for var, raw in environ.items():
        lowered = var.lower()
        if not lowered.startswith(prefix):
            continue
        path = lowered[len(prefix):].split(delimiter)
        if path[0] not in names:
            continue
        if len(path) == 1:
            out[path[0]] = _decode(raw, path[0] in complex_names, var)
            continue
        node = out.setdefault(path[0], {})
        if not isinstance(node, dict):
            continue   # the whole field was also given as JSON: that value wins
        for key in path[1:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = _decode(raw, False, var)
    return out
