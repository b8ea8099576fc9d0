"""The Flags mode: hallucination flags from every run as a review queue, each one's evidence in
the flagged text, confirm / dismiss with a note, and each judge's precision from those decisions.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Label, Static, TextArea
from textual.widgets.text_area import Selection

from mlrtui.judge.flags import (
    Flag,
    FlagError,
    Status,
    decide,
    evidence_context,
    get_flag,
    list_flags,
    precision,
)
from mlrtui.ui import bigtext
from mlrtui.ui.modals.note import NoteScreen
from mlrtui.ui.screens.base import AppScreen
from mlrtui.ui.widgets.flagviews import FlagFilterBar, FlagTable, PrecisionTable, type_label

VERBS = {"confirmed": "Confirm", "dismissed": "Dismiss", "open": "Reopen"}
DECIDE_BINDINGS: list[BindingType] = [
    Binding("c", "decide('confirmed')", "Confirm", id="flags.confirm",
            tooltip="Confirm the flag: the judge was right (asks for a note)"),
    Binding("d", "decide('dismissed')", "Dismiss", id="flags.dismiss",
            tooltip="Dismiss the flag: a false alarm (asks for a note)"),
    Binding("o", "decide('open')", "Reopen", id="flags.reopen",
            tooltip="Put a decided flag back in the queue"),
]

JUDGE_TCSS = Path(__file__).parents[1] / "judge.tcss"   # absolute: subclasses work


def flag_text(f: Flag) -> str:
    """Markup: the flag's description, evidence and decision."""
    lines = [(f"[b]flag {f.id}[/b] · {type_label(f.type)} · [b]{f.status}[/b] · raised by "
              f"{escape(f.source)} on {escape(f.task_id or '?')} / "
              f"{escape(f.target_model or '?')} "
              + (f"({f.stage or '?'} version {f.version_id})" if f.linked
                 else "([b]unlinked[/b]: the flagged version is missing)")),
             f"[b]description[/b] {escape(f.description) or '–'}",
             f"[b]evidence[/b] {escape(f.evidence) or '–'}"]
    if f.note or f.decided_at:
        lines.append(f"[b]note[/b] {escape(f.note or '–')} · decided {f.decided_at or '–'}")
    return "\n".join(lines)


def ask_and_decide(screen: AppScreen, flag: Flag, status: Status) -> None:
    """The note modal, then the decision; the store is the only state, every screen reloads."""
    verb = VERBS[status]

    def done(note: str | None) -> None:
        if note is None:
            return
        try:
            decide(screen.store, flag.id, status, note)
        except FlagError as exc:
            screen.notify(str(exc), severity="error")
            return
        screen.notify(f"Flag {flag.id}: {status}")
        screen.mlr.data_changed()

    screen.app.push_screen(NoteScreen(f"{verb} flag {flag.id} ({type_label(flag.type)})",
                                      verb, flag.note or ""), done)


def can_decide(flag: Flag | None, status: str) -> bool:
    """An unlinked flag (its version is missing) can only stay open."""
    return flag is not None and flag.status != status and (flag.linked or status == "open")


