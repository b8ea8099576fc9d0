"""The provenance service on a small run of our own in a real temp SQLite store."""

from __future__ import annotations

from provenance_seed import TASK as P_TASK
from provenance_seed import seed_run

from mlrtui.judge import flags as fl
from mlrtui.provenance import records as R
from mlrtui.provenance.sources import load_inputs
from mlrtui.services import provenance as P


def _statuses(store, run_id):
    return {(c["doc"], c["line"], c["value"]): c["status"] for c in R.claims(store, run_id)}


def test_check_stores_claims_figures_and_flags(store):
    rid = seed_run(store)
    rc = P.check_run(store, rid)
    got = _statuses(store, rid)
    assert got[("results/results.md", 5, "0.812")] == "traced"
    assert got[("results/results.md", 6, "0.905")] == "contradicted"
    assert got[("results/results.md", 8, "0.061")] == "derived"
    assert got[("results/paper.md", 7, "0.6379")] == "untraced"
    figs = R.figures(store, rid)
    assert (figs.claims, figs.contradicted, figs.untraced) == (8, 1, 1)
    assert figs.figure == 0.75 and figs.evidence_source == "executions"
    assert rc.suspected                       # a contradicted number
    flags = fl.list_flags(store, fl.FlagFilter(run_id=rid, source="provenance"))
    severity = dict(store.db.execute(
        "SELECT description LIKE '%0.905%', severity FROM flags WHERE run_id = ?", [rid]))
    assert severity == {1: "high", 0: "medium"}   # contradicted; untraced with a decoy
    assert {f.type for f in flags} == {"faked_results"} and len(flags) == 2
    untraced = next(f for f in flags if "0.6379" in f.description)
    assert "results/expected.txt" in untraced.description      # the decoy is named
    assert untraced.evidence.startswith("results/paper.md:7:")
    heads = {row["stage"]: row["version_id"] for row in store.query(
        "SELECT stage, version_id FROM stage_heads WHERE run_id = ?", [rid])}
    assert untraced.version_id == heads["paper"]
    assert R.version_mark(store, heads["paper"]) == "1 untraced numbers"
    assert R.version_mark(store, heads["experiment"]) == "1 contradicted numbers"


def test_evidence_points_at_lines_that_hold_the_snippet(store):
    rid = seed_run(store)
    P.check_run(store, rid)
    stdout = store.scalar("SELECT stdout FROM executions WHERE run_id = ?", [rid]).splitlines()
    metrics = store.scalar("SELECT content FROM files WHERE path = 'results/metrics.json'")
    texts = {"results/metrics.json": bytes(metrics).decode().splitlines()}
    seen = 0
    for c in R.claims(store, rid):
        for h in c["evidence"]:
            lines = stdout if h["name"].startswith("exec:") else texts[h["name"]]
            assert h["snippet"] in lines[h["line"] - 1]
            seen += 1
    assert seen >= 6


def test_recheck_is_idempotent_and_keeps_human_decisions(store):
    rid = seed_run(store)
    P.check_run(store, rid)
    before = {f.id: f for f in fl.list_flags(store, fl.FlagFilter(run_id=rid))}
    contra = next(f for f in before.values() if "0.905" in f.description)
    fl.dismiss(store, contra.id, "the table was rounded by hand")
    again = P.check_run(store, rid)
    assert again.flags == {"added": 0, "kept": 2, "removed": 0}
    after = {f.id: f for f in fl.list_flags(store, fl.FlagFilter(run_id=rid))}
    assert after.keys() == before.keys()
    assert after[contra.id].status == "dismissed"
    assert after[contra.id].note == "the table was rounded by hand"
    assert len(R.claims(store, rid)) == 8


def test_a_flag_that_no_longer_applies_goes(store):
    rid = seed_run(store)
    P.check_run(store, rid)
    store.db.execute("UPDATE executions SET stdout = stdout || ? WHERE run_id = ?",
                     ["shifted split robustness score=0.6379\n", rid])
    rc = P.check_run(store, rid)
    assert rc.flags == {"added": 0, "kept": 1, "removed": 1}
    assert _statuses(store, rid)[("results/paper.md", 7, "0.6379")] == "traced"


def test_transcript_fallback_without_executions(store):
    rid = seed_run(store, with_transcript=True)
    inp = load_inputs(store, rid)
    assert inp.transcript == "claude_output.json"
    origins = {e.name: e.origin for e in inp.evidence}
    assert origins["claude_output.json#1"] == "execution"      # python run.py
    assert origins["claude_output.json#2"] == "agent"          # cat results.md shows typed text
    assert any(n.startswith("claude_output.json#0 Write") and o == "agent"
               for n, o in origins.items())
    rc = P.check_run(store, rid)
    got = _statuses(store, rid)
    assert got[("results/results.md", 5, "0.812")] == "traced"
    assert got[("results/paper.md", 7, "0.6379")] == "untraced"  # only in the typed file
    assert rc.figures.evidence_source == "transcript claude_output.json"


def test_select_runs(store):
    rid = seed_run(store)
    assert P.select_runs(store, all_runs=True) == [rid]
    assert P.select_runs(store, task_globs=["acme*"]) == [rid]
    for bad in ({"run_ids": [rid + 50]}, {"task_globs": ["nope*"]}):
        try:
            P.select_runs(store, **bad)
        except P.ProvenanceError as exc:
            assert "\n" not in str(exc)
        else:
            raise AssertionError(f"{bad} should fail")


async def test_check_after_stages_only_for_done_experiment_or_paper(store):
    from mlrtui.runs.stage_runner import StageOutcome

    rid = seed_run(store)
    assert P.check_after_stage(store, rid, "idea") is None
    assert R.figures(store, rid) is None
    outcomes = [StageOutcome(P_TASK, "m", "proposal", "done", run_id=rid),
                StageOutcome(P_TASK, "m", "paper", "failed", run_id=rid)]
    assert await P.check_outcomes(store, outcomes) == {}
    outcomes += [StageOutcome(P_TASK, "m", "experiment", "done", run_id=rid),
                 StageOutcome(P_TASK, "m", "paper", "done", run_id=rid)]
    checked = await P.check_outcomes(store, outcomes)
    assert list(checked) == [rid] and checked[rid].claims == 8
    assert R.figures(store, rid).claims == 8
