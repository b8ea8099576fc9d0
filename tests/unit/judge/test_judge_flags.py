"""Flags: created from judge findings, filtered, decided with a note, judge precision."""

from __future__ import annotations

import pytest
from judge_helpers import PAPER, make_run

from mlrtui.judge import flags as fl
from mlrtui.judge.reply import CheckedReply, Finding


def _raise(store, run: int, version: int, judge: str, *types: str) -> None:
    reply = CheckedReply(status="ok", findings=[
        Finding(type=t, description=f"{t} found", evidence="97.3%") for t in types])
    fl.flags_from_reply(store, None, reply, source=judge, run_id=run, version_id=version)


def test_decisions_and_precision_per_judge(store) -> None:
    run, versions = make_run(store, {"paper": PAPER})
    v = versions["paper"]
    _raise(store, run, v, "judge-a", "faked_results", "nonexistent_citation", "math_error")
    _raise(store, run, v, "judge-b", "faked_results")
    flags = fl.list_flags(store)
    assert len(flags) == 4 and all(f.status == "open" for f in flags)
    assert flags[0].task_id == "iclr2026_tiny_evals" and flags[0].stage == "paper"
    a = [f for f in flags if f.source == "judge-a"]
    fl.confirm(store, a[0].id, "numbers are in no log")
    fl.dismiss(store, a[1].id, "  the reference exists  ")
    b = fl.list_flags(store, fl.FlagFilter(source="judge-b"))[0]
    fl.dismiss(store, b.id)
    decided = fl.get_flag(store, a[1].id)
    assert decided.status == "dismissed" and decided.note == "the reference exists"
    assert decided.decided_at is not None
    prec = {p.source: p for p in fl.precision(store)}
    assert prec["judge-a"].precision == pytest.approx(0.5)
    assert (prec["judge-a"].confirmed, prec["judge-a"].dismissed, prec["judge-a"].open) == (1, 1, 1)
    assert prec["judge-b"].precision == 0.0
    fl.decide(store, b.id, "open")
    assert fl.precision(store)[1].precision is None
    assert fl.get_flag(store, b.id).decided_at is None


def test_filters_by_type_status_and_run(store) -> None:
    run1, v1 = make_run(store, {"paper": PAPER})
    run2, v2 = make_run(store, {"paper": PAPER}, model="gpt-4o")
    _raise(store, run1, v1["paper"], "j", "faked_results", "math_error")
    _raise(store, run2, v2["paper"], "j", "faked_results")
    assert len(fl.list_flags(store, fl.FlagFilter(type="faked_results"))) == 2
    assert len(fl.list_flags(store, fl.FlagFilter(run_id=run2))) == 1
    first = fl.list_flags(store, fl.FlagFilter(run_id=run1))[0]
    fl.confirm(store, first.id)
    assert [f.id for f in fl.list_flags(store, fl.FlagFilter(status="confirmed"))] == [first.id]
    assert fl.list_flags(store)[-1].status == "confirmed"        # open ones first
    with pytest.raises(fl.FlagError, match="no flag 999"):
        fl.confirm(store, 999)
    with pytest.raises(fl.FlagError, match="unknown status"):
        fl.decide(store, first.id, "maybe")  # type: ignore[arg-type]


def test_evidence_is_located_in_the_flagged_version(store) -> None:
    run, versions = make_run(store, {"paper": PAPER})
    _raise(store, run, versions["paper"], "j", "faked_results")
    flag = fl.list_flags(store)[0]
    where = fl.evidence_context(store, flag.id)
    assert where.line == 5 and where.text[where.start:where.end] == "97.3%"
    store.db.execute("UPDATE flags SET evidence = ? WHERE id = ?",
                     ["smith ET AL.\n (2031)", flag.id])
    assert fl.evidence_context(store, flag.id).line == 7         # case/space-insensitive
    store.db.execute("UPDATE flags SET evidence = 'not there' WHERE id = ?", [flag.id])
    assert fl.evidence_context(store, flag.id).line is None
