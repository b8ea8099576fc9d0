"""screenshots/ holds exactly the accepted snapshots of every snapshot module, by readable name."""

from __future__ import annotations

import pytest
from snapshots.conftest import SCREENSHOTS, all_shots


def test_screenshots_match_snapshots(request):
    if request.config.getoption("--snapshot-update", default=False):
        pytest.skip("copied when the session ends, after the snapshots are written")
    shots = all_shots()
    names = [name for _, name in shots]
    assert len(names) == len(set(names)), "two snapshots map to one screenshot name"
    differ, missing = [], []
    for accepted, name in shots:
        if not accepted.exists():
            missing.append(str(accepted))
            continue
        shot = SCREENSHOTS / f"{name}.svg"
        if not shot.exists() or shot.read_bytes() != accepted.read_bytes():
            differ.append(name)
    assert not missing, f"accepted snapshots missing: {missing}; run pytest tests/snapshots " \
                        "--snapshot-update"
    assert not differ, f"screenshots/ differ from the accepted snapshots: {differ}; " \
                       "run pytest tests/snapshots --snapshot-update"


def test_no_orphan_screenshots():
    expected = {f"{name}.svg" for _, name in all_shots()}
    orphans = sorted(p.name for p in SCREENSHOTS.glob("*.svg") if p.name not in expected)
    assert not orphans, f"screenshots without a snapshot test: {orphans}"
