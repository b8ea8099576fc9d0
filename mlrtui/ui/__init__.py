"""The Textual console: the only package that imports textual."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

# Work the first screen can show without (the whole settings: pydantic, ~0.1 s of cpu; the
# Tasks screen's facet pickers, ~40 ms) starts this long after Textual's start-up is over
# (the App's Ready), so the first frame is drawn and handed to the terminal first. Started
# from on_mount instead, it ran inside Textual's start-up batch (whose frames are never shown)
# and delayed the first frame; started at once after it, it held the GIL while Textual's
# writer thread was still writing that frame. Headless (tests, pilots): after the refresh.
AFTER_FIRST_FRAME_S = 0.1


def after_first_frame(node: MessagePump, callback: Callable[[], object]) -> None:
    """Run `callback` once the first frame is on the terminal (headless: after the refresh).
    The mlrtui App holds callbacks until its Ready (`MlrtuiApp.after_ready`)."""
    app = node.app
    after_ready = getattr(app, "after_ready", None)
    if app.is_headless:
        node.call_after_refresh(callback)
    elif after_ready is None:
        node.set_timer(AFTER_FIRST_FRAME_S, callback)
    else:
        after_ready(node, callback)
