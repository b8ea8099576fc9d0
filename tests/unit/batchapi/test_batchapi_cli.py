"""`mlrtui judge --batch-api`, `mlrtui run --batch-api` and `mlrtui batches` as real
subprocesses against the loopback: a SIGKILL while the batch is pending, then a re-run that
picks the same provider batch up (no second create) and writes each review once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batch_helpers import idea_reply, reviews_per_version, tiny_ideas

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def cli_env(loopback, tmp_path: Path) -> dict[str, str]:
    """A config whose judges are served by the loopback; fast polling."""
    config = tmp_path / "config.toml"
    config.write_text(
        'judges = ["fake-openai"]\ndefault_model = "fake-anthropic"\n\n'
        '[models.fake-openai]\nprovider = "openai"\nmodel = "gpt-4o"\n'
        f'base_url = "{loopback.openai_base_url}"\napi_key_env = "MLRTUI_TEST_KEY"\n'
        'max_tokens = 256\n\n'
        '[models.fake-anthropic]\nprovider = "anthropic"\nmodel = "claude-sonnet-4-6"\n'
        f'base_url = "{loopback.base_url}"\napi_key_env = "MLRTUI_TEST_KEY"\n'
        'max_tokens = 256\n', encoding="utf-8")
    return {**os.environ, "MLRTUI_CONFIG": str(config), "MLRTUI_TEST_KEY": "k",
            "MLRTUI_BATCH_POLL_S": "0.1", "PYTHONPATH": str(ROOT)}


def _mlrtui(env: dict[str, str], db: Path, *args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "mlrtui.cli", "--db", str(db), *args],
                            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kw)


def _wait_for(check, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


@pytest.mark.parametrize("judge, rerun", [("fake-openai", ["judge", "--stage", "idea",
                                                             "--batch-api"]),
                                          ("fake-anthropic", ["batches", "--resume"])])
def test_sigkill_while_pending_then_rerun_collects_the_same_batch_once(
        store, loopback, cli_env, judge, rerun) -> None:
    loopback.responder = lambda rec: idea_reply(7)
    loopback.batches.complete_after_s = 3600          # pending until we say otherwise
    versions = tiny_ideas(store, 201)
    proc = _mlrtui(cli_env, store.path, "judge", "--stage", "idea", "--judges", judge,
                   "--batch-api")
    try:
        _wait_for(lambda: store.scalar("SELECT provider_batch_id FROM provider_batches "
                                       "WHERE status = 'pending'") is not None
                  and proc.poll() is None)
        time.sleep(0.3)                                # a few polls while pending
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    provider_id = store.scalar("SELECT provider_batch_id FROM provider_batches")
    assert loopback.batches.creates() == 1
    assert store.scalar("SELECT COUNT(*) FROM reviews") == 0

    listed = _mlrtui(cli_env, store.path, "batches")
    out, _ = listed.communicate(timeout=60)
    assert listed.returncode == 0 and provider_id in out and "pending" in out

    loopback.batches.complete_after_s = 0
    again = _mlrtui(cli_env, store.path, *rerun, *(["--judges", judge] if rerun[0] == "judge"
                                                   else []))
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert f"resuming provider batch 1 ({provider_id})" in err
    assert "201 reviews written" in out
    assert loopback.batches.creates() == 1            # picked up, never resubmitted
    assert reviews_per_version(store) == {v: 1 for v in versions}
    assert store.scalar("SELECT COUNT(*) FROM llm_calls WHERE status = 'ok'") == 201
    assert store.scalar("SELECT status FROM provider_batches") == "collected"
    assert store.scalar("SELECT status FROM batches") == "done"


@pytest.mark.parametrize("args, expected", [
    (["judge", "--stage", "idea", "--judges", "local", "--batch-api"],
     "mlrtui: --batch-api: model local (local) has no batch API"),
    (["run", "--task", "toy*", "--mode", "end-to-end", "--batch-api"],
     "mlrtui: --batch-api: end-to-end runs need"),
    (["run", "--task", "toy*", "--model", "fake-openai", "--batch-api"],
     "mlrtui: --batch-api: the experiment stage runs code"),
])
def test_refusals_are_one_line(store, loopback, cli_env, args, expected) -> None:
    tiny_ideas(store, 1)
    proc = _mlrtui(cli_env, store.path, *args)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert err.strip().startswith(expected) and len(err.strip().splitlines()) == 1, err
    assert loopback.batches.calls == []
