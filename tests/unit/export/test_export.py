"""`mlrtui export`: bundle contents, untrusted paths, redaction, re-export, stage filter, CSV."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from export_helpers import JUDGES, MODEL, TASK, UNSAFE_PATHS, cli, seed_run

from mlrtui.export.bundle import export_leaderboard, export_run, find_runs
from mlrtui.export.writer import ExportError, safe_relpath
from mlrtui.store import open_store

SECRET = "mk-EXPORT-marker-7f31c9"


def _bundle(out: Path) -> Path:
    found = [p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert len(found) == 1, found
    return found[0]


def test_bundle_holds_the_whole_run_and_refuses_unsafe_paths(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    db = tmp_path / "x.db"
    store = open_store(db)
    ids = seed_run(store, tmp_path, secret=SECRET)
    store.close()
    sandbox = tmp_path / "sandbox"
    out = sandbox / "out"
    done = cli("--db", str(db), "export", "--run", str(ids["run"]), "--out", str(out))
    assert done.returncode == 0, done.stderr
    bundle = _bundle(out)
    assert bundle.name == f"run-{ids['run']}-{TASK}-{MODEL}"
    assert f"run {ids['run']} -> {bundle}" in done.stdout

    idea = (bundle / "stages" / "idea.md").read_text()
    head, body = idea.split("---\n", 2)[1:]
    facts = dict(line.split(": ", 1) for line in head.splitlines())
    assert json.loads(facts["version"]) == ids["versions"]["idea"]
    assert json.loads(facts["author"]) == MODEL and json.loads(facts["stale"]) is False
    paper = (bundle / "stages" / "paper.md").read_text()
    upstream = json.loads(dict(line.split(": ", 1) for line in
                               paper.split("---\n")[1].splitlines())["upstream"])
    assert upstream == [ids["versions"][s] for s in ("idea", "literature", "proposal",
                                                     "experiment")]
    assert "Our idea text." in body and SECRET not in body and "[redacted]" in body
    assert (bundle / "task.md").read_text().startswith("# Workshop on Trustworthy Evaluation")

    assert (bundle / "files" / "code" / "train.py").read_bytes() == b"print('accuracy: 0.5')\n"
    figure = (bundle / "files" / "results" / "plot.png").read_bytes()     # copied from disk
    assert figure.startswith(b"\x89PNG") and SECRET.encode() not in figure
    written = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")}
    assert not any("escape" in p or "evil" in p or p.endswith(("up.txt", "b.txt"))
                   for p in written), written
    assert not Path("/tmp/mlrtui-export-absolute-escape.txt").exists()
    for raw in UNSAFE_PATHS:
        assert f"file {raw!r} of the run" in done.stderr
    assert "results/huge.bin: its content is not in the database" in done.stderr
    assert len(done.stderr.strip().splitlines()) == len(UNSAFE_PATHS) + 1

    execs = json.loads((bundle / "executions.json").read_text())
    assert [(e["command"], e["exit_code"], e["status"], e["reason"]) for e in execs] == [
        ("python code/train.py", 1, "failed", "exit code 1")]
    assert "[redacted]" in execs[0]["stderr"] and execs[0]["duration_s"] == 0.25
    reviews = json.loads((bundle / "reviews.json").read_text())
    assert [r["judge_model"] for r in reviews] == JUDGES
    assert reviews[0]["scores"]["Novelty"] == 6 and reviews[1]["scores"]["Overall"] == 8
    flags = json.loads((bundle / "flags.json").read_text())
    assert [(f["id"], f["type"], f["evidence"]) for f in flags] == [
        (ids["flag"], "faked_results", "97.3%")]
    ledger = list(csv.DictReader((bundle / "ledger.csv").open()))
    assert [(r["call_key"], r["status"], r["cost_usd"]) for r in ledger] == [
        ("k1", "ok", "12.345678"), ("k2", "ok", ""), ("k3", "error", "")]
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert manifest["run"]["id"] == ids["run"] and len(manifest["problems"]) == 6
    assert {"files/code/train.py", "stages/idea.md", "ledger.csv"} <= {
        f["path"] for f in manifest["files"]}
    for path in bundle.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
    assert "## Problems" in (bundle / "README.md").read_text()


def test_reexport_replaces_the_bundle_and_json_format(tmp_path, store) -> None:
    ids = seed_run(store, tmp_path)
    out = tmp_path / "out"
    first = export_run(store, ids["run"], out, secrets=[])
    (first.path / "stale-extra.txt").write_text("left from an older export")
    again = export_run(store, ids["run"], out, secrets=[], fmt="json", stages=["idea"])
    assert again.path == first.path and not (again.path / "stale-extra.txt").exists()
    assert sorted(p.name for p in out.iterdir()) == [first.path.name]      # no partial left
    stages = json.loads((again.path / "stages.json").read_text())
    assert [(s["stage"], s["version"]) for s in stages] == [("idea", ids["versions"]["idea"])]
    assert not (again.path / "stages").exists() and not (again.path / "files").exists()
    assert not (again.path / "executions.json").exists()
    assert [f["id"] for f in json.loads((again.path / "flags.json").read_text())] == []
    assert len(json.loads((again.path / "reviews.json").read_text())) == 2   # idea reviews
    keys = [r["call_key"] for r in csv.DictReader((again.path / "ledger.csv").open())]
    assert keys == ["k1", "k2", "k3"]                                         # idea-stage calls


def test_task_glob_model_filter_and_errors(tmp_path, store) -> None:
    ids = seed_run(store, tmp_path)
    assert find_runs(store, ["iclr2026_*"]) == [ids["run"]]
    assert find_runs(store, ["iclr2026_*"], ["someone-else"]) == []
    assert find_runs(store, ["icml*"]) == []
    with pytest.raises(ExportError, match="no run 999"):
        export_run(store, 999, tmp_path / "o", secrets=[])
    with pytest.raises(ExportError, match="unknown stage"):
        export_run(store, ids["run"], tmp_path / "o", secrets=[], stages=["ideas"])
    db = str(store.path)
    store.close()
    none = cli("--db", db, "export", "--task", "nothing*", "--out", str(tmp_path / "o"))
    assert none.returncode == 2 and none.stderr.strip().startswith(
        "mlrtui: no task matches 'nothing*'")
    no_run = cli("--db", db, "export", "--task", "icml*", "--out", str(tmp_path / "o"))
    assert no_run.returncode == 2 and no_run.stderr.strip() == (
        "mlrtui: no run of a task matching icml*")
    a_file = tmp_path / "afile"
    a_file.write_text("x")
    bad_out = cli("--db", db, "export", "--run", str(ids["run"]), "--out", str(a_file))
    assert bad_out.returncode == 2 and "exists and is not a folder" in bad_out.stderr
    missing = cli("--db", db, "export", "--run", "999", "--run", str(ids["run"]), "--out",
                  str(tmp_path / "o"))
    assert missing.returncode == 1 and "! run 999: no run 999" in missing.stderr
    assert "exported 1 of 2 run(s)" in missing.stdout


def test_unsafe_relative_paths_are_refused() -> None:
    assert safe_relpath("./a//b/c.txt").as_posix() == "a/b/c.txt"
    for raw in [*UNSAFE_PATHS, "", "a/\x00b", "./.", "\\\\server\\share"]:
        with pytest.raises(ExportError):
            safe_relpath(raw)


def test_leaderboard_csv(tmp_path, store) -> None:
    seed_run(store, tmp_path)
    target = tmp_path / "tables" / "idea.csv"
    assert export_leaderboard(store, "idea", target, secrets=[]) == 1
    rows = list(csv.reader(target.open()))
    header, row = rows
    assert header[:3] == ["model", "items", "Consistency"]
    assert f"Overall [{JUDGES[0]}]" in header
    values = dict(zip(header, row, strict=True))
    assert values["model"] == MODEL and values["items"] == "1"
    # judge one gave Overall 6 + 1 (odd index), judge two 7 + 1: mean 7.5
    assert values["Overall"] == "7.50" and values[f"Overall [{JUDGES[1]}]"] == "8.00"
    with pytest.raises(ExportError, match="is a folder"):
        export_leaderboard(store, "idea", tmp_path, secrets=[])
