"""Number parsing and the matching rules that decide whether a printed number backs a claim.

A claim printed as 93.4% is backed by 0.9341 (percent/fraction, rounded) but not by 0.94; a
claim's precision is its unit in the last place (ulp), so "0.93" tolerates +-0.005 and "0.930"
only +-0.0005. Low-information numbers (0.5, 10, 2) match too much to count on their own.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_MINUS = str.maketrans({"−": "-", "–": "-", "‒": "-", "\u2009": " ", "\u00a0": " "})

NUM_RE = re.compile(
    r"(?<![\w.\-/^])"
    r"(?P<sign>-)?"
    r"(?P<mant>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|\.\d+|\d+)"
    r"(?:(?P<e>[eE][-+]?\d+)|\s?[×x*]\s?10\s?\^?\{?(?P<pow>[-+]?\d+)\}?)?"
    r"(?P<pct>\s?%)?"
    r"(?![\w]*[A-Za-wyz_])"
)


@dataclass(frozen=True)
class Num:
    """A parsed number: value, its precision (ulp) and how informative it is (significant digits)."""

    value: float
    raw: str
    start: int
    end: int
    ulp: float
    sig: int
    percent: bool
    sci: bool
    integer: bool


def normalise(text: str) -> str:
    """Unicode minus/dashes to '-', superscript digits to ASCII (same length for ASCII input)."""
    return text.translate(_MINUS).translate(_SUPERSCRIPT)


def _sig_digits(mant: str, integer: bool) -> int:
    digits = mant.replace(",", "").replace(".", "").lstrip("0")
    if integer:
        digits = digits.rstrip("0")
    return max(len(digits), 1) if digits else 1


def parse_match(m: re.Match[str]) -> Num | None:
    """Turn one NUM_RE match into a Num (None for forms that are not numbers, e.g. '1.2.3')."""
    mant = m.group("mant")
    integer = "." not in mant
    decimals = 0 if integer else len(mant.split(".", 1)[1])
    try:
        base = float(mant.replace(",", ""))
    except ValueError:
        return None
    exp = 0
    sci = bool(m.group("e") or m.group("pow"))
    if m.group("e"):
        exp = int(m.group("e")[1:])
    elif m.group("pow"):
        exp = int(m.group("pow"))
    sign = -1.0 if m.group("sign") else 1.0
    value = sign * base * (10.0 ** exp)
    ulp = 10.0 ** (exp - decimals)
    return Num(value=value, raw=m.group(0), start=m.start(), end=m.end(), ulp=ulp,
               sig=_sig_digits(mant, integer and not sci), percent=bool(m.group("pct")),
               sci=sci, integer=integer and exp >= 0)


def find_numbers(text: str) -> list[Num]:
    """Every number in a (normalised) line of text."""
    out = []
    for m in NUM_RE.finditer(text):
        num = parse_match(m)
        if num is not None:
            out.append(num)
    return out


def parse_number(text: str) -> Num | None:
    """Parse one number written as text ('1,234.5', '93.4%', '1.2e-3', '1.2 × 10^-3', '−0.5')."""
    m = NUM_RE.search(normalise(text.strip()))
    return parse_match(m) if m else None


def information(num: Num) -> str:
    """'low' (0.5, 10, 2, 100: matches by chance), 'medium' (two significant digits) or 'high'."""
    if num.sig <= 1 or (num.integer and abs(num.value) < 100):
        return "low"
    if num.sig == 2:
        return "medium"
    return "high"


def targets(claim: Num) -> list[tuple[float, float, str]]:
    """The values (with tolerance ulp) an evidence number may take to back the claim."""
    out = [(claim.value, claim.ulp, "")]
    if information(claim) == "low":
        return out  # 0.5 vs 50 or 0.00 vs 0.4: too easy to be evidence
    if claim.percent:
        out.append((claim.value / 100.0, claim.ulp / 100.0, "percent↔fraction"))
    elif abs(claim.value) <= 1.0 and not claim.integer:
        out.append((claim.value * 100.0, claim.ulp * 100.0, "percent↔fraction"))
    return out


def match_rule(claim: Num, ev: Num) -> str | None:
    """The rule by which evidence number `ev` backs `claim`, or None."""
    for value, ulp, base in targets(claim):
        if base and ev.integer and not ev.percent and information(claim) != "high":
            continue  # "0.10" is not backed by a bare "10" (a time, a size, a count)
        rule = _rule(value, ulp, ev)
        if rule is None:
            continue
        if base:
            return base if rule == "exact" else f"{base}+{rule}"
        if (claim.sci or ev.sci) and claim.sci != ev.sci:
            return "scientific" if rule == "exact" else f"scientific+{rule}"
        return rule
    return None


def _rule(value: float, ulp: float, ev: Num) -> str | None:
    eps = 1e-9 * max(1.0, abs(value))
    diff = ev.value - value
    if abs(diff) <= eps and ev.ulp >= ulp * (1 - 1e-9):
        return "exact"
    if ev.ulp > ulp * (1 + 1e-9):
        return None  # evidence is coarser than the claim: it cannot be the claim's source
    if abs(diff) <= eps:
        return "exact"
    if abs(diff) <= ulp / 2 * (1 + 1e-6):
        return "rounded"
    towards_zero = diff if value >= 0 else -diff
    if 0 <= towards_zero < ulp * (1 - 1e-9):
        return "truncated"
    return None


def fmt(value: float) -> str:
    """A short readable form of a computed value for derivation formulas."""
    if value == 0 or not math.isfinite(value):
        return str(value)
    return f"{value:.6g}"
