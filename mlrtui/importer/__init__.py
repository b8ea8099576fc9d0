"""Corpus import: an MLR-Bench checkout into the store (tasks, stage outputs, runs, reviews,
flags, human scores). Entry point: import_corpus(store, path, progress, should_stop)."""

from mlrtui.importer.run import CorpusError, import_corpus, is_corpus
from mlrtui.importer.summary import KINDS, ImportSummary

__all__ = ["KINDS", "CorpusError", "ImportSummary", "import_corpus", "is_corpus"]
