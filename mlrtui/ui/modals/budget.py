"""When a call would cross a run's or batch's budget: show the cap, what was spent and the
next call's worst case, and offer to raise the cap (persisted) or stop.

Use from a worker that caught BudgetExceeded:

    cap = await ask_to_raise(self.app, self.store, exc, budget)
    if cap is None: ...stop...   # else retry the call: the new cap is in the DB and `budget`
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from mlrtui.costs.budget import BudgetExceeded
from mlrtui.services.caps import raise_cap
from mlrtui.ui.modals.dialogs import FieldModal

if TYPE_CHECKING:
    from textual.app import App

    from mlrtui.costs.budget import Budget
    from mlrtui.store import Store


def suggested_cap(cap: float, spent: float, estimate: float) -> float:
    """Double the cap, and at least enough for the next call, rounded up to a cent."""
    needed = math.ceil((spent + estimate) * 100 - 1e-9) / 100
    return max(round(cap * 2, 2), needed, 0.01)


class BudgetExceededScreen(FieldModal[float | None]):
    """Dismisses with the new cap in USD, or None to stop."""

    CSS_PATH = Path(__file__).parents[1] / "costs.tcss"   # loaded with the screen

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Stop", id="budget.stop",
                tooltip="Keep the cap and stop before this call"),
    ]
    SUBMIT = "raise"

    def __init__(self, scope: str, cap: float, spent: float, estimate: float,
                 scope_id: int | None = None) -> None:
        super().__init__()
        self.scope, self.cap, self.spent, self.estimate, self.scope_id = (
            scope, cap, spent, estimate, scope_id)

    @classmethod
    def from_error(cls, exc: BudgetExceeded) -> BudgetExceededScreen:
        return cls(exc.scope, exc.cap, exc.spent, exc.estimate, exc.scope_id)

    @property
    def needed(self) -> float:
        return self.spent + self.estimate

    def compose(self) -> ComposeResult:
        name = f"{self.scope.title()} {self.scope_id}" if self.scope_id is not None \
            else self.scope.title()
        with Vertical(classes="dialog -warning", id="budget-dialog"):
            yield Label(f"{name} budget reached", classes="dialog-title")
            yield Static(
                f"Cap        ${self.cap:.2f}\n"
                f"Spent      ${self.spent:.4f}\n"
                f"Next call  up to ${self.estimate:.4f} (its input plus all of max tokens)\n\n"
                "The call was not made. Raise the cap to go on, or stop here.",
                id="budget-facts")
            yield Label("New cap in USD", id="budget-label")
            yield Input(f"{suggested_cap(self.cap, self.spent, self.estimate):.2f}",
                        type="number", id="budget-cap")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Raise cap", id="raise", variant="primary")
                yield Button("Stop", id="stop")

    def on_mount(self) -> None:
        self.query_one("#budget-cap", Input).focus()

    def submit(self) -> None:
        field = self.query_one("#budget-cap", Input)
        try:
            value = float(field.value.strip())
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < self.needed or value <= self.cap:
            field.add_class("-error")
            self.notify(f"Enter a cap above ${self.cap:.2f} and at least "
                        f"${self.needed:.4f}, enough for the next call", severity="error")
            return
        self.close(value)


async def ask_to_raise(app: App, store: Store, exc: BudgetExceeded,
                       budget: Budget | None = None) -> float | None:
    """From a worker: show the modal; on a raise, store the cap and update `budget`."""
    cap = await app.push_screen_wait(BudgetExceededScreen.from_error(exc))
    if cap is not None:
        raise_cap(store, exc, cap, budget)
    return cap
