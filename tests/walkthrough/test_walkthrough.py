"""A newcomer's walkthrough in a real terminal (tmux), asserting on screen text at each step:
fresh database -> import -> open a task -> new end-to-end run -> all stages with one key ->
edit the idea -> stale -> re-run -> judge -> flags -> stats -> costs, at 80x24 and 120x36.

The model is a loopback server speaking the OpenAI protocol (the embedded model takes minutes
for five stages; `bench/walkthrough.py` runs the same walk on it). Skipped without tmux.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest
from loopback import LoopbackServer, wire
from ui.test_import_worker import write_corpus
from unit.stages.stages_helpers import agent_responder
from walkthrough.tmuxterm import Terminal

ROOT = Path(__file__).resolve().parents[2]
TASK = "mini2025_bee_counts"

pytestmark = pytest.mark.skipif(not Terminal.available(), reason="tmux is not installed")


def responder():
    """Stages as a toy research agent; any request with a JSON schema (a judge) gets a
    schema-valid reply."""
    stages = agent_responder()

    def respond(rec):
        schema = wire.requested_schema(rec.protocol, rec.body)
        if schema is not None:
            return json.dumps(wire.sample_from_schema(schema))
        return stages(rec)
    return respond


def config(path: Path, server: LoopbackServer) -> Path:
    path.write_text(f"""default_model = "loop"
judges = ["loop"]

[models.loop]
provider = "openai"
model = "gpt-4o"
base_url = "{server.openai_base_url}"
api_key_env = "MLRTUI_TEST_KEY"
timeout_s = 20
""", encoding="utf-8")
    return path


def palette(term: Terminal, command: str) -> None:
    term.keys("C-p")
    term.wait_for("Search for commands")
    term.type(command)
    term.wait_for(command)
    term.keys("Enter")


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
def test_a_newcomer_walks_through_the_console(tmp_path: Path, size: tuple[int, int]) -> None:
    corpus = write_corpus(tmp_path / "mlrbench")
    server = LoopbackServer().start()
    server.responder = responder()
    cfg = config(tmp_path / "config.toml", server)
    db = tmp_path / "walk.db"
    env = {"MLRTUI_TEST_KEY": "walkthrough-key", "MLRTUI_CONFIG": str(cfg),
           "MLRTUI_DATA_DIR": str(tmp_path / "data"), "TERM": "xterm-256color"}
    term = Terminal([sys.executable, "-m", "mlrtui.cli", "--db", str(db)], size=size,
                    cwd=tmp_path, env=env)
    try:
        # 1. A fresh database: the example tasks are there.
        term.wait_for("iclr2026_tiny_evals", timeout=60)

        # 2. Import a corpus from the palette.
        palette(term, "Import MLR-Bench")
        term.wait_for("Import MLR-Bench corpus")
        term.keys("C-u")
        term.type(str(corpus))
        term.keys("Enter")
        # the summary: at 80x24 its focused Close button scrolls the title out of view
        term.wait_for("Problems, one line each", "Close", timeout=60)
        term.keys("Escape")
        term.wait_for("Problems, one line each", absent=True)
        term.wait_for(TASK)

        # 3. Open a task.
        term.keys("/")
        term.type("bee_counts")
        term.wait_for("1 of")
        term.keys("Enter")
        term.wait_for("Counting Bees")

        # 4. A new end-to-end run on the configured model: every stage starts at once.
        term.keys("n")
        term.wait_for(": model")
        term.keys("Enter")                     # the default model, "loop"
        term.wait_for("with loop: mode")        # not "mode" alone: "model" contains it
        term.keys("Enter")                     # end-to-end
        term.wait_for("end-to-end", TASK, timeout=20)
        screen = term.wait_for("· done", "paper done", timeout=120)
        assert "failed" not in screen and "loop" not in screen   # one model, one name

        # 5. Edit the idea: the later stages go stale.
        term.keys("h", "h", "h", "h", "2")
        term.wait_for("idea: editing")           # not "Edit": the tab bar always shows it
        term.type("Edited by hand. ")
        term.keys("C-s")
        term.wait_for("Stale:", timeout=20)       # not "stale": "Nothing is stale." has it
        term.keys("Escape")
        term.wait_for("unsaved", absent=True)     # saved, and out of the editor

        # 6. Re-run everything that is stale, with one key.
        term.keys("a")
        term.wait_for("· done", timeout=120)

        # 7. Judge the task's ideas.
        term.keys("Escape")
        term.wait_for("Counting Bees", "runs")
        term.keys("J")
        term.wait_for("Judges (space")           # the dialog, not a footer key "Judge"
        term.keys("r")
        term.wait_for("Judged", timeout=60)
        term.keys("Escape")
        term.wait_for("Judges (space", absent=True)   # back on the task (then keys, not Alt+)

        # 8. Flags, stats and costs from the palette.
        palette(term, "Go to Flags")
        term.wait_for("precision")
        palette(term, "Go to Stats")
        term.wait_for("Leaderboard")
        palette(term, "Go to Costs")
        screen = term.wait_for("$")
        for _ in range(100):        # the ledger's rows come a moment after the totals
            if "gpt-4o" in screen or "loop" in screen:
                break
            time.sleep(0.1)
            screen = term.capture()
        assert "gpt-4o" in screen or "loop" in screen, screen
    finally:
        term.close()
        server.stop()
    assert len(server.requests) >= 8        # the stages twice and the judge went to the model
