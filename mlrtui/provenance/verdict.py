"""Per-claim verdicts: traced to executed output, derived from traced numbers, contradicted, untraced.

A match counts only if it is unlikely to be chance: the index tells how many evidence numbers lie
near the claim's value, and a crowded neighbourhood (long logs, low-precision claims) must be backed
by shared label words (metric, row or column names) on the evidence line.
"""

from __future__ import annotations

import re

from mlrtui.provenance.claims import Claim
from mlrtui.provenance.evidence import Entry, EvidenceIndex
from mlrtui.provenance.model import ClaimResult, Hit
from mlrtui.provenance.numbers import information, match_rule, targets
from mlrtui.provenance.words import METRIC_WORDS, tokens

GENERIC = frozenset(["performance", "achieves", "achieved", "achieve", "higher", "lower", "better", "worse", "relative", "absolute", "average", "improvement", "improves", "improved", "gain", "gains", "outperforms", "outperform", "reaches", "yields", "obtains", "attains", "overall", "score", "scores", "percent", "points", "pp", "increase", "decrease", "reduction", "rate"])
_RULE_RANK = {"exact": 0, "scientific": 1, "rounded": 2, "percent↔fraction": 2, "truncated": 4}


def claim_tokens(claim: Claim) -> set[str]:
    """The words that must reappear near a number for it to be 'the same quantity'."""
    return tokens(" ".join(claim.context[:3])) - GENERIC


def _chance(index: EvidenceIndex, claim: Claim) -> float:
    """Expected number of evidence numbers that would match the claim by accident: distinct
    values near it (one value printed in five places is one chance, not five)."""
    total = 0.0
    for value, ulp, _ in targets(claim.num):
        total += len({e.num.value for e in index.near(value, 25 * ulp, cap=5000)}) / 50.0
    return total


def _rank(rule: str) -> int:
    return max(_RULE_RANK.get(part, 3) for part in rule.split("+"))


def find_matches(index: EvidenceIndex, claim: Claim, labels: set[str],
                 limit: int = 3) -> list[tuple[int, Entry, str]]:
    """Accepted matches of a claim in one index, best first: (label overlap, entry, rule)."""
    if not len(index):
        return []
    info = information(claim.num)
    chance = _chance(index, claim)
    names = _sentence_names(claim) if info == "medium" else set()
    seen: set[int] = set()
    found: list[tuple[int, int, Entry, str]] = []
    for value, ulp, _ in targets(claim.num):
        for entry in index.near(value, ulp):
            if id(entry) in seen:
                continue
            seen.add(id(entry))
            rule = match_rule(claim.num, entry.num)
            if rule is None:
                continue
            words = index.labels(entry)
            overlap = len(labels & words) if labels else 0
            named = len(names & words)
            if not _accept(info, rule, overlap, chance, named):
                continue
            if (rule != "exact" and claim.row and claim.column and chance >= 0.01
                    and _foreign_key(index, entry, labels)):
                continue    # a table cell rounded from a JSON key naming something else
            # prefer the line that itself names the claim's labels, then the closer rule
            own = len(labels & tokens(index.line_text(entry)[:300])) if labels else 0
            order = index.texts[entry.source].execution_order or 0
            found.append((overlap + own, -_rank(rule) * 1000 + order, entry, rule))
    found.sort(key=lambda f: (f[0], f[1]), reverse=True)
    best = [(o, e, r) for o, _, e, r in found[:limit]]
    # the most precise printing too: what a write-up's derived numbers were computed from
    precise = max(found, key=lambda f: f[2].num.sig, default=None)
    if precise is not None and all(e.num.sig < precise[2].num.sig for _, e, _ in best):
        best.append((precise[0], precise[2], precise[3]))
    return best


def _foreign_key(index: EvidenceIndex, entry: Entry, labels: set[str]) -> bool:
    """The number sits under a JSON key that shares no word with the claim's labels (e.g. a
    table's "Adaptation Gain" against a profile's "detail_orientation")."""
    key = index.json_key(entry)
    words = tokens(key)
    return bool(words) and not (words & labels)


def _sentence_names(claim: Claim) -> set[str]:
    """Words of the claim's own sentence before the number (the models, datasets and settings
    it names: "BERT ... in the Regulator context ... a score of 0.62"), for inline claims."""
    if claim.row:
        return set()
    before = claim.text[max(0, claim.num.start - 160):claim.num.start]
    before = re.split(r"(?<=[.!?;])\s+", before)[-1]
    return tokens(before) - GENERIC - METRIC_WORDS


def _accept(info: str, rule: str, overlap: int, chance: float, named: int = 0) -> bool:
    if info == "high":      # truncation is the rarer way to shorten: a tighter chance test
        return chance < (0.02 if "truncated" in rule else 0.1) or overlap >= 1
    if info == "medium":    # two names of the sentence on the evidence line are labels too
        return (overlap >= 1 and chance < 3) or (overlap >= 2) or (named >= 2 and chance < 3) or (
            chance < 0.02 and "truncated" not in rule)
    return rule == "exact" and (overlap >= 2 or (overlap >= 1 and chance < 0.5))


def judge(claim: Claim, execution: EvidenceIndex, weak: EvidenceIndex,
          decoys: list[EvidenceIndex]) -> ClaimResult:
    """The direct verdict on one claim (derivations and contradictions come later)."""
    res = ClaimResult(claim.doc, claim.line, claim.text, claim.num.raw.strip(), claim.num.value,
                      [c for c in claim.context if c], error=claim.error)
    labels = claim_tokens(claim)
    hits = find_matches(execution, claim, labels)
    source = execution
    if not hits:
        hits = find_matches(weak, claim, labels)
        source = weak
        res.weak = bool(hits)
    if hits:
        res.status = "traced"
        res.rule = hits[0][2]
        res.evidence = [source.hit(e, r) for _, e, r in hits]
        return res
    for index in decoys:
        res.decoys += [index.hit(e, r) for _, e, r in find_matches(index, claim, labels, 2)]
    return res


def contradiction(claim: Claim, execution: EvidenceIndex, lines: dict[str, list]) -> Hit | None:
    """An executed line naming the same row and metric as the claim, with another value."""
    if not claim.row or not claim.column:
        return None
    row = tokens(claim.row) - GENERIC
    col = tokens(claim.column) - GENERIC
    if not row or not col:
        return None
    for key in sorted(row):
        for entry in lines.get(key, []):
            words = execution.labels(entry)
            if not (row <= words and col & words):
                continue
            num = entry.num
            if num.integer or match_rule(claim.num, num) is not None:
                continue
            if not _same_scale(claim, num.value):
                continue
            return execution.hit(entry, "same labels, other value")
    return None


def _same_scale(claim: Claim, value: float) -> bool:
    c = claim.num.value / 100 if claim.num.percent else claim.num.value
    for v in (value, value / 100):
        if c == 0 or v == 0:
            continue
        if 0.2 < abs(v / c) < 5 and (v > 0) == (c > 0):
            return True
    return False
