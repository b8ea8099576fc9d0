"""The Flags screen's parts: the filter bar, the queue table, and judge precision."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Label, Select, Static

from mlrtui.judge.flags import STATUSES, Flag, FlagFilter, JudgePrecision
from mlrtui.judge.reply import FLAG_TYPES
from mlrtui.scores.hallucination import HallucinationReport
from mlrtui.ui.widgets.keytable import KeyTable
from mlrtui.ui.widgets.scoretable import short

TYPE_LABELS = {"nonexistent_citation": "citation", "hallucinated_methodology": "methodology",
               "math_error": "math error", "faked_results": "faked results", "other": "other"}


def type_label(kind: str) -> str:
    return TYPE_LABELS.get(kind, kind.replace("_", " "))


def one_line(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


class FlagFilterBar(Horizontal):
    DEFAULT_CSS = """
    FlagFilterBar { height: 3; }
    FlagFilterBar Select { width: 26; }
    FlagFilterBar #flag-run { width: 44; }
    FlagFilterBar #flag-count { width: 1fr; padding: 1 1 0 1; color: $text-muted; }
    """

    class Changed(Message):
        def __init__(self, flt: FlagFilter) -> None:
            super().__init__()
            self.filter = flt

    def __init__(self, runs: list[tuple[str, int]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.runs = runs

    def compose(self) -> ComposeResult:
        yield Select([(type_label(t), t) for t in FLAG_TYPES], prompt="any type",
                     id="flag-type", tooltip="Only flags of this hallucination type")
        yield Select([(s, s) for s in STATUSES], prompt="any status", value="open",
                     id="flag-status", tooltip="Open flags wait for a decision")
        yield Select(self.runs, prompt="any run", id="flag-run",
                     tooltip="Only flags raised on this run")
        yield Label("", id="flag-count")

    def set_runs(self, runs: list[tuple[str, int]]) -> None:
        select = self.query_one("#flag-run", Select)
        value = select.value
        select.set_options(runs)
        if any(v == value for _, v in runs):
            select.value = value

    @property
    def filter(self) -> FlagFilter:
        def value(name: str) -> Any:
            v = self.query_one(f"#flag-{name}", Select).value
            return None if v is Select.NULL else v

        return FlagFilter(type=value("type"), status=value("status"), run_id=value("run"))

    def set_count(self, shown: int) -> None:
        self.query_one("#flag-count", Label).update(f"{shown} flag(s)")

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self.filter))


FLAG_COLUMNS = [("flag", 4), ("status", 9), ("type", 13), ("task", 22), ("model", 14),
                ("run", 4), ("judge", 14), ("description", 22)]


class FlagTable(KeyTable):
    """The queue: rows keyed by flag id, open flags first."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.flags: dict[str, Flag] = {}

    def show(self, flags: list[Flag]) -> None:
        if not self.columns:      # fixed widths: refills never re-measure
            for label, width in FLAG_COLUMNS:
                self.add_column(label, key=label, width=width)
        keep = self.current_key
        self.flags = {str(f.id): f for f in flags}
        self.clear()
        theme = self.app.current_theme
        colours = {"open": theme.warning or "yellow", "confirmed": theme.error or "red",
                   "dismissed": "dim"}
        for f in flags:
            status = f.status if f.linked else f"{f.status}·unlinked"
            self.add_row(str(f.id), Text(status, style=colours.get(f.status, "")),
                         type_label(f.type), Text(short(f.task_id or "–", 22)),
                         Text(short(f.target_model or "–", 14)), str(f.run_id or "–"),
                         Text(short(f.source, 14)), Text(one_line(f.description, 22)),
                         key=str(f.id))
        if keep:
            self.move_to_key(keep)

    @property
    def current(self) -> Flag | None:
        key = self.current_key
        return self.flags.get(key) if key else None


class PrecisionTable(DataTable):
    """Per judge: flags raised, decisions, and precision = confirmed / decided."""

    DEFAULT_CSS = """
    PrecisionTable { height: auto; max-height: 8; }
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cursor_type", "none")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)

    def show(self, rows: list[JudgePrecision]) -> None:
        if not self.columns:
            for label in ("judge", "flags", "confirmed", "dismissed", "open", "precision"):
                self.add_column(label, key=label)
        self.clear()
        for r in rows:
            self.add_row(Text(r.source), *(Text(str(n), justify="right") for n in
                                           (r.flags, r.confirmed, r.dismissed, r.open)),
                         Text("–" if r.precision is None else f"{r.precision:.2f}",
                              justify="right"), key=r.source)


class HallucinationView(Vertical):
    """Judges vs humans on hallucination: per run and type the human label beside each judge's
    verdict, then agreement per type (counts and Cohen's kappa, 'undefined' where it is)."""

    DEFAULT_CSS = """
    HallucinationView { height: 1fr; }
    HallucinationView #hallu-rows { height: 1fr; }
    HallucinationView #hallu-agree { height: auto; max-height: 12; }
    HallucinationView #hallu-rates { height: auto; color: $text-muted; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield Label("", id="hallu-title", classes="section-title")
        yield DataTable(id="hallu-rows", cursor_type="row", zebra_stripes=True)
        yield Label("Agreement with the human labels per type", classes="section-title")
        yield DataTable(id="hallu-agree", cursor_type="none", zebra_stripes=True)
        yield Static("", id="hallu-rates")

    def show(self, rep: HallucinationReport) -> None:
        self.query_one("#hallu-title", Label).update(
            f"Hallucination: {len({(r.system, r.task_id) for r in rep.rows})} run(s), "
            f"{rep.labels} human label(s) ({rep.unlinked_labels} on runs not in the database), "
            f"{len(rep.judges)} judge(s)")
        rows = self.query_one("#hallu-rows", DataTable)
        rows.clear(columns=True)
        rows.add_columns("task", "system", "type", "human", *[short(j, 16) for j in rep.judges])
        for n, r in enumerate(rep.rows):
            rows.add_row(Text(r.task_id or "–"), Text(short(r.system, 16)), type_label(r.type),
                         Text((r.human or "–").replace("_", " ")),
                         *[Text(r.judges[j] or "–") for j in rep.judges], key=str(n))
        agree = self.query_one("#hallu-agree", DataTable)
        agree.clear(columns=True)
        agree.add_columns("type", "judge", "n", "yes/yes", "yes/no", "no/yes", "no/no",
                          "not sure", "agree", "kappa")
        for a in rep.agreement:
            agree.add_row(type_label(a.type), Text(short(a.judge, 18)),
                          *(Text(str(v), justify="right") for v in
                            (a.n, a.both_yes, a.human_yes_judge_no, a.human_no_judge_yes,
                             a.both_no, a.not_sure)),
                          Text("–" if a.agreement is None else f"{a.agreement:.2f}"),
                          Text("undefined" if a.kappa is None else f"{a.kappa:.2f}"))
        notes = sorted({a.kappa_note for a in rep.agreement if a.kappa_note})
        rates = " · ".join(f"{r.judge} flagged {r.flagged} of the {r.reviewed} papers it checked"
                           for r in rep.rates)
        self.query_one("#hallu-rates", Static).update(Text(
            "Columns yes/no: human label / judge verdict; 'not sure' labels are left out. "
            + " ".join(f"Kappa {n}." for n in notes) + (f"\n{rates}" if rates else "")))
