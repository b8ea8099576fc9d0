"""The Models screen's lower panel: the highlighted model's settings, and its last test call.

Text from a model (its reply, an error) goes in as rich Text, never as markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from mlrtui.services.models import ModelInfo, ProbeResult

IDLE = "Press t to make one small test call: its reply, tokens, latency and cost show here."


def facts(info: ModelInfo) -> Text:
    """Everything configured for a model; the key appears by variable name only."""
    if info.key_env:
        key = Text.assemble(info.key_env, " · ", ("set", "green") if info.key_set
                            else ("not set", "red"))
    else:
        key = Text("none needed", style="dim")
    status = (Text("available", style="green") if info.available
              else Text(f"unavailable: {info.reason}", style="red"))
    limits = f"{info.max_tokens} max tokens · {info.concurrency} at once"
    if info.context_tokens:
        limits += f" · {info.context_tokens} context"
    if info.requests_per_minute:
        limits += f" · {info.requests_per_minute:g}/min"
    rows: list[tuple[str, Text | str]] = [
        ("model", f"{info.model} ({info.provider})"),
        ("endpoint", info.endpoint),
        ("key", key),
        ("status", status),
        ("price", Text(info.price, style="yellow" if info.price == "unpriced" else "")),
        ("limits", limits),
        ("calls", (f"{info.max_attempts} attempts · timeout {info.timeout_s:g}s · "
                   f"cache {'on' if info.cache else 'off'}")),
    ]
    out = Text.assemble((info.name, "bold"), "\n")
    for label, value in rows:
        out.append(f"{label:<9}", style="dim")
        out.append_text(value if isinstance(value, Text) else Text(value))
        out.append("\n")
    out.rstrip()
    return out


def outcome(name: str, result: ProbeResult | None, running: bool) -> Text:
    """The test panel: idle hint, running, the reply with its figures, or one error line."""
    if running:
        return Text(f"Testing {name}…", style="italic")
    if result is None:
        return Text(IDLE, style="dim")
    if not result.ok:
        return Text.assemble(("✗ test failed: ", "bold red"), result.error)
    reply = result.reply or "(empty reply)"
    out = Text.assemble(("✓ ", "bold green"), reply, "\n\n")
    figures = [("tokens", f"{result.input_tokens} in / {result.output_tokens} out"),
               ("latency", f"{result.latency_s:.2f}s"),
               ("cost", result.cost_label),
               ("served by", result.model_reported or "?")]
    figures += [("note", note) for note in result.notes]
    for label, value in figures:
        out.append(f"{label:<10}", style="dim")
        out.append(value, style="yellow" if value == "unpriced" else "")
        out.append("\n")
    out.rstrip()
    return out


class ModelDetail(Horizontal):
    DEFAULT_CSS = """
    ModelDetail { height: 11; background: $boost; }
    ModelDetail #model-facts { width: 1fr; padding: 0 1; }
    ModelDetail #model-test {
        width: 1fr; padding: 0 1; border-left: vkey $panel-lighten-2;
    }
    ModelDetail #model-test.-running { border-left: vkey $warning; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="model-facts")
        yield Static("", id="model-test")

    def show(self, info: ModelInfo | None, result: ProbeResult | None = None,
             running: bool = False) -> None:
        facts_widget = self.query_one("#model-facts", Static)
        test_widget = self.query_one("#model-test", Static)
        if info is None:
            facts_widget.update("No models configured.")
            test_widget.update("")
            return
        facts_widget.update(facts(info))
        test_widget.update(outcome(info.name, result, running))
        test_widget.set_class(running, "-running")
