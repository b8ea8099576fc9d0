"""A stage's current version rendered, or, while a stage runs, its output streaming in.

`follow(job)` watches a StageJob through the App's job registry: it replays the text streamed
so far, then writes every new piece into a Markdown widget through `Markdown.get_stream()`
(stopped when the job ends or the widget goes away). It says by message when the job moves
to another stage and when it ends.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.markup import escape
from textual.message import Message
from textual.widgets import ContentSwitcher, Markdown, Static
from textual.widgets.markdown import MarkdownStream

from mlrtui.runs import versions as V
from mlrtui.ui.jobs import Job
from mlrtui.ui.jobs.stage import StageJob
from mlrtui.ui.names import model_label
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

    class ClusterJob(Message):
        """A cluster job of the followed stage changed state (Slurm: queued, running, done)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._job: StageJob | None = None
        self._stream: MarkdownStream | None = None

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
        switcher = self.query_one(ContentSwitcher)
        switcher.current = "output-live" if live else "output-doc"
        # The document view was hidden while the stage streamed: it has no width of its own
        # yet, so render at the pane's width at once rather than on the next resize.
        hint = max(0, (switcher.content_region.width or self.size.width) - 2)
        self.query_one(DocView).show(version.text if version else
                                     "*No version of this stage yet.*", width_hint=hint)

    def focus_content(self) -> None:
        self.query_one(f"#{self.query_one(ContentSwitcher).current}").focus()

    def follow(self, job: StageJob) -> None:
        """Show `job`'s streamed text: what it streamed so far, then every new piece (the
        replay is queued before any change posted after this call, so nothing is lost)."""
        self._job = job
        self.app.jobs.watch(self)
        self.call_later(self._replay, job)

    async def _replay(self, job: StageJob) -> None:
        if job is not self._job:
            return
        if job.stage is not None:
            await self._restart(job.text)
            self.post_message(self.JobMoved(job.stage))  # type: ignore[arg-type]
        if not job.running:
            await self._ended(job)

    async def on_job_changed(self, event: Job.Changed) -> None:
        job = event.job
        if job is not self._job:
            return
        if event.what == "stage":
            await self._restart("")
            self.post_message(self.JobMoved(event.value))  # type: ignore[arg-type]
        elif event.what == "reset":
            await self._restart("")
        elif event.what == "text" and self._stream is not None:
            box = self.query_one("#output-live", VerticalScroll)
            follow = box.scroll_y >= box.max_scroll_y - 1   # the reader is at the end
            await self._stream.write(event.value)
            if follow:
                box.call_after_refresh(box.scroll_end, animate=False)
        elif event.what == "cluster":
            self.post_message(self.ClusterJob())
        elif event.what == "end":
            await self._ended(job)  # type: ignore[arg-type]

    async def _restart(self, text: str) -> None:
        await self._stop_stream()
        live = self.query_one("#live", Markdown)
        await live.update("")
        self._stream = Markdown.get_stream(live)
        if text:
            await self._stream.write(text)

    async def _stop_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            await stream.stop()

    async def _ended(self, job: StageJob) -> None:
        await self._stop_stream()
        self._job = None
        self.app.jobs.unwatch(self)
        self.post_message(self.JobEnded(job))

    async def on_unmount(self) -> None:
        self.app.jobs.unwatch(self)
        await self._stop_stream()
