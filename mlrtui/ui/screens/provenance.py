"""Result provenance of one run: the paper with each number coloured by its verdict, the selected
number's evidence beside it, and every evidence line (and decoy) one key away.

The check runs in a thread worker through the provenance service (the first time the screen
opens on a run never checked, or on `c`); its flags land in the Flags queue.
"""

from __future__ import annotations

import sqlite3
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Header, Static

from mlrtui.services import provenance as P
from mlrtui.ui.screens.base import AppScreen
from mlrtui.ui.widgets.provenance import STYLES, ProvenanceDoc, legend

PROBLEMS = ("contradicted", "untraced")


def _hits(title: str, hits: list[dict[str, Any]]) -> Text:
    out = Text(f"{title}\n", style="bold")
    for h in hits:
        out.append(f"  {h['name']}:{h['line']}", style="bold")
        out.append(f"  [{h['origin']}]\n", style="dim")
        out.append(f"    {h['snippet']}\n")
    return out


def evidence_text(c: dict[str, Any]) -> Text:
    """What backs (or contradicts) one claim, for the side panel and the evidence modal."""
    out = Text()
    out.append(f"{c['value']}", style=STYLES.get(c["status"], ""))
    out.append(f"  {c['status']}" + (f" ({c['rule']})" if c["rule"] else "")
               + (", weak: only files of unknown origin" if c["weak"] else "") + "\n")
    out.append(f"{c['doc']}:{c['line']}\n", style="dim")
    if c.get("derivation"):
        out.append(f"derived: {c['derivation']}\n")
    if c.get("contradicting"):
        out.append_text(_hits("contradicted by", [c["contradicting"]]))
    if c["evidence"]:
        out.append_text(_hits("evidence", c["evidence"]))
    if c["decoys"]:
        out.append_text(_hits("decoys (typed text, not evidence)", c["decoys"]))
    if c["status"] == "untraced" and not c["decoys"]:
        out.append("No output of code that ran holds this number.\n")
    return out


class EvidenceScreen(ModalScreen[None]):
    """Every evidence line, contradiction and decoy of one claim."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,q", "dismiss", "Close", id="evidence.close", tooltip="Close")]
    DEFAULT_CSS = """
    EvidenceScreen { align: center middle; }
    EvidenceScreen > VerticalScroll { width: 90%; height: 80%; border: thick $accent;
                                      background: $surface; padding: 1 2; }
    """

    def __init__(self, claim: dict[str, Any]) -> None:
        super().__init__()
        self.claim = claim

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = "Evidence"
            yield Static(Text(self.claim["text"].strip() + "\n\n", style="italic"))
            yield Static(evidence_text(self.claim), id="evidence-body")


class ProvenanceScreen(AppScreen):
    HELP = """\
### Result provenance
Every number the run's write-up and paper report, coloured by its verdict: traced to output of
code that ran (green), derived from traced numbers (cyan), contradicted by executed output (red),
untraced (orange). `n`/`p` move between numbers, `u` jumps to the next contradicted or untraced
one, `enter` lists its evidence, `d` switches document, `c` checks the run again.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="prov.back", tooltip="Back"),
        Binding("n", "step(1)", "Next", id="prov.next", tooltip="The next number"),
        Binding("p", "step(-1)", "Prev", id="prov.prev", tooltip="The previous number"),
        Binding("u", "problem", "Next problem", id="prov.problem",
                tooltip="The next contradicted or untraced number"),
        Binding("enter", "evidence", "Evidence", id="prov.evidence",
                tooltip="Every evidence line and decoy of the selected number"),
        Binding("d", "document", "Document", id="prov.doc",
                tooltip="Show the next checked document (paper, results)"),
        Binding("c", "check", "Check again", id="prov.check",
                tooltip="Check the run again (its provenance flags are replaced)"),
    ]
    DEFAULT_CSS = """
    #prov-head { height: auto; padding: 0 1; }
    #prov-body { height: 1fr; }
    #prov-side { width: 48; border: round $primary-darken-2; padding: 0 1; }
    """

    def __init__(self, run_id: int) -> None:
        super().__init__()
        self.run_id = run_id
        self.docs: list[P.DocView] = []
        self.doc = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="prov-head")
        with Horizontal(id="prov-body"):
            yield ProvenanceDoc(id="prov-doc")
            with VerticalScroll(id="prov-side"):
                yield Static("", id="prov-detail")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = f"run {self.run_id} · provenance"
        if P.last_check(self.store, self.run_id) is None:
            self.action_check()
        else:
            self.load()

    def load(self) -> None:
        figs = P.last_check(self.store, self.run_id)
        self.docs = P.documents(self.store, self.run_id)
        head = self.query_one("#prov-head", Static)
        if figs is None:
            head.update("Not checked yet.")
            return
        fig = "-" if figs.figure is None else f"{figs.figure:.0%}"
        line = Text(f"Run {self.run_id}: {figs.claims} numbers · {figs.traced} traced · "
                    f"{figs.derived} derived · {figs.contradicted} contradicted · "
                    f"{figs.untraced} untraced · {len(figs.findings)} findings · backed {fig}"
                    f" · evidence from {figs.evidence_source}\n")
        head.update(line.append_text(legend()))
        self.doc = min(self.doc, max(0, len(self.docs) - 1))
        self._show_doc()
        self.query_one(ProvenanceDoc).focus()

    def _show_doc(self) -> None:
        pane = self.query_one(ProvenanceDoc)
        if not self.docs:
            pane.show("no checked document", "", [])
            return
        d = self.docs[self.doc]
        pane.show(d.name, d.text, d.claims)

    def on_provenance_doc_selected(self, event: ProvenanceDoc.Selected) -> None:
        claim = self.query_one(ProvenanceDoc).current
        detail = self.query_one("#prov-detail", Static)
        detail.update(evidence_text(claim) if claim else "This document reports no numbers.")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("step", "problem", "evidence") and self.is_mounted:
            return True if self.query_one(ProvenanceDoc).current is not None else None
        if action == "document":
            return True if len(self.docs) > 1 else None
        return True

    def action_step(self, delta: int) -> None:
        self.query_one(ProvenanceDoc).step(delta)

    def action_problem(self) -> None:
        self.query_one(ProvenanceDoc).step(1, PROBLEMS)

    def action_evidence(self) -> None:
        claim = self.query_one(ProvenanceDoc).current
        if claim is not None:
            self.app.push_screen(EvidenceScreen(claim))

    def action_document(self) -> None:
        if self.docs:
            self.doc = (self.doc + 1) % len(self.docs)
            self._show_doc()

    @work(thread=True, group="provenance", exclusive=True, exit_on_error=False,
          description="Check result provenance")
    def action_check(self) -> None:
        self.app.call_from_thread(self.query_one("#prov-head", Static).update,
                                  "Checking every reported number…")
        try:
            rc = P.check_run(self.store, self.run_id)
        except (sqlite3.Error, OSError, ValueError) as exc:
            self.app.call_from_thread(self.notify, f"Check failed: {exc}", severity="error")
            return
        self.app.call_from_thread(self._checked, rc)

    def _checked(self, rc: P.RunCheck) -> None:
        self.load()
        f = rc.flags
        self.notify(f"Checked: {rc.figures.claims} numbers; flags {f['added']} added, "
                    f"{f['kept']} kept, {f['removed']} removed")
        self.mlr.data_changed()
