"""Demo data for the judging screens, of our own writing (no corpus text), on top of seed_demo.

Adds: an invalid judge reply on one idea run; two end-to-end runs whose papers carry quotable
claims; hallucination reviews with flags in every status (one whose evidence is not in the
text); end-to-end "overall" reviews of the three papers by two judges; and two experts' scores
of those papers (with one duplicated row), as the imported human evaluation would be.
"""

from __future__ import annotations

import json

from ui.seed import DIMENSIONS, JUDGES, MODELS, WHEN, _version, seed_demo

from mlrtui.store import Store

LENDING_PAPER = """# Auditing Small-Loan Models Without Hiding Bias

## Abstract
We audit three credit models that decide small loans and ask whether removing bias also
removes the evidence of it. Our audit keeps a record of every reweighting step.

## Method
Applicants are reweighted so that approval rates match across groups. The reweighting solves
a convex program whose dual has a closed form, which we use to explain each weight.
We then replay one year of decisions with the new weights.

## Results
After reweighting, the audited model approved 61.4% of applicants in every group (Table 2).
Refusal letters written from the explanations were rated clearer by 212 participants.

## Related work
Okafor and Lindqvist (2029) report the same gap for rural lenders.

## Limitations
We only saw decisions, never the applicants who gave up before applying.
"""

KITCHEN_PAPER = """# Safe Reaching Near Knives in Simulated Kitchens

## Abstract
A household robot must reach past sharp tools without touching them. We learn a reaching
policy in simulation with a penalty on distance to any blade.

## Method
The policy is trained with a shaped reward and a learned safety critic that vetoes actions.
Every episode starts from a randomly cluttered counter.

## Results
The vetoed policy touched a blade in 3 of 500 test episodes, against 41 without the critic.

## Limitations
All counters were simulated; real knives reflect light in ways our cameras never saw.
"""

# (model, task, paper text) of the two end-to-end runs added here
E2E_RUNS = [("claude-3-7-sonnet", "acme2024_fair_lending", LENDING_PAPER),
            ("gemini-2.5-pro-preview", "zeta2025_kitchen_robots", KITCHEN_PAPER)]
OVERALL_DIMS = ["Clarity", "Novelty", "Soundness", "Significance", "Overall"]
# per paper (in order: seed_demo's o4-mini paper, then E2E_RUNS), each judge's base score
OVERALL_BASES = [(5, 6), (7, 4), (6, 6)]
# per paper, each expert's base score; expert-b scores the second paper twice
EXPERT_BASES = [(5, 6), (6, 5), (7, 7)]
INVALID_REPLY = "I liked this idea a lot. Overall I would say 8, maybe 9 if the data exist."
MORE_IDEAS = {"acme2024_fair_lending": "Audit refusals by replaying them with the applicant's "
                                       "group swapped, and publish every changed decision.",
              "zeta2025_kitchen_robots": "Teach a reaching policy to keep a margin from blades by "
                                         "penalising the closest approach, not only contact."}


def _review(store: Store, *, task: str, run: int, version: int, stage: str, model: str,
            judge: str, scores: dict[str, float], status: str = "ok",
            raw: str | None = None, error: str | None = None) -> int:
    rid = store.insert("reviews", {
        "task_id": task, "run_id": run, "version_id": version, "stage": stage,
        "target_model": model, "judge_model": judge, "overall": scores.get("Overall"),
        "raw_text": raw if raw is not None else json.dumps(scores), "parse_status": status,
        "error": error, "rubric_id": stage, "source": "corpus", "created_at": WHEN})
    for dim, score in scores.items():
        store.insert("review_scores", {"review_id": rid, "dimension": dim, "score": score})
    return int(rid)


def _flag(store: Store, review: int, run: int, version: int, kind: str, description: str,
          evidence: str, source: str, status: str = "open", note: str | None = None) -> int:
    return int(store.insert("flags", {
        "review_id": review, "run_id": run, "version_id": version, "type": kind,
        "description": description, "evidence": evidence, "source": source, "status": status,
        "note": note, "decided_at": None if status == "open" else WHEN, "created_at": WHEN}))


