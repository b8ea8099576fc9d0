"""Number parsing and matching rules of the provenance check."""

from __future__ import annotations

import pytest

from mlrtui.provenance.numbers import information, match_rule, parse_number


def _rule(claim: str, ev: str) -> str | None:
    return match_rule(parse_number(claim), parse_number(ev))


@pytest.mark.parametrize("text,value", [("1,234.5", 1234.5), ("93.4%", 93.4), ("1.2e-3", 0.0012),
                                        ("1.2 × 10^-3", 0.0012), ("−0.25", -0.25)])
def test_parse_forms(text, value):
    assert parse_number(text).value == pytest.approx(value)


def test_identifiers_are_not_numbers():
    assert parse_number("ResNet-18") is None
    assert parse_number("GPT-4o") is None


def test_rules():
    assert _rule("0.8123", "0.8123") == "exact"
    assert _rule("0.812", "0.81234") == "rounded"
    assert _rule("0.812", "0.8129") == "truncated"
    assert _rule("81.2%", "0.81234") == "percent↔fraction+rounded"
    assert _rule("0.00123", "1.23e-3") == "scientific"
    assert _rule("0.812", "0.814") is None
    assert _rule("0.8123", "0.812") is None  # coarser evidence cannot be the source


def test_information():
    assert information(parse_number("0.5")) == "low"
    assert information(parse_number("10")) == "low"
    assert information(parse_number("0.93")) == "medium"
    assert information(parse_number("0.934")) == "high"
