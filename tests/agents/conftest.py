"""Fixtures for the real coding-agent CLIs: one pinned install per session, skipped with a reason.

No marker is needed: without node/npm or network the install fails and every test that asks
for a CLI is skipped, saying why.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from clis import InstalledClis, InstallError, install


@pytest.fixture(scope="session")
def agent_clis() -> InstalledClis:
    try:
        return install()
    except InstallError as exc:
        pytest.skip(f"agent CLIs unavailable: {exc}")


@pytest.fixture
def cli_home(tmp_path: Path) -> Path:
    """A HOME of the test's own, so no real login, config or history is read or written."""
    home = tmp_path / "home"
    home.mkdir()
    return home
