"""The headless commands: judge -> stats leaderboard / disagreements -> flags -> stats human."""

from __future__ import annotations

import json
import os
from pathlib import Path

from judge_helpers import IDEA, PAPER, idea_reply, make_run

from mlrtui.cli import main
from mlrtui.store import open_store


def _config(loopback, monkeypatch) -> None:
    monkeypatch.setenv("MLRTUI_TEST_KEY", "test-key-loopback")
    cfg = Path(os.environ["MLRTUI_CONFIG_DIR"]) / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(f'''judges = ["fake-openai", "fake-anthropic"]
[models.fake-openai]
provider = "openai"
model = "gpt-4o"
base_url = "{loopback.openai_base_url}"
api_key_env = "MLRTUI_TEST_KEY"
max_attempts = 2
timeout_s = 5
[models.fake-anthropic]
provider = "anthropic"
model = "claude-sonnet-4-6"
base_url = "{loopback.base_url}"
api_key_env = "MLRTUI_TEST_KEY"
max_attempts = 2
timeout_s = 5
''', encoding="utf-8")


def test_judge_then_leaderboard_flags_and_human_scores(tmp_path, loopback, monkeypatch,
                                                       capsys) -> None:
    _config(loopback, monkeypatch)
    db = tmp_path / "cli.db"
    store = open_store(db)
    _, v1 = make_run(store, {"idea": IDEA, "paper": PAPER})
    make_run(store, {"idea": IDEA}, model="gpt-4o")
    store.close()
    low = idea_reply(overall=3)
    loopback.script(json.dumps(idea_reply(overall=9)), "{broken", json.dumps(low),
                    json.dumps(idea_reply(overall=7)), json.dumps(idea_reply(overall=7)))
    code = main(["--db", str(db), "judge", "--stage", "idea", "--task", "iclr2026_tiny*",
                 "--concurrency", "1"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "4 of 4 reviews (ok 4)" in out and "(retried)" in out

    assert main(["--db", str(db), "judge", "--show", "2"]) == 0
    shown = capsys.readouterr().out
    assert "status invalid" in shown and "--- raw reply ---\n{broken" in shown
    assert main(["--db", str(db), "judge", "--rubrics"]) == 0
    assert "hallucination" in capsys.readouterr().out

    assert main(["--db", str(db), "stats", "leaderboard", "--stage", "idea", "--json"]) == 0
    board = json.loads(capsys.readouterr().out)
    assert board["judges"] == ["claude-sonnet-4-6", "gpt-4o"]
    overall = {r["model"]: r["cells"]["Overall"]["mean"] for r in board["rows"]}
    # calls run in order: the gpt-4o run gets 9 and (after the broken reply) 3; o4-mini 7, 7
    assert overall == {"gpt-4o": 6.0, "o4-mini": 7.0}
    assert main(["--db", str(db), "stats", "leaderboard", "--stage", "idea"]) == 0
    assert "Overall by judge" in capsys.readouterr().out
    assert main(["--db", str(db), "stats", "disagreements", "--stage", "idea"]) == 0
    assert "Overall spread 6" in capsys.readouterr().out

    loopback.script(json.dumps({"findings": [{"type": "faked_results", "description": "odd",
                                              "evidence": "97.3%"}], "summary": "one"}))
    assert main(["--db", str(db), "judge", "--stage", "hallucination", "--judges",
                 "fake-openai"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "flags", "show", "1"]) == 0
    assert ">    5 | Accuracy rose to 97.3%" in capsys.readouterr().out
    assert main(["--db", str(db), "flags", "confirm", "1", "--note", "no log has it"]) == 0
    assert main(["--db", str(db), "flags", "precision", "--json"]) == 0
    prec = [json.loads(line) for line in capsys.readouterr().out.splitlines()[1:]]
    assert prec == [{"source": "gpt-4o", "flags": 1, "confirmed": 1, "dismissed": 0, "open": 0,
                     "precision": 1.0}]

    assert main(["--db", str(db), "stats", "human", str(v1["idea"]), "--reviewer", "ana",
                 "Consistency=5", "Clarity=5", "Novelty=5", "Feasibility=5", "Significance=5",
                 "Overall=5"]) == 0
    assert main(["--db", str(db), "stats", "human", str(v1["idea"]), "--reviewer", "ana",
                 "Overall=50"]) == 2
    assert "Overall: 50 is outside 1-10" in capsys.readouterr().err
    assert main(["--db", str(db), "stats", "agreement", "--source", "user", "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["items"] == 1 and rep["items_without_judge"] == []


def test_unknown_judge_and_missing_stage_are_one_line_errors(tmp_path, capsys) -> None:
    db = str(tmp_path / "x.db")
    assert main(["--db", db, "judge", "--stage", "idea", "--judges", "nobody"]) == 2
    assert "unknown judge model 'nobody'" in capsys.readouterr().err
    assert main(["--db", db, "judge", "--stage", "idea", "--judges", "gpt-4o"]) == 2
    assert "OPENAI_API_KEY is not set" in capsys.readouterr().err
    assert main(["--db", db, "judge"]) == 2
    assert main(["--db", db, "flags", "confirm", "7"]) == 2
    assert "no flag 7" in capsys.readouterr().err
