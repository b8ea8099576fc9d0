"""One real import of the reference corpus per test session, shared by every test area.

Usage (tests/ is on sys.path through tests/conftest.py):

    from corpus_db import imported_corpus_db

    @pytest.fixture(scope="session")
    def corpus_db(tmp_path_factory, corpus):
        return imported_corpus_db(tmp_path_factory, corpus)

Each call returns a fresh copy of the imported database file, so a test may write to it
freely; the import itself runs only once per session (about 2 s).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mlrtui.importer import import_corpus
from mlrtui.store import open_store

_MASTER: dict[Path, Path] = {}


def _master(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    """Import once into a master file; checkpointed and closed so a plain copy is complete."""
    key = Path(corpus).resolve()
    if key not in _MASTER:
        path = tmp_path_factory.mktemp("corpus-master") / "corpus.db"
        store = open_store(path)
        import_corpus(store, key)
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        _MASTER[key] = path
    return _MASTER[key]


def imported_corpus_db(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    """Path to a private copy of a database holding the imported reference corpus."""
    master = _master(tmp_path_factory, corpus)
    copy = tmp_path_factory.mktemp("corpus-db") / "corpus.db"
    shutil.copyfile(master, copy)
    return copy
