"""Versions and lineage: inputs, current heads, staleness, human edits, diffs."""

from __future__ import annotations

import sqlite3

import pytest

from mlrtui.runs import versions as V
from mlrtui.store.db import Store


def _task(store: Store, task_id: str = "iclr2026_demo") -> str:
    store.insert("tasks", {"id": task_id, "venue": "iclr", "year": 2026, "slug": "demo",
                           "title": "Demo", "body": "Body.", "category": "Others",
                           "source": "user", "content_hash": "x", "created_at": "now"},
                 ignore=True)
    return task_id


@pytest.fixture
def run(store: Store) -> V.Run:
    return V.create_run(store, _task(store), "o4-mini-2025-04-16", "end-to-end")


def _chain(store: Store, run: V.Run) -> dict[str, V.Version]:
    out = {}
    for stage in V.STAGES:
        out[stage] = V.write_version(store, run.id, stage, f"{stage} text\n", run.model_name)
    return out


def test_run_keeps_canonical_and_original_model(store, run) -> None:
    assert run.model == "o4-mini" and run.model_name == "o4-mini-2025-04-16"
    assert V.get_or_create_run(store, run.task_id, "o4-mini-2025-04-16", "end-to-end").id == run.id
    assert V.get_or_create_run(store, run.task_id, "o4-mini", "stepwise").id != run.id


def test_version_records_current_upstream_as_inputs(store, run) -> None:
    chain = _chain(store, run)
    assert chain["idea"].inputs == []
    assert chain["proposal"].inputs == sorted([chain["idea"].id, chain["literature"].id])
    assert chain["paper"].inputs == sorted(v.id for s, v in chain.items() if s != "paper")
    assert chain["paper"].author == "o4-mini"
    assert all(s.state == "done" for s in V.stage_states(store, run.id))


def test_human_edit_of_idea_marks_every_later_stage_stale(store, run) -> None:
    chain = _chain(store, run)
    edited = V.save_human_version(store, run.id, "idea", "my better idea\n")
    assert edited.author == "human" and edited.current and not edited.stale
    assert V.stale_stages(store, run.id) == ["literature", "proposal", "experiment", "paper"]
    # the old versions themselves keep their flags; only heads are stale
    assert V.get_version(store, chain["idea"].id).current is False
    states = {s.stage: s.state for s in V.stage_states(store, run.id)}
    assert states["idea"] == "done"
    assert V.needs_run(store, run.id, "proposal") and not V.needs_run(store, run.id, "idea")


def test_rerun_clears_staleness_and_records_the_edited_input(store, run) -> None:
    _chain(store, run)
    edited = V.save_human_version(store, run.id, "idea", "edited\n")
    proposal = V.write_version(store, run.id, "proposal", "new proposal\n", run.model_name)
    assert not proposal.stale and edited.id in proposal.inputs
    # literature is still stale (its head was built from the old idea)
    assert V.stale_stages(store, run.id) == ["literature", "experiment", "paper"]


def test_editing_a_middle_stage_leaves_earlier_ones_alone(store, run) -> None:
    _chain(store, run)
    V.save_human_version(store, run.id, "proposal", "edited proposal\n")
    assert V.stale_stages(store, run.id) == ["experiment", "paper"]


def test_set_current_back_to_an_old_version(store, run) -> None:
    chain = _chain(store, run)
    V.save_human_version(store, run.id, "idea", "edited\n")
    back = V.set_current(store, chain["idea"].id)
    assert back.current and not back.stale
    # proposal was built from the original idea but literature head is stale-flagged still
    assert "literature" in V.stale_stages(store, run.id)
    # an old proposal made current while its idea is not current is stale itself
    V.save_human_version(store, run.id, "idea", "again\n")
    again = V.set_current(store, chain["proposal"].id)
    assert again.stale


def test_version_built_from_a_superseded_input_is_stale_at_birth(store, run) -> None:
    chain = _chain(store, run)
    V.save_human_version(store, run.id, "idea", "edited meanwhile\n")
    late = V.write_version(store, run.id, "literature", "made from the old idea\n",
                           run.model_name, inputs=[chain["idea"].id])
    assert late.stale and "literature" in V.stale_stages(store, run.id)


def test_history_newest_first_and_diff(store, run) -> None:
    first = V.write_version(store, run.id, "idea", "line one\nline two\n", run.model_name)
    second = V.save_human_version(store, run.id, "idea", "line one\nline 2\n")
    hist = V.history(store, run.id, "idea")
    assert [v.id for v in hist] == [second.id, first.id]
    assert hist[0].current and not hist[1].current
    assert hist[0].note == f"edit of version {first.id}"
    d = V.diff(first, second)
    assert "-line two" in d and "+line 2" in d and "(human)" in d


def test_failed_write_leaves_nothing(store, run) -> None:
    with pytest.raises(V.VersionError):
        V.write_version(store, run.id, "nonsense", "x", "m")
    with pytest.raises(sqlite3.IntegrityError):
        V.write_version(store, run.id, "idea", "x", "m", inputs=[999999])  # foreign key
    assert store.scalar("SELECT count(*) FROM versions") == 0
    assert V.heads(store, run.id) == {}
