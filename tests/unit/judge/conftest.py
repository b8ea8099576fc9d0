from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


import pytest


@pytest.fixture(scope="session")
def corpus_store(corpus, tmp_path_factory):
    """The reference corpus imported once per session into a temp-file store."""
    from mlrtui.importer import import_corpus
    from mlrtui.store import open_store

    store = open_store(tmp_path_factory.mktemp("corpus") / "corpus.db")
    import_corpus(store, corpus)
    yield store
    store.close()
