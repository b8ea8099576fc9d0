"""Importing a corpus from the console: a thin adapter over `ImportService`, in a thread.

Stop asks the importer to stop after the current unit (what is imported stays); the summary
dialog opens when the job ends.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from mlrtui.services.importing import ImportService
from mlrtui.ui.jobs import Job

if TYPE_CHECKING:
    from textual.screen import Screen

    from mlrtui.importer import ImportSummary
    from mlrtui.ui.app import MlrtuiApp


class ImportJob(Job):
    kind = "import"

    def __init__(self, path: Path) -> None:
        super().__init__(f"Import {path}", key=str(path))
        self.path = path
        self.stop = threading.Event()
        self.summary: ImportSummary | None = None

    async def work(self, app: MlrtuiApp) -> None:
        service = ImportService(app.store, progress=self, should_stop=self.stop.is_set)
        self.summary = await asyncio.to_thread(service.run, self.path)

    def cancel(self) -> None:
        """Stop after the current unit; the job ends with what was imported."""
        self.stop.set()
        self.changed()

    def end_notice(self) -> tuple[str, str] | None:
        return None                                  # the summary dialog says it all

    def end_screen(self) -> Screen | None:
        from mlrtui.ui.modals.importing import ImportSummaryScreen

        return ImportSummaryScreen(self.summary) if self.summary is not None else None

    def error_title(self) -> str:
        return "The import failed"
