"""What to judge and with whom: the stage, the judge models, a task filter, re-judging.

Models that cannot be called now (a missing key variable, no local model) are listed disabled,
and under the list, grouped by reason, why: the user sees it rather than a failed batch.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, Select, SelectionList, Static
from textual.widgets.selection_list import Selection

from mlrtui.judge.rubrics import JUDGE_STAGES
from mlrtui.kernel.vocab import JUDGE_STAGE_LABELS
from mlrtui.providers.registry import ModelStatus
from mlrtui.ui.names import model_label

STAGE_LABELS = JUDGE_STAGE_LABELS


class JudgeSetup(Vertical):
    DEFAULT_CSS = """
    JudgeSetup { width: 36; height: 1fr; padding: 0 1; border-right: vkey $panel; }
    JudgeSetup Label { margin-top: 1; color: $text-muted; }
    JudgeSetup SelectionList { height: auto; max-height: 12; }
    JudgeSetup #judge-why { height: auto; max-height: 10; color: $text-muted; }
    JudgeSetup Select { width: 100%; }
    JudgeSetup Checkbox { border: none; height: 1; padding: 0; margin-top: 1; }
    JudgeSetup Checkbox:focus { text-style: bold; }
    """

    class Changed(Message):
        """The stage or the task filter changed: the targets must be reloaded."""

    def __init__(self, statuses: list[ModelStatus], default_judges: list[str], *,
                 stage: str = "idea", task_glob: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.statuses = statuses
        self.default_judges = default_judges
        self.initial_stage = stage
        self.initial_glob = task_glob

    def compose(self) -> ComposeResult:
        yield Label("Stage to judge")
        yield Select([(STAGE_LABELS.get(s, s), s) for s in JUDGE_STAGES],
                     value=self.initial_stage, allow_blank=False, id="judge-stage",
                     tooltip="The stage whose current version is judged (and its rubric)")
        yield Label("Judges (space toggles)")
        yield SelectionList[str](*self._selections(), id="judge-models")
        yield Static(self._why(), id="judge-why")
        yield Label("Tasks (id or glob, e.g. iclr2025_*)")
        yield Input(self.initial_glob, placeholder="all tasks", id="judge-task",
                    tooltip="Only runs of tasks matching this glob; empty for all")
        yield Checkbox("Re-judge what was judged", id="judge-force",
                       tooltip="Also judge versions these judges already reviewed")
        yield Checkbox("Batch API (half price, ≤24 h)", id="judge-batch-api",
                       tooltip="Batch API (half price, up to 24 h): the reviews go through "
                               "the OpenAI / Anthropic batch API; the saving is shown first")

    def _selections(self) -> list[Selection[str]]:
        out = []
        for st in sorted(self.statuses, key=lambda s: (not s.available, s.name)):
            shown = model_label(self.app, st.name)      # the id its reviews are stored under
            shown = st.name if shown == st.name else f"{shown} ({st.name})"
            # ✗ first: in the narrow panel a long name is cut at its end, never the mark.
            prompt = Text(shown) if st.available else Text(f"✗ {shown}", style="dim")
            out.append(Selection(prompt, st.name, st.available and st.name in self.default_judges,
                                 id=st.name, disabled=not st.available))
        return out

    def _why(self) -> Text:
        """'✗ a, b: reason' lines, one per distinct reason."""
        by_reason: dict[str, list[str]] = {}
        for st in self.statuses:
            if not st.available:
                by_reason.setdefault(st.reason or "unavailable", []).append(st.name)
        lines = [f"✗ {', '.join(sorted(names))}: {reason}"
                 for reason, names in sorted(by_reason.items())]
        return Text("\n".join(lines))

    @property
    def stage(self) -> str:
        return str(self.query_one("#judge-stage", Select).value)

    @property
    def judges(self) -> list[str]:
        return list(self.query_one("#judge-models", SelectionList).selected)

    @property
    def task_glob(self) -> str:
        return self.query_one("#judge-task", Input).value.strip()

    @property
    def force(self) -> bool:
        return self.query_one("#judge-force", Checkbox).value

    @property
    def batch_api(self) -> bool:
        return self.query_one("#judge-batch-api", Checkbox).value

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.post_message(self.Changed())

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed())
