"""`mlrtui run` and `mlrtui versions` as a user runs them: real subprocesses, real SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from stages_helpers import add_task

from mlrtui.runs import versions as V
from mlrtui.store import open_store
from mlrtui.store.tasks import load_task_dir


def _config(tmp_path: Path, loopback) -> dict[str, str]:
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        "[models.fake-openai]\nprovider = \"openai\"\nmodel = \"gpt-4o\"\n"
        f"base_url = \"{loopback.openai_base_url}\"\napi_key_env = \"MLRTUI_TEST_KEY\"\n"
        "max_tokens = 128\ntimeout_s = 10.0\nconcurrency = 16\n", encoding="utf-8")
    return {**os.environ, "MLRTUI_CONFIG": str(cfg), "MLRTUI_TEST_KEY": "k-loopback"}


def _cli(argv: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(argv, check=False, capture_output=True, text=True, **kw)


def _mlrtui(*args: str) -> list[str]:
    return [sys.executable, "-m", "mlrtui.cli", *args]


def test_sigkill_halfway_then_rerun_completes_exactly_the_missing(tmp_path, loopback, corpus):
    db = tmp_path / "run.db"
    store = open_store(db)
    load_task_dir(store, corpus / "tasks", "corpus")
    n_tasks = store.scalar("SELECT count(*) FROM tasks")
    assert n_tasks == 201
    env = _config(tmp_path, loopback)
    loopback.latency_s = 0.1
    cmd = _mlrtui("--db", str(db), "run", "--task", "*", "--model", "fake-openai",
                  "--stages", "idea", "--concurrency", "16", "--quiet")
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while store.scalar("SELECT count(*) FROM versions") < 60 and time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    written = store.scalar("SELECT count(*) FROM versions")
    assert 60 <= written < 201
    time.sleep(0.5)     # requests the killed process had already sent may still be landing
    started = time.monotonic()
    done = _cli(cmd, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"{201 - written} done, {written} skipped, 0 failed" in done.stdout
    assert len([r for r in loopback.requests if r.at >= started]) == 201 - written
    assert store.scalar("SELECT count(*) FROM runs") == 201
    per_run = store.query("SELECT run_id, count(*) AS n FROM versions GROUP BY run_id")
    assert len(per_run) == 201 and all(r["n"] == 1 for r in per_run)
    assert store.scalar("SELECT count(*) FROM llm_calls WHERE status='ok' AND version_id IS "
                        "NULL AND batch_id=(SELECT max(id) FROM batches)") == 0
    store.close()


def test_run_errors_are_one_line(tmp_path, loopback):
    env = _config(tmp_path, loopback)
    db = str(tmp_path / "e.db")
    bad_model = _cli(_mlrtui("--db", db, "run", "--task", "*", "--model", "nope"), env=env)
    assert bad_model.returncode == 2 and "unknown model 'nope'" in bad_model.stderr
    assert len(bad_model.stderr.strip().splitlines()) == 1
    no_task = _cli(_mlrtui("--db", db, "run", "--task", "zzz*", "--model", "fake-openai"),
                   env=env)
    assert no_task.returncode == 2 and "no task matches zzz*" in no_task.stderr
    bad_stage = _cli(_mlrtui("--db", db, "run", "--task", "*", "--stages", "ideas"), env=env)
    assert bad_stage.returncode == 2 and "unknown stage 'ideas'" in bad_stage.stderr


def test_ctrl_c_stops_cleanly_with_a_summary(tmp_path, loopback):
    db = tmp_path / "c.db"
    store = open_store(db)
    for i in range(6):
        add_task(store, f"iclr2026_int{i}")
    env = _config(tmp_path, loopback)
    loopback.latency_s = 5.0
    proc = subprocess.Popen(_mlrtui("--db", str(db), "run", "--task", "iclr2026_int*", "--model",
                                    "fake-openai", "--stages", "idea", "--quiet"),
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not loopback.requests and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "cancelled" in out and "run the same command again" in out
    assert store.scalar("SELECT count(*) FROM versions") == 0
    assert store.scalar("SELECT status FROM batches") == "cancelled"
    store.close()


def test_versions_list_show_diff_and_edit(tmp_path, loopback):
    db = tmp_path / "v.db"
    store = open_store(db)
    add_task(store, "iclr2026_ver")
    run = V.create_run(store, "iclr2026_ver", "fake-openai", "end-to-end")
    idea = V.write_version(store, run.id, "idea", "first idea\n", "fake-openai")
    V.write_version(store, run.id, "proposal", "a proposal\n", "fake-openai")
    store.close()
    env = _config(tmp_path, loopback)
    editor = tmp_path / "editor.py"
    editor.write_text("import sys\nopen(sys.argv[1], 'a').write('edited by a person\\n')\n")
    env["EDITOR"] = f"{sys.executable} {editor}"
    env.pop("VISUAL", None)
    base = _mlrtui("--db", str(db), "versions")
    edit = _cli([*base, str(run.id), "--edit", "idea"], env=env)
    assert edit.returncode == 0, edit.stderr
    assert "(human)" in edit.stdout and "stale now: proposal" in edit.stdout
    listing = _cli([*base, str(run.id)], env=env)
    assert "proposal    stale" in listing.stdout and "human" in listing.stdout
    store = open_store(db)
    human = V.current(store, run.id, "idea")
    store.close()
    assert human.text == "first idea\nedited by a person\n"
    diff = _cli([*base, "--diff", str(idea.id), str(human.id)], env=env)
    assert "+edited by a person" in diff.stdout
    show = _cli([*base, "--show", str(idea.id)], env=env)
    assert show.stdout == "first idea\n"
    missing = _cli([*base, "--show", "9999"], env=env)
    assert missing.returncode == 2 and "no version 9999" in missing.stderr
    back = _cli([*base, "--current", str(idea.id)], env=env)
    assert back.returncode == 0 and f"idea v{idea.id} is current" in back.stdout
    assert "stale now: proposal" in back.stdout
