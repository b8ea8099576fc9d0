"""The mlrtui console: modes, app-wide keys, the command palette and the corpus import worker.

A new top-level area is one line in `MODES`: a `LazyMode("module:ScreenClass", title, help)`
(imported on first use, keeping start-up fast) or a screen class with MODE_TITLE / MODE_HELP.
Its "Go to" palette entry and its keys in the palette and in f1 help come for free.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.message_pump import MessagePump
from textual.reactive import reactive
from textual.screen import Screen

from mlrtui import paths
from mlrtui.kernel.errors import Fatal
from mlrtui.services.session import DeferredSettings
from mlrtui.store import Store
from mlrtui.ui import AFTER_FIRST_FRAME_S, after_first_frame, commands
from mlrtui.ui.jobs import JobRegistry
from mlrtui.ui.screens.base import LazyMode
from mlrtui.ui.screens.tasks import TasksScreen

if TYPE_CHECKING:
    from mlrtui.config import Settings
    from mlrtui.services.session import Context
    from mlrtui.ui.jobs.importing import ImportJob

# Screens other than the first one are imported when first opened: the task table must be on
# screen in well under a second, and every module imported before it delays it.


def default_corpus_path() -> str:
    """../shared/mlrbench next to the working directory or the project, if it exists."""
    for base in (Path.cwd(), paths.PROJECT_ROOT):
        candidate = (base / ".." / "shared" / "mlrbench").resolve()
        if (candidate / "tasks").is_dir():
            return str(candidate)
    return ""


class MlrtuiApp(App[int]):
    CSS_PATH = Path(__file__).with_name("app.tcss")   # absolute: subclasses elsewhere work
    TITLE = "mlrtui"
    MODES: ClassVar[dict[str, type[Screen] | LazyMode]] = {
        "tasks": TasksScreen,
        "models": LazyMode("mlrtui.ui.screens.models:ModelsScreen", "Models",
                           "Configured models: which can be called now and why not; test one"),
        "costs": LazyMode("mlrtui.ui.screens.costs:CostsScreen", "Costs",
                          "LLM spending: the ledger, totals, budgets, spend per day; re-price"),
        "judges": LazyMode("mlrtui.ui.screens.judge:JudgePanel", "Judges",
                           "Run rubric judges on a stage of runs and compare their scores"),
        "flags": LazyMode("mlrtui.ui.screens.flags:FlagsScreen", "Flags",
                          "Hallucination flags across runs: review, confirm or dismiss"),
        "review": LazyMode("mlrtui.ui.screens.review:BlindReviewScreen", "Blind review",
                           "Score outputs yourself on the judges' rubric, blind"),
        "runs": LazyMode("mlrtui.ui.screens.runs:RunsScreen", "Runs",
                         "Agent runs: each stage's state; open one to run, edit or diff stages"),
        "stats": LazyMode("mlrtui.ui.screens.stats:StatsScreen", "Stats",
                          "Leaderboards, score distributions, judge-vs-judge, human agreement"),
    }
    DEFAULT_MODE = "tasks"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", id="app.help", tooltip="Keys and a guide for this screen"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", tooltip="Quit mlrtui", priority=True),
    ]

    data_version: reactive[int] = reactive(0)
    """Bumped whenever the store changed under the screens (import, override): they reload."""

    def __init__(self, settings: Settings | DeferredSettings, store: Store, *,
                 corpus_path: str | None = None) -> None:
        super().__init__()
        self._settings = settings
        self.store = store
        self.corpus_path = default_corpus_path() if corpus_path is None else corpus_path
        self.jobs = JobRegistry(self)
        # (node, callback) waiting for the first frame (`ui.after_first_frame`); None after it
        self._after_start: list[tuple[MessagePump, Callable[[], object]]] | None = []

    @property
    def settings(self) -> Settings:
        """The whole settings; deferred ones (see `services.session`) are loaded on first use."""
        if isinstance(self._settings, DeferredSettings):
            self._settings = self._settings.load()
        return self._settings

    def on_mount(self) -> None:
        look = self._settings       # theme and keymap: known without loading deferred settings
        if look.keymap:
            self.set_keymap(look.keymap)
        if look.theme in self.available_themes:
            self.theme = look.theme
        else:
            self.notify(f"Unknown theme {look.theme!r}; using {self.theme}", severity="warning")
        if isinstance(self._settings, DeferredSettings):
            after_first_frame(self, self._load_settings)

    def after_ready(self, node: MessagePump, callback: Callable[[], object]) -> None:
        """Run `callback` (on `node`) shortly after Textual's start-up (see `ui.__init__`)."""
        if self._after_start is None:
            node.set_timer(AFTER_FIRST_FRAME_S, callback)
        else:
            self._after_start.append((node, callback))

    def on_ready(self) -> None:
        """Textual's start-up is over and the first frame is being drawn: start, shortly, what
        waited for it."""
        waiting, self._after_start = self._after_start or [], None
        for node, callback in waiting:
            node.set_timer(AFTER_FIRST_FRAME_S, callback)

    def _load_settings(self) -> None:
        """Just after the first frame: load deferred settings while the user reads the table.
        The config validated unchanged before, so this fails only if it changed since."""
        try:
            self.settings  # noqa: B018 - the property loads them
        except Fatal as exc:
            self.exit(return_code=2, message=f"mlrtui: {exc}")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from commands.palette(self, screen)
        yield from commands.builtin(super().get_system_commands(screen))

    # Navigation: other screens call these rather than constructing screens themselves.
    def go_to(self, mode: str) -> None:
        self.switch_mode(mode)

    def open_task(self, task_id: str) -> None:
        from mlrtui.ui.screens.task import TaskScreen

        self.push_screen(TaskScreen(task_id))

    def open_version(self, version_id: int) -> None:
        from mlrtui.ui.screens.viewer import ViewerScreen

        self.push_screen(ViewerScreen(version_id))

    def open_run(self, run_id: int, *, run_all: bool = False) -> None:
        from mlrtui.ui.screens.run import RunScreen

        self.push_screen(RunScreen(run_id, run_all=run_all))

    async def action_quit(self) -> None:
        """Quit; while jobs run, first ask, naming them (quitting cancels them)."""
        running = self.jobs.running()
        if not running:
            self.exit()
            return
        from mlrtui.ui.modals import ConfirmScreen

        names = "; ".join(job.status_line() for job in running)
        question = (f"{len(running)} job{'s' if len(running) != 1 else ''} still running: "
                    f"{names}. Quitting cancels {'them' if len(running) != 1 else 'it'} "
                    "(finished stages and reviews stay saved).")
        self.push_screen(ConfirmScreen(question, "Quit", "Keep running"),
                         lambda yes: self.exit() if yes else None)

    def data_changed(self) -> None:
        self.data_version += 1

    def action_help(self) -> None:
        from mlrtui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    # Corpus import: a job owned by the App, so it survives navigation.
    def action_import_corpus(self) -> None:
        from mlrtui.ui.modals.importing import ImportPathScreen

        if self.jobs.running("import"):
            self.notify("An import is already running.", severity="warning")
            return
        self.push_screen(ImportPathScreen(self.corpus_path),
                         lambda path: path is not None and self.start_import(path))

    def start_import(self, path: Path) -> ImportJob:
        from mlrtui.ui.jobs.importing import ImportJob
        from mlrtui.ui.modals.importing import ImportProgressScreen

        job = ImportJob(path)
        self.jobs.start(job)
        self.push_screen(ImportProgressScreen(job))
        return job


def make_app(settings: Settings | DeferredSettings, store: Store, *,
             corpus_path: str | None = None) -> MlrtuiApp:
    """The one factory: the CLI and the tests build the app the same way."""
    return MlrtuiApp(settings, store, corpus_path=corpus_path)


def run_app(ctx: Context) -> int:
    """Open the console on the context's settings and store (errors there exit before the TUI;
    opening the store also loads the example tasks on first start). A config that validated
    before unchanged is loaded after the first paint (`Context.console_settings`)."""
    app = make_app(ctx.console_settings(), ctx.store)
    app.run()
    return app.return_code or 0