class FlagsScreen(AppScreen):
    CSS_PATH = JUDGE_TCSS
    MODE_TITLE = "Flags"
    MODE_HELP = "Hallucination flags across runs: review, confirm or dismiss"
    HELP = """\
### Flags
Every hallucination finding of a judge becomes a flag on the version it judged. Open flags
come first; filter by type, status and run with the selects (`f`, then `tab`).
`enter` opens the evidence inside the flagged text. `c` confirms (the judge was right), `d`
dismisses (a false alarm), `o` reopens; each asks for a note, kept with the decision.
The table at the bottom is each judge's precision: confirmed / (confirmed + dismissed).
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="flags.back", tooltip="Back to the tasks"),
        Binding("f", "filters", "Filters", id="flags.filters",
                tooltip="Focus the type filter; tab moves on to status and run"),
        *DECIDE_BINDINGS,
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield FlagFilterBar(self._runs(), id="flag-filters")
        yield FlagTable(id="flag-table")
        yield Static("", id="flag-detail")
        yield Label("Judge precision on flags (confirmed / decided)", classes="section-title")
        yield PrecisionTable(id="flag-precision")
        yield Footer()

    def on_mount(self) -> None:
        self.load()
        self.query_one(FlagTable).focus()

    def _runs(self) -> list[tuple[str, int]]:
        seen: dict[int, str] = {}
        for f in list_flags(self.store):
            if f.run_id is not None and f.run_id not in seen:
                seen[f.run_id] = f"run {f.run_id} · {f.task_id} · {f.target_model}"
        return [(label, run) for run, label in sorted(seen.items())]

    def load(self) -> None:
        bar = self.query_one(FlagFilterBar)
        flags = list_flags(self.store, bar.filter)
        self.query_one(FlagTable).show(flags)
        bar.set_count(len(flags))
        self.query_one(PrecisionTable).show(precision(self.store))
        self._detail()
        self.refresh_bindings()

    def refresh_data(self) -> None:
        self.query_one(FlagFilterBar).set_runs(self._runs())
        self.load()

    def _detail(self) -> None:
        flag = self.query_one(FlagTable).current
        self.query_one("#flag-detail", Static).update(
            flag_text(flag) if flag else "No flag matches the filters.")

    def on_flag_filter_bar_changed(self) -> None:
        self.load()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail()
        self.refresh_bindings()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        flag = self.query_one(FlagTable).current
        if flag is not None:
            self.app.push_screen(FlagEvidenceScreen(flag.id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "decide" and not can_decide(self.query_one(FlagTable).current,
                                                 str(parameters[0])):
            return None
        return True

    def action_back(self) -> None:
        self.mlr.go_to("tasks")

    def action_filters(self) -> None:
        self.set_focus(self.query_one("#flag-type"))

    def action_decide(self, status: Status) -> None:
        flag = self.query_one(FlagTable).current
        if flag is not None:
            ask_and_decide(self, flag, status)


class FlagEvidenceScreen(AppScreen):
    """One flag: the flagged version's text with the evidence selected and scrolled to."""

    CSS_PATH = JUDGE_TCSS
    HELP = """\
### Flag evidence
The flagged version's full text; the quoted evidence is selected (when it was found in the
text). `c` confirms, `d` dismisses, `o` reopens the flag, each with a note. `escape` goes back.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="evidence.back",
                tooltip="Back to the flags"),
        *DECIDE_BINDINGS,
    ]

    def __init__(self, flag_id: int) -> None:
        super().__init__()
        self.flag_id = flag_id
        self.flag = get_flag(self.store, flag_id)
        self.where = evidence_context(self.store, flag_id)
        # A big version shows only a window around the evidence: a TextArea of 50 MB freezes.
        w = self.where
        self.ev_text, self.ev_from, self.ev_notice = bigtext.window(
            w.text, w.start or 0, w.end or 0)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(flag_text(self.flag), id="evidence-meta")
        found = self.where.where
        notice = f" · {self.ev_notice}" if self.ev_notice else ""
        yield Label(f"{self.flag.stage or 'version'} #{self.flag.version_id} · {found}{notice}",
                    id="evidence-where", classes="section-title")
        yield TextArea(self.ev_text, read_only=True, soft_wrap=True,
                       show_line_numbers=True, id="evidence-text")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"flag {self.flag_id}"
        area = self.query_one("#evidence-text", TextArea)
        area.focus()
        w = self.where
        if w.start is not None and w.end is not None:
            area.selection = Selection(self._location(w.start - self.ev_from),
                                       self._location(w.end - self.ev_from))
            self.call_after_refresh(area.scroll_cursor_visible, center=True)

    def _location(self, index: int) -> tuple[int, int]:
        text = self.ev_text
        row = text.count("\n", 0, index)
        return row, index - (text.rfind("\n", 0, index) + 1)

    def refresh_data(self) -> None:
        self.flag = get_flag(self.store, self.flag_id)
        self.query_one("#evidence-meta", Static).update(flag_text(self.flag))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "decide" and not can_decide(self.flag, str(parameters[0])):
            return None
        return True

    def action_decide(self, status: Status) -> None:
        ask_and_decide(self, self.flag, status)