def seed_judging(store: Store) -> dict[str, int]:
    """seed_demo plus the judging data above; returns the ids the tests use."""
    ids = seed_demo(store)
    with store.transaction():
        ministral = store.scalar("SELECT run_id FROM versions WHERE id = ?",
                                 [ids["idea:ministral-8b"]])
        ids["invalid_review"] = _review(
            store, task="acme2025_tide_gauges", run=ministral, version=ids["idea:ministral-8b"],
            stage="idea", model="ministral-8b", judge=JUDGES[1], scores={}, status="invalid",
            raw=INVALID_REPLY, error="no JSON found")
        ids["ministral_run"] = ministral
        for t, (task, idea) in enumerate(MORE_IDEAS.items()):
            for i, model in enumerate(MODELS):
                run = store.insert("runs", {"task_id": task, "mode": "stepwise", "model": model,
                                            "status": "done", "source": "corpus",
                                            "created_at": WHEN, "updated_at": WHEN})
                version = _version(store, run, "idea", f"# Idea\n\n{idea}\n", model)
                for j, judge in enumerate(JUDGES):
                    base = 4 + (3 * i + 2 * j + 5 * t) % 6
                    scores = {d: float(min(10, base + k % 3)) for k, d in enumerate(DIMENSIONS)}
                    _review(store, task=task, run=run, version=version, stage="idea",
                            model=model, judge=judge, scores={**scores, "Overall": base})
        papers = [(store.scalar("SELECT task_id FROM runs WHERE id = ?", [ids["e2e_run"]]),
                   "o4-mini", ids["e2e_run"], ids["e2e:paper"])]
        for model, task, text in E2E_RUNS:
            run = store.insert("runs", {"task_id": task, "mode": "end-to-end", "model": model,
                                        "agent": "builtin", "status": "done",
                                        "source": "corpus", "created_at": WHEN,
                                        "updated_at": WHEN})
            paper = _version(store, run, "paper", text, model)
            papers.append((task, model, run, paper))
            ids[f"paper:{task}"] = paper
            ids[f"run:{task}"] = run
        for n, (task, model, run, paper) in enumerate(papers):
            for judge, base in zip(JUDGES, OVERALL_BASES[n]):
                scores = {d: float(min(10, base + i % 2)) for i, d in enumerate(OVERALL_DIMS)}
                _review(store, task=task, run=run, version=paper, stage="overall", model=model,
                        judge=judge, scores={**scores, "Confidence": 4.0})
            for k, (expert, base) in enumerate(zip(("expert-a", "expert-b"), EXPERT_BASES[n])):
                rows = 2 if (n, k) == (1, 1) else 1
                for r in range(rows):
                    for i, dim in enumerate(OVERALL_DIMS):
                        store.insert("human_scores", {
                            "reviewer": expert, "item": f"{task}/{model}", "task_id": task,
                            "run_id": run, "version_id": paper, "target_model": model,
                            "stage": "paper", "dimension": dim,
                            "score": float(base + (i + r) % 3 - 1), "rubric_id": "overall",
                            "blind": 1, "source": "corpus", "row_index": n * 10 + k * 3 + r,
                            "created_at": WHEN})
        lend_task, lend_model, lend_run, lend_paper = papers[1]
        kit_task, kit_model, kit_run, kit_paper = papers[2]
        h = {judge: _review(store, task=lend_task, run=lend_run, version=lend_paper,
                            stage="hallucination", model=lend_model, judge=judge, scores={})
             for judge in JUDGES}
        hk = _review(store, task=kit_task, run=kit_run, version=kit_paper,
                     stage="hallucination", model=kit_model, judge=JUDGES[0], scores={})
        ids["flag_citation"] = _flag(
            store, h[JUDGES[1]], lend_run, lend_paper, "nonexistent_citation",
            "No paper by these authors on rural lenders could be found.",
            "Okafor and Lindqvist (2029)", JUDGES[1])
        ids["flag_results"] = _flag(
            store, h[JUDGES[0]], lend_run, lend_paper, "faked_results",
            "Identical approval rates in every group appear in no log of the replay.",
            "approved 61.4% of applicants in every group", JUDGES[0])
        ids["flag_math"] = _flag(
            store, h[JUDGES[1]], lend_run, lend_paper, "math_error",
            "The program as stated has no closed-form dual.",
            "whose dual has a closed form", JUDGES[1], status="confirmed",
            note="checked: the constraint set is not polyhedral")
        ids["flag_method"] = _flag(
            store, hk, kit_run, kit_paper, "hallucinated_methodology",
            "The safety critic is never described in the code.",
            "a learned safety critic that vetoes actions", JUDGES[0], status="dismissed",
            note="the critic is in critic.py")
        ids["flag_missing"] = _flag(
            store, hk, kit_run, kit_paper, "other",
            "A quoted sentence that the paper does not contain.",
            "we calibrated the gripper twice a day", JUDGES[0])
    return ids
