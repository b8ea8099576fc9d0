"""One stage output (a version): rendered markdown or raw text, who wrote it, when, whether it
is stale, what it was built from, and what the judges said."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.markup import escape
from textual.widgets import ContentSwitcher, Footer, Header, Static, TextArea

from mlrtui.kernel.modelnames import display_model
from mlrtui.runs import overview as browse
from mlrtui.ui import bigtext
from mlrtui.ui.modals import ChoiceScreen
from mlrtui.ui.screens.base import AppScreen
from mlrtui.ui.widgets.mdlog import MarkdownLog


def _refs(refs: list[browse.VersionRef]) -> str:
    return escape(", ".join(f"#{r.id} {r.stage} by {r.author}" for r in refs) or "none")


def meta_text(v: browse.VersionDetail, ids: dict[str, str] | None = None) -> str:
    shown = display_model(v.author, ids)
    author = escape(shown + (f" (as {v.author_original})" if v.author_original
                             and v.author_original not in (v.author, shown) else ""))
    state = "current" if v.is_head else "superseded"
    stale = "[b $warning]stale: an upstream stage changed[/]" if v.stale else "not stale"
    if v.truncated:
        stale += " · [b $warning]truncated: the reply stopped at the output limit[/]"
    return (f"[b]{v.stage}[/b] #{v.id} · task {v.task_id} · run {v.run_id} "
            f"({v.mode}, {escape(display_model(v.model, ids))})"
            f"\nauthor {author} · created {v.created_at} · {state} · {stale}"
            f"\nupstream: {_refs(v.upstream)} · downstream: {_refs(v.downstream)}")


def scores_text(judges: list[browse.JudgeScore]) -> str:
    if not judges:
        return "Not judged yet."
    lines = []
    for j in judges:
        overall = "–" if j.overall is None else f"{j.overall:.2f}"
        dims = " · ".join(f"{d} {s:g}" for d, s in j.dims.items() if d.lower() != "overall")
        lines.append(f"[b]{escape(j.label)}[/b] Overall {overall}"
                     + (f" · {escape(dims)}" if dims else ""))
    return "\n".join(lines)


class ViewerScreen(AppScreen):
    HELP = """\
### Stage output
One version of a stage. `r` switches between the rendered markdown and the raw text (which
can be selected and copied). `u` / `d` open a version it was built from / built into.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="viewer.back", tooltip="Back"),
        Binding("r", "raw", "Raw/Rendered", id="viewer.raw",
                tooltip="Switch between rendered markdown and the raw text"),
        Binding("u", "lineage('upstream')", "Upstream", id="viewer.upstream",
                tooltip="Open a version this one was built from"),
        Binding("d", "lineage('downstream')", "Downstream", id="viewer.downstream",
                tooltip="Open a version built from this one"),
    ]

    def __init__(self, version_id: int) -> None:
        super().__init__()
        self.version_id = version_id
        self.version = browse.get_version(self.store, version_id)

    def compose(self) -> ComposeResult:
        yield Header()
        v = self.version
        if v is None:
            yield Static(f"No version #{self.version_id} in the database.", id="viewer-meta")
            yield Footer()
            return
        yield Static(meta_text(v, self.settings.model_ids()), id="viewer-meta", classes="-stale" if v.stale else "")
        yield Static(scores_text(v.judges), id="viewer-scores")
        with ContentSwitcher(initial="viewer-rendered", id="viewer-switch"):
            yield MarkdownLog(v.text, id="viewer-rendered")
            # Filled on the first `r`, and only with the first part of a big text (a TextArea
            # of 50 MB wraps for minutes); `o` in the rendered view pages through all of it.
            yield TextArea("", read_only=True, soft_wrap=True, id="viewer-raw")
        yield Footer()

    def on_mount(self) -> None:
        if self.version is not None:
            self.sub_title = f"{self.version.stage} #{self.version.id}"
            self.query_one("#viewer-rendered").focus()

    def refresh_data(self) -> None:
        """A judge run or an edit elsewhere may have changed the scores, staleness or lineage."""
        version = browse.get_version(self.store, self.version_id)
        if version is None or self.version is None:
            return
        self.version = version
        meta = self.query_one("#viewer-meta", Static)
        meta.update(meta_text(version, self.settings.model_ids()))
        meta.set_class(version.stale, "-stale")
        self.query_one("#viewer-scores", Static).update(scores_text(version.judges))

    @property
    def raw(self) -> bool:
        return self.query_one(ContentSwitcher).current == "viewer-raw"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.version is None and action in ("raw", "lineage"):
            return None
        if action == "lineage" and self.version and not getattr(self.version, parameters[0]):
            return None
        return True

    def action_raw(self) -> None:
        switch = self.query_one(ContentSwitcher)
        raw = self.query_one("#viewer-raw", TextArea)
        if not self.raw and not raw.text and self.version.text:
            raw.load_text(bigtext.clip(self.version.text).text)
        switch.current = "viewer-rendered" if self.raw else "viewer-raw"
        self.query_one(f"#{switch.current}").focus()

    def action_lineage(self, direction: str) -> None:
        refs: list[browse.VersionRef] = getattr(self.version, direction, [])
        if len(refs) == 1:
            self.mlr.open_version(refs[0].id)
        elif refs:
            options = [(f"#{r.id} {r.stage} by {r.author} · {r.created_at[:16]}", r.id)
                       for r in refs]
            self.app.push_screen(ChoiceScreen(f"Open {direction} version", options),
                                 lambda vid: vid is not None and self.mlr.open_version(vid))
