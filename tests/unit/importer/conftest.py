from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from corpus_db import imported_corpus_db  # tests/ is on sys.path (tests/conftest.py)


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    """A copy of the database holding the real corpus, imported once per session."""
    return imported_corpus_db(tmp_path_factory, corpus)
