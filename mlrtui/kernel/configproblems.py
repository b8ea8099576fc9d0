"""Config problems in plain words: every wrong key of a settings file, not just pydantic's first.

A researcher who mistypes three values should learn all three at once, each as
"key: expected X, found Y", on the one line the CLI prints before exiting.
"""

from __future__ import annotations

from typing import Any

# pydantic error type -> what the key should have held, in words a TOML author uses.
_EXPECTED: dict[str, str] = {
    "int_parsing": "a whole number", "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_parsing": "a number", "float_type": "a number",
    "bool_parsing": "true or false", "bool_type": "true or false",
    "string_type": "text in quotes", "list_type": "a list like [\"a\", \"b\"]",
    "dict_type": "a table", "model_type": "a table", "model_attributes_type": "a table",
    "path_type": "a file path in quotes", "missing": "a value (it is required)",
    "greater_than": "a larger number", "greater_than_equal": "a larger number",
    "less_than": "a smaller number", "less_than_equal": "a smaller number",
}


def _found(value: Any) -> str:
    """The offending value with its TOML kind, e.g. `"four" (text)`."""
    kinds = {bool: "true/false", int: "whole number", float: "number", str: "text",
             list: "list", dict: "table"}
    kind = next((name for t, name in kinds.items() if type(value) is t), type(value).__name__)
    shown = repr(value) if not isinstance(value, (dict, list)) else kind
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return shown if shown == kind else f"{shown} ({kind})"


def _expected(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "literal_error" and "expected" in ctx:
        return f"one of {ctx['expected']}"
    for bound in ("gt", "ge", "lt", "le"):
        if bound in ctx:
            return f"{_EXPECTED.get(kind, 'a number')} ({bound} {ctx[bound]})"
    return _EXPECTED.get(kind, str(error.get("msg", "a valid value")).lower())


def _key(loc: tuple[Any, ...]) -> str:
    """A dotted TOML key; pydantic's union branch tags (e.g. `int`) are dropped."""
    parts = [str(p) for p in loc if not (isinstance(p, str) and p in {
        "int", "float", "str", "bool", "list[str]", "none", "function-after"})]
    return ".".join(parts) or "(top level)"


def describe(errors: list[dict[str, Any]]) -> list[str]:
    """One plain sentence per problem: `key: expected X, found Y`; duplicates merged."""
    out: list[str] = []
    for error in errors:
        key = _key(tuple(error.get("loc", ())))
        if error.get("type") == "missing":
            line = f"{key}: {_expected(error)}"
        else:
            line = f"{key}: expected {_expected(error)}, found {_found(error.get('input'))}"
        if line not in out:
            out.append(line)
    return out


def one_line(path: object, errors: list[dict[str, Any]]) -> str:
    """`<file>: 3 problems: a: ...; b: ...; c: ...` on a single line."""
    problems = describe(errors)
    noun = "problem" if len(problems) == 1 else "problems"
    return f"{path}: {len(problems)} {noun}: " + "; ".join(problems)
