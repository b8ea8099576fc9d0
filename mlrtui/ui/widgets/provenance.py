"""A document with every reported number coloured by its provenance verdict, and a claim cursor.

Traced numbers are green, derived cyan, contradicted red, untraced orange; the selected claim is
shown reversed and scrolled into view. The widget only draws what it is given (the document's
text and its stored claims); the screen asks the service and opens the evidence.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

STYLES = {"traced": "bold green", "derived": "bold cyan", "contradicted": "bold red",
          "untraced": "bold dark_orange"}


def legend() -> Text:
    out = Text()
    for status, style in STYLES.items():
        out.append(" ● ", style=style).append(status)
    return out


def render(text: str, claims: list[dict[str, Any]], selected: int | None) -> Text:
    """The document with each claim's value styled; claims carry 1-based `line` and `value`."""
    lines = text.splitlines()
    spans: dict[int, list[tuple[int, int, str]]] = {}
    for i, c in enumerate(claims):
        if not 0 < c["line"] <= len(lines):
            continue
        line, used = lines[c["line"] - 1], spans.setdefault(c["line"], [])
        at = line.find(c["value"])
        while at >= 0 and any(s <= at < e for s, e, _ in used):
            at = line.find(c["value"], at + 1)
        if at < 0:
            continue
        style = STYLES.get(c["status"], "")
        if i == selected:
            style += " reverse"
        used.append((at, at + len(c["value"]), style))
    out = Text(no_wrap=False)
    for n, line in enumerate(lines, start=1):
        row = Text(f"{n:4} │ ", style="dim")
        row.append(line)
        for start, end, style in spans.get(n, []):
            row.stylize(style, 7 + start, 7 + end)
        out.append_text(row)
        out.append("\n")
    return out


class ProvenanceDoc(VerticalScroll, can_focus=True):
    """One document's text with coloured numbers; `select(i)` moves the claim cursor."""

    DEFAULT_CSS = """
    ProvenanceDoc { height: 1fr; border: round $primary-darken-2; padding: 0 1; }
    ProvenanceDoc:focus { border: round $accent; }
    """

    class Selected(Message):
        """The claim under the cursor changed."""

        def __init__(self, index: int | None) -> None:
            super().__init__()
            self.index = index

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.text = ""
        self.claims: list[dict[str, Any]] = []
        self.index: int | None = None

    def compose(self):
        yield Static(id="prov-text")

    def show(self, name: str, text: str, claims: list[dict[str, Any]]) -> None:
        self.border_title = name
        self.text, self.claims = text, claims
        self.index = 0 if claims else None
        self._draw()
        self.post_message(self.Selected(self.index))

    def select(self, index: int) -> None:
        if not self.claims:
            return
        self.index = index % len(self.claims)
        self._draw()
        line = self.claims[self.index]["line"]
        self.scroll_to(y=max(0, line - 1 - self.size.height // 3), animate=False)
        self.post_message(self.Selected(self.index))

    def step(self, delta: int, only: tuple[str, ...] = ()) -> None:
        """Move to the next (delta 1) or previous (-1) claim, of the given statuses if any."""
        if not self.claims:
            return
        i = self.index or 0
        for _ in range(len(self.claims)):
            i = (i + delta) % len(self.claims)
            if not only or self.claims[i]["status"] in only:
                self.select(i)
                return

    @property
    def current(self) -> dict[str, Any] | None:
        return self.claims[self.index] if self.index is not None else None

    def _draw(self) -> None:
        self.query_one("#prov-text", Static).update(render(self.text, self.claims, self.index))
