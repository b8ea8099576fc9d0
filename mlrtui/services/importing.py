"""Importing an MLR-Bench checkout, for `mlrtui import` and the console's import dialog.

The service checks the path, runs the importer with the caller's progress sink and stop
signal, and logs the summary (one line, then one per problem, capped).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from mlrtui.importer import CorpusError, ImportSummary, import_corpus, is_corpus
from mlrtui.kernel.errors import Fatal
from mlrtui.kernel.progress import ProgressSink

if TYPE_CHECKING:
    from mlrtui.store import Store

logger = logging.getLogger(__name__)
LOGGED_PROBLEMS = 500


def check_corpus(path: Path) -> Path:
    """The path, if it is an MLR-Bench checkout; else Fatal naming it."""
    if not is_corpus(path.expanduser()):
        raise Fatal(f"{path}: not an MLR-Bench checkout (needs tasks/ and agent_results/, "
                    "agent_reviews/ or human_eval/)")
    return path


class ImportService:
    def __init__(self, store: Store, *, progress: ProgressSink | None = None,
                 should_stop: Callable[[], bool] | None = None) -> None:
        self.store, self.progress, self.should_stop = store, progress, should_stop

    def run(self, path: Path) -> ImportSummary:
        """Import (or complete) the checkout at `path`; idempotent. Fatal for a bad path."""
        check_corpus(path)
        try:
            summary = import_corpus(self.store, path, progress=self.progress,
                                    should_stop=self.should_stop)
        except CorpusError as exc:
            raise Fatal(str(exc)) from None
        _log_summary(summary, path)
        return summary


def _log_summary(summary: ImportSummary, path: Path) -> None:
    """One line for the import and one per problem (the first LOGGED_PROBLEMS) in the log."""
    logger.info("import #%s of %s: %d rows added, %d problem(s), %.1fs", summary.import_id,
                path, summary.added, len(summary.problems), summary.elapsed_s)
    lines = summary.problem_lines()
    for line in lines[:LOGGED_PROBLEMS]:
        logger.warning("import problem: %s", line)
    if len(lines) > LOGGED_PROBLEMS:
        logger.warning("import: %d more problem(s) not logged", len(lines) - LOGGED_PROBLEMS)
