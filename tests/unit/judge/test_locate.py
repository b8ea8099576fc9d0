"""Evidence location: quoted fragments, PDF line breaks and ligatures, the closest passage."""

from __future__ import annotations

from mlrtui.judge.locate import fragments, locate

PDF = ("Intro.\nWe train a small classi-\nfier on ﬁfty tide pools and report the\n"
       "mean accuracy over ten seeds.\nOther text about snails follows here.\n")


def test_quoted_fragments_longest_first_and_ellipsis_split() -> None:
    ev = 'Section 2 says: "we train a model ... on fifty pools" and \'ten seeds\''
    assert fragments(ev)[:3] == ["we train a model", "on fifty pools", "ten seeds"]


def test_exact_then_case_and_space_insensitive() -> None:
    at = locate(PDF, 'The paper: "mean accuracy over ten seeds"')
    assert at.exact and PDF[at.start:at.end] == "mean accuracy over ten seeds"
    at = locate(PDF, '"Report The  Mean accuracy"')
    assert at.exact and PDF[at.start:at.end].lower().startswith("report the\nmean")


def test_hyphenated_line_break_and_ligature_found_approximately() -> None:
    at = locate(PDF, '"We train a small classifier on fifty tide pools"')
    assert at is not None and not at.exact and at.share == 1.0
    assert PDF[at.start:at.end].startswith("We train") and PDF[at.start:at.end].endswith("pools")


def test_closest_passage_needs_half_the_words() -> None:
    at = locate(PDF, "We trained a small network on twenty tide pools")
    assert at is not None and not at.exact and 0.5 <= at.share < 1
    assert locate(PDF, "Completely unrelated words about orbital mechanics here") is None
    assert locate(PDF, "") is None and locate("", "x y z w") is None
