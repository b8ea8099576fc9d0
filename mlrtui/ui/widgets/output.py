"""A stage's current version rendered, or, while a stage runs, its output streaming in.

`follow(job)` subscribes to a running StageJob and writes every piece into a Markdown widget
through `Markdown.get_stream()` (stopped in `finally`, also when the widget goes away). It
says by message when the job moves to another stage and when it ends.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.markup import escape
from textual.message import Message
from textual.widgets import ContentSwitcher, Markdown, Static

from mlrtui.runs import versions as V
from mlrtui.ui.names import model_label
from mlrtui.ui.stagejob import StageJob
from mlrtui.ui.widgets.docview import DocView


class OutputPane(Vertical):
    DEFAULT_CSS = """
    OutputPane { height: 1fr; }
    OutputPane #output-meta { height: 1; padding: 0 1; color: $text-muted; }
    OutputPane #output-meta.-stale { color: $warning; }
    OutputPane #output-switch { height: 1fr; }
    OutputPane #output-doc { height: 1fr; }
    OutputPane #output-live { height: 1fr; background: $surface; border-left: thick $accent; }
    OutputPane #live { margin: 0 1; }
    """

    class JobMoved(Message):
        """The followed job started a stage."""

        def __init__(self, stage: V.Stage) -> None:
            super().__init__()
            self.stage = stage

    class JobEnded(Message):
        def __init__(self, job: StageJob) -> None:
            super().__init__()
            self.job = job

    def compose(self) -> ComposeResult:
        yield Static("", id="output-meta")
        with ContentSwitcher(initial="output-doc", id="output-switch"):
            yield DocView("", id="output-doc")
            with VerticalScroll(id="output-live"):
                yield Markdown("", id="live")

    @property
    def live(self) -> bool:
        return self.query_one(ContentSwitcher).current == "output-live"

    def show(self, stage: V.Stage, version: V.Version | None, *, live: bool) -> None:
        """The stage's current version, or (live) the streamed output of its running job."""
        meta = self.query_one("#output-meta", Static)
        if live:
            meta.update(f"[b]{stage}[/b] · running: the output streams in below · c cancels")
        elif version is None:
            meta.update(f"[b]{stage}[/b] · no version yet · r runs it, 2 writes it by hand")
        else:
            stale = " · [b]stale: built from older upstream versions[/b]" if version.stale else ""
            if version.truncated:
                stale += " · [b]truncated at the output limit[/b] (stage_max_tokens)"
            author = model_label(self.app, version.author)
            meta.update(f"[b]{stage}[/b] · v{version.id} by {escape(author)} · "
                        f"{version.created_at[:16].replace('T', ' ')}{stale}")
        meta.set_class(bool(version and (version.stale or version.truncated) and not live),
                       "-stale")
        self.query_one(ContentSwitcher).current = "output-live" if live else "output-doc"
        self.query_one(DocView).show(version.text if version else
                                     "*No version of this stage yet.*")

    def focus_content(self) -> None:
        self.query_one(f"#{self.query_one(ContentSwitcher).current}").focus()

    @work(group="follow", exclusive=True, exit_on_error=False,
          description="Show the running stage's output")
    async def follow(self, job: StageJob) -> None:
        live = self.query_one("#live", Markdown)
        box = self.query_one("#output-live", VerticalScroll)
        queue = job.subscribe()
        stream = None
        try:
            while True:
                kind, value = await queue.get()
                if kind == "stage":
                    if stream is not None:
                        await stream.stop()
                    await live.update("")
                    stream = Markdown.get_stream(live)
                    self.post_message(self.JobMoved(value))  # type: ignore[arg-type]
                elif kind == "text" and stream is not None:
                    follow = box.scroll_y >= box.max_scroll_y - 1   # the reader is at the end
                    await stream.write(value)
                    if follow:
                        box.call_after_refresh(box.scroll_end, animate=False)
                elif kind == "end":
                    break
        finally:
            job.unsubscribe(queue)
            if stream is not None:
                await stream.stop()
        self.post_message(self.JobEnded(job))
