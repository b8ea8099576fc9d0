"""Canonical model ids: names that differ only by a date suffix are one model.

o4-mini-2025-04-16 -> o4-mini, claude-3-7-sonnet-20250219 -> claude-3-7-sonnet,
gemini-2.5-pro-preview-03-25 -> gemini-2.5-pro-preview. The original name is kept beside it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_DATE_SUFFIXES = [
    re.compile(r"-(19|20)\d{2}-\d{2}-\d{2}$"),   # -2025-04-16
    re.compile(r"-(19|20)\d{6}$"),                # -20250219
    re.compile(r"-\d{2}-\d{2}$"),                 # -03-25 (month-day)
    re.compile(r"-\d{4}$"),                       # -0325 / -2505
    re.compile(r"@\d{8}$"),                       # vertex style @20250219
]


def canonical_model(name: str) -> str:
    """Strip one trailing date suffix; everything else is kept as written (lower-cased)."""
    base = name.strip().lower()
    for pattern in _DATE_SUFFIXES:
        stripped = pattern.sub("", base)
        if stripped != base and stripped:
            return stripped
    return base


# The corpus's shared idea -> related work -> proposal chain belongs to no single model; its runs
# are stored with this model name.
UNATTRIBUTED = "unknown"
UNATTRIBUTED_LABEL = "shared (corpus)"


def display_model(name: str | None, ids: Mapping[str, str] | None = None) -> str:
    """The one name a model is shown by, everywhere (authors, runs, judges, leaderboard, costs):
    its canonical model id. A config key such as "local" is shown as the id of the model it
    configures ("smollm2-135m-instruct"), so one model never appears under two names.

    `ids` maps config keys to model ids (Settings.model_ids()); "human" stays "human"."""
    if not name:
        return UNATTRIBUTED_LABEL
    if name == UNATTRIBUTED:
        return UNATTRIBUTED_LABEL
    if ids and name in ids:
        return ids[name]
    return canonical_model(name) if name != "human" else name
