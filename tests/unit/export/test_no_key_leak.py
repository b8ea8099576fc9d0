"""Key-marker audit: a whole session through the real CLI leaves no API key in any file.

Distinctive marker keys are set for OpenAI, Anthropic and the test variable; every command runs
in its own process against the loopback server: two stages of a run, a judge call with a
scripted reply, calls whose 401 error body echoes the key, and exports. Then every file under
the config dir, the data dir (database, -wal/-shm, logs, workspaces) and the export folder is
searched for the markers' bytes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from export_helpers import cli
from loopback import Fault

MARKERS = {
    "OPENAI_API_KEY": "mk-AUDIT-openai-b81f2e",
    "ANTHROPIC_API_KEY": "mk-ant-AUDIT-anthropic-4c9d",
    "MLRTUI_TEST_KEY": "AUDIT-test-key-e07a15",
}
TASK = "iclr2026_tiny_evals"


def _config(loopback, config_dir: Path) -> None:
    config_dir.mkdir(parents=True, exist_ok=True)
    models = {"fake-openai": ("openai", "gpt-4o", "OPENAI_API_KEY"),
              "fake-anthropic": ("anthropic", "claude-sonnet-4-6", "ANTHROPIC_API_KEY"),
              "fake-test": ("openai", "gpt-4o-mini", "MLRTUI_TEST_KEY")}
    text = 'judges = ["fake-openai"]\n'
    for name, (provider, model, env) in models.items():
        base = loopback.openai_base_url if provider == "openai" else loopback.base_url
        text += (f'[models.{name}]\nprovider = "{provider}"\nmodel = "{model}"\n'
                 f'base_url = "{base}"\napi_key_env = "{env}"\nmax_tokens = 128\n'
                 "timeout_s = 10\nmax_attempts = 2\n")
    (config_dir / "config.toml").write_text(text, encoding="utf-8")


def _idea_review() -> str:
    dims = ["Consistency", "Clarity", "Novelty", "Feasibility", "Significance"]
    body: dict = {d: {"score": 7, "justification": f"The {d.lower()} is adequate."}
                  for d in dims}
    body["OverallAssessment"] = {"score": 7, "strengths": ["small scope"],
                                 "weaknesses": ["few baselines"]}
    return json.dumps(body)


def test_no_marker_key_in_any_written_file(tmp_path, loopback, monkeypatch) -> None:
    for name, value in MARKERS.items():
        monkeypatch.setenv(name, value)
    config_dir = Path(os.environ["MLRTUI_CONFIG_DIR"])
    data_dir = Path(os.environ["MLRTUI_DATA_DIR"])
    _config(loopback, config_dir)
    export = tmp_path / "export"
    outputs: list[str] = []

    def run(*args: str, code: int = 0) -> str:
        done = cli(*args, cwd=tmp_path)
        outputs.append(done.stdout + done.stderr)
        assert done.returncode == code, (args, done.stdout, done.stderr)
        return done.stdout + done.stderr

    assert "2 done" in run("run", "--task", TASK, "--model", "fake-openai", "--stages",
                           "idea,literature", "--quiet")
    loopback.script(_idea_review())
    assert "(ok 1)" in run("judge", "--stage", "idea", "--judges", "fake-openai")
    loopback.script(Fault("401"))                      # the error body echoes the key it got
    assert "bad API key (401)" in run("models", "test", "fake-anthropic", code=1)
    loopback.script(Fault("401"))
    assert "1 failed" in run("run", "--task", TASK, "--model", "fake-test", "--stages",
                             "idea", "--quiet", code=1)
    assert "exported 2 of 2 run(s)" in run("export", "--task", "*", "--out", str(export))
    run("export", "--task", "*", "--format", "json", "--out", str(export / "json"))
    run("export", "--leaderboard", "idea", "--out", str(export / "idea.csv"))

    sent = {r.api_key for r in loopback.requests}
    assert set(MARKERS.values()) <= sent                 # the markers really were used
    files = [p for root in (config_dir, data_dir, export, tmp_path) if root.exists()
             for p in root.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"mlrtui.db", "mlrtui.log", "config.toml", "ledger.csv", "idea.csv"} <= names
    for path in files:
        data = path.read_bytes()
        for marker in MARKERS.values():
            assert marker.encode() not in data, f"{marker} found in {path}"
    for text in outputs:
        for marker in MARKERS.values():
            assert marker not in text
    log = (data_dir / "logs" / "mlrtui.log").read_text(encoding="utf-8")
    assert log.count("bad API key (401)") >= 2 and "[redacted]" in log
    ledgers = list(export.glob("run-*/ledger.csv"))
    assert any("[redacted]" in p.read_text() for p in ledgers)
