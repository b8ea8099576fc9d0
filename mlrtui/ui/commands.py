"""Command palette entries: a "Go to" per mode, app-wide actions, and the current screen's keys.

Screen actions come from the live bindings (only those with an id, i.e. ours), so a new screen's
keys appear in the palette without registering anything, and dimmed actions are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.screen import Screen

if TYPE_CHECKING:
    from mlrtui.ui.app import MlrtuiApp


def mode_commands(app: MlrtuiApp) -> Iterable[SystemCommand]:
    for name, screen_cls in app.MODES.items():
        title = getattr(screen_cls, "MODE_TITLE", "") or name.title()
        help_text = getattr(screen_cls, "MODE_HELP", "") or f"Switch to the {title} screen"
        yield SystemCommand(f"Go to {title}", help_text, partial(app.go_to, name))


def app_commands(app: MlrtuiApp) -> Iterable[SystemCommand]:
    yield SystemCommand("Import MLR-Bench corpus…",
                        "Load tasks, model outputs, judge reviews and human scores from a "
                        "checkout of the MLR-Bench release", app.action_import_corpus)
    yield SystemCommand("Help", "Keys and a short guide for this screen (f1)", app.action_help)


def screen_commands(app: MlrtuiApp, screen: Screen) -> Iterable[SystemCommand]:
    seen: set[str] = set()
    where = getattr(screen, "MODE_TITLE", "") or screen.sub_title or "Here"
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.id or not active.enabled or binding.id in seen or active.node is app:
            continue
        seen.add(binding.id)
        key = app.get_key_display(binding)
        yield SystemCommand(f"{where}: {binding.description or binding.tooltip} ({key})",
                            binding.tooltip or binding.description,
                            partial(app.run_action, binding.action, active.node),
                            discover=True)


# Textual's own entries that one of ours already covers: "Keys" is what our "Help" (f1) shows.
COVERED = frozenset({"Keys"})


def builtin(commands: Iterable[SystemCommand]) -> Iterable[SystemCommand]:
    """Textual's built-in palette entries, less those one of ours covers (one "Help", no
    "Keys" beside it). App.get_system_commands: `yield from builtin(super()...)`."""
    return (c for c in commands if c.title not in COVERED)


def palette(app: MlrtuiApp, screen: Screen) -> Iterable[SystemCommand]:
    yield from mode_commands(app)
    yield from app_commands(app)
    yield from screen_commands(app, screen)
