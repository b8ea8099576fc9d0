"""The Models mode: every configured model, whether it can be called now and why not, and a
test call that shows its reply, tokens, latency and cost (and lands in the ledger).

Keys are never shown: only the name of the variable that holds one, and whether it is set.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header
from textual.worker import Worker, WorkerState

from mlrtui.services.models import ModelInfo, ProbeResult, model_infos, probe_model
from mlrtui.ui.modals.error import describe
from mlrtui.ui.screens.base import AppScreen
from mlrtui.ui.widgets.keytable import KeyTable
from mlrtui.ui.widgets.model_detail import ModelDetail


class ModelTable(KeyTable):
    """The models list; `enter` tests the highlighted model."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Test", id="models.enter", show=False,
                tooltip="Make one small test call to the highlighted model"),
    ]


def _cells(info: ModelInfo) -> tuple[Text, ...]:
    """Two-line cells: what the model is, where it runs, and whether it can be called."""
    if info.available:
        status = Text.assemble(("✓ available", "green"), "\n",
                               (f"key {info.key_env}" if info.key_env else "no key needed",
                                "dim"))
    else:
        status = Text.assemble(("✗ unavailable", "red"), "\n", info.short_reason)
    price = Text(info.price, style="yellow" if info.price == "unpriced" else "")
    return (Text.assemble((info.name, "bold"), "\n", (info.model, "dim")),
            Text.assemble(info.provider, "\n", (info.endpoint, "dim")),
            status,
            price,
            Text(f"{info.max_tokens} max tokens\n{info.concurrency} at once"),
            Text("on" if info.cache else "off", style="" if info.cache else "dim"))


class ModelsScreen(AppScreen):
    CSS_PATH = Path(__file__).parents[1] / "costs.tcss"   # loaded with the screen
    MODE_TITLE = "Models"
    MODE_HELP = "Configured models: which can be called now and why not; test one"
    HELP = """\
### Models
Every model in the registry (the defaults plus `[models.<name>]` in config.toml). A model is
*unavailable* when the environment variable named for its key is not set (or, for the
embedded model, when llama-cpp-python or its model file is missing); the reason says which.
Keys are read from the environment only and never shown.
`t` (or `enter`) makes one small test call to the highlighted model and shows its reply,
tokens, latency and cost, or "unpriced" when no price is known. The call is recorded in the
ledger (Costs screen) with purpose *test*.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "test", "Test", id="models.test",
                tooltip="Make one small test call to the highlighted model"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.infos: dict[str, ModelInfo] = {}
        self.results: dict[str, ProbeResult] = {}
        self.testing: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Header()
        yield ModelTable(id="models-table")
        yield ModelDetail(id="model-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Models"
        table = self.query_one(ModelTable)
        for label in ("model", "provider", "status", "price", "limits", "cache"):
            table.add_column(label, key=label)
        self.load()
        table.focus()

    def load(self) -> None:
        """(Re)fill the table from the settings, keeping the cursor on the same model."""
        table = self.query_one(ModelTable)
        keep = table.current_key
        self.infos = {info.name: info for info in model_infos(self.settings)}
        table.clear()
        for info in self.infos.values():
            table.add_row(*_cells(info), height=2, key=info.name)
        if keep:
            table.move_to_key(keep)
        self._show()

    def refresh_data(self) -> None:
        self.load()

    @property
    def current(self) -> ModelInfo | None:
        return self.infos.get(self.query_one(ModelTable).current_key or "")

    def _show(self) -> None:
        info = self.current
        name = info.name if info else ""
        self.query_one(ModelDetail).show(info, self.results.get(name), name in self.testing)
        self.refresh_bindings()

    def show_result(self, result: ProbeResult) -> None:
        """Keep a model's latest test outcome and show it if that model is highlighted."""
        self.results[result.name] = result
        self._show()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_test()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "test":
            info = self.current
            if info is None or not info.available or info.name in self.testing:
                return None
        return True

    def action_test(self) -> None:
        info = self.current
        if info is None:
            return
        if not info.available:
            self.notify(f"{info.name} is unavailable: {info.reason}", severity="warning")
            return
        if info.name in self.testing:
            return
        self.testing.add(info.name)
        self._show()
        self.run_worker(probe_model(self.store, self.settings, info.name), name=info.name,
                        group="model-test", description=f"Test {info.name}",
                        exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A test ended: show its outcome (a provider bug too, as one line)."""
        worker = event.worker
        if worker.group != "model-test" or event.state not in (
                WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        self.testing.discard(worker.name)
        if event.state == WorkerState.CANCELLED:
            self._show()
            return
        result = worker.result if event.state == WorkerState.SUCCESS else ProbeResult(
            worker.name, ok=False, error=" ".join(describe(worker.error).split()))
        self.show_result(result)
        if not result.ok:
            self.notify(f"{worker.name}: {result.error}", title="Test failed", severity="error")
        self.mlr.data_changed()        # a new ledger row for the Costs screen
