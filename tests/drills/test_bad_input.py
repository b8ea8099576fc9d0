"""Bad-input drill: the real CLI as a subprocess, fed what people and corpora get wrong. Each
case must end with one line naming the file (or the name) and the problem, the documented exit
code, no traceback, and nothing already stored lost. Prints a table (run with -s). The slow
cases (a 50 MB task file, a giant judge reply) are in bench/drills/bad_input_big.py.
"""

from __future__ import annotations

import os
from pathlib import Path

from drill_helpers import cli, config_env, mlrtui

from mlrtui.store import open_store

GOOD_TASK = "# A Careful Workshop\n\nWe welcome work on measuring things twice.\n"


def counts(db: Path) -> dict[str, int]:
    store = open_store(db)
    try:
        return {t: store.scalar(f"SELECT COUNT(*) FROM {t}") for t in ("tasks", "runs",
                                                                     "versions", "reviews")}
    finally:
        store.close()


def checkout(root: Path) -> Path:
    """A small MLR-Bench-shaped folder of our own with every kind of bad file in it."""
    tasks = root / "tasks"
    tasks.mkdir(parents=True)
    (tasks / "iclr2025_good.md").write_text(GOOD_TASK)
    (tasks / "iclr2025_empty.md").write_bytes(b"")
    (tasks / "iclr2025_latin.md").write_bytes("# Caf\u00e9 Day\n\nR\u00e9sum\u00e9s.\n"
                                              .encode("latin-1"))
    (tasks / "iclr2025_nul.md").write_bytes(b"# Nul Day\n\nText\x00with a NUL.\n")
    (tasks / "not-a-task-name.md").write_text(GOOD_TASK)
    ideas = root / "agent_results/ideas_and_proposals/iclr2025_good/idea"
    ideas.mkdir(parents=True)
    (ideas / "idea_o4-mini.md").write_text("# An idea\n\nOur own words.\n")
    reviews = root / "agent_reviews/idea_proposal_reviews_judgea/iclr2025_good/idea"
    reviews.mkdir(parents=True)
    (reviews / "idea_o4-mini.json").write_text('{"broken": ')
    (reviews / "idea_claude.json").write_text('{"odd": [1, 2], "Overall": {"deep": true}}')
    return root


def test_bad_input_gives_one_line_and_loses_nothing(tmp_path: Path, loopback) -> None:
    env = config_env(tmp_path, loopback)
    db = tmp_path / "keep.db"
    first = cli(mlrtui("--db", str(db), "tasks"), env=env)     # loads the example tasks
    assert first.returncode == 0, first.stderr
    before = counts(db)
    (tmp_path / "not.db").write_text("not a database at all\n")
    (tmp_path / "dir.db").mkdir()
    (tmp_path / "types.toml").write_text('[models.x]\nprovider = 5\nconcurrency = "many"\n')
    (tmp_path / "broken.toml").write_text('[models.x\nprovider = "openai"\n')
    corpus = checkout(tmp_path / "corpus")
    d = ["--db", str(db)]
    cases = [
        ("a text file as --db", ["--db", str(tmp_path / "not.db"), "tasks"], env, 2, "not.db"),
        ("a directory as --db", ["--db", str(tmp_path / "dir.db"), "tasks"], env, 2, "dir.db"),
        ("config with wrong types", [*d, "--config", str(tmp_path / "types.toml"), "tasks"],
         env, 2, "types.toml"),
        ("broken TOML", [*d, "--config", str(tmp_path / "broken.toml"), "tasks"], env, 2,
         "broken.toml"),
        ("unknown model", [*d, "run", "--task", "*", "--model", "no-such-model", "--stages",
                           "idea"], env, 2, "no-such-model"),
        ("unknown task glob", [*d, "run", "--task", "zzz*", "--model", "fake-openai",
                               "--stages", "idea"], env, 2, "zzz*"),
        ("a missing checkout", [*d, "import", str(tmp_path / "nowhere")], env, 2, "nowhere"),
    ]
    table, problems = [], []
    for name, argv, case_env, code, names in cases:
        done = cli(mlrtui(*argv), env=case_env, timeout=120)
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        last = lines[-1] if lines else ""
        wrong = []
        if done.returncode != code:
            wrong.append(f"exit {done.returncode}, expected {code}")
        if "Traceback" in done.stderr:
            wrong.append("traceback")
        if names not in last:
            wrong.append(f"last line does not name {names!r}")
        table.append((name, done.returncode, last[:90] + (f"  << {wrong}" if wrong else "")))
        problems += [f"{name}: {w}" for w in wrong]
        assert counts(db) == before, f"{name}: stored rows changed"
    # The corpus import: item problems are reported one line each and never abort it.
    done = cli(mlrtui(*d, "import", str(corpus)), env=env, timeout=300)
    out = done.stdout + done.stderr
    expected = {"iclr2025_empty.md": "empty", "iclr2025_latin.md": "read as Latin-1",
                "iclr2025_nul.md": "control character", "not-a-task-name.md": "",
                "idea_o4-mini.json": "not readable", "idea_claude.json": "ignored"}
    for file, word in expected.items():
        line = next((x for x in out.splitlines() if file in x and word in x), None)
        table.append((f"corpus: {file}", done.returncode, (line or "<< no line")[-90:]))
        if line is None:
            problems.append(f"corpus: no line names {file} ({word!r})")
    if "Traceback" in out or done.returncode != 0:
        problems.append(f"import exit {done.returncode} or traceback")
    after = counts(db)
    assert all(after[t] >= before[t] for t in before), (before, after)
    assert after["tasks"] == before["tasks"] + 3      # good, latin-1 and NUL (fixed on the way)
    store = open_store(db)
    assert store.scalar("SELECT title FROM tasks WHERE id = 'iclr2025_latin'") == "Caf\u00e9 Day"
    store.close()
    print("\nbad-input drill")
    print(f"{'case':<36} {'exit':>4}  one line")
    for name, rc, line in table:
        print(f"{name:<36} {rc:>4}  {line}")
    assert not problems, problems
    assert os.path.getsize(db) > 0
