"""A tiny MLR-Bench-shaped corpus of our own writing, with one of each kind of bad file."""

from __future__ import annotations

import json
from pathlib import Path

TASK_A = "iclr2031_tidepools"
TASK_B = "neurips2032_lanterns"
JUDGE = "judge-one-2031-01-01"
MODELS = ["alpha-1-2031-02-03", "beta-2"]


def _review(score: int, **extra: object) -> str:
    dims = {d: {"score": score, "justification": f"{d} looks fine", **extra}
            for d in ("Clarity", "Novelty")}
    dims["OverallAssessment"] = {"score": score, "strengths": ["neat"], "weaknesses": ["tiny"]}
    return json.dumps(dims, indent=2)


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def build(root: Path) -> Path:
    write(root / "tasks" / f"{TASK_A}.md", "# Tide Pool Learning Workshop\n\nRobust models of "
          "small ecosystems: simulation, physics and ecology of tide pools.\n")
    write(root / "tasks" / f"{TASK_B}.md", "# Lantern Reasoning Workshop\n\nLarge language "
          "model agents that reason about light and reinforcement learning rewards.\n")
    write(root / "tasks" / "badname.md", "a task file whose name breaks the pattern\n")
    sp = root / "agent_results" / "ideas_and_proposals"
    for task in (TASK_A, TASK_B):
        for m in MODELS:
            write(sp / task / "idea" / f"idea_{m}.md", f"Title: {m} idea for {task}\n\nBody.\n")
            write(sp / task / "proposal" / f"proposal_{m}.md", f"# {m} proposal\n\nPlan.\n")
        write(sp / task / "idea.md", f"Title: {MODELS[0]} idea for {task}\n\nBody.\n")
        write(sp / task / "related_work.md", "1. A paper we made up (2031)\n")
        write(sp / task / "proposal.md", f"# {MODELS[1]} proposal\n\nPlan.\n")
    # Bad stage outputs: empty, code-fenced, CRLF, invalid UTF-8.
    write(sp / TASK_A / "idea" / "idea_gamma-3.md", "")
    write(sp / TASK_B / "idea" / "idea_delta-4.md", "```markdown\n# Fenced idea\n\nText.\n```\n")
    write(sp / TASK_B / "proposal" / f"proposal_{MODELS[1]}.md", "# CRLF plan\r\n\r\nSteps.\r\n")
    write(sp / TASK_A / "idea" / "idea_epsilon-5.md", b"Title: odd bytes \xff\xfe here\n")
    rv = root / "agent_reviews" / f"idea_proposal_reviews_{JUDGE}"
    for task in (TASK_A, TASK_B):
        for m in MODELS:
            write(rv / task / "idea" / f"idea_{m}.json", _review(7))
            write(rv / task / "proposal" / f"proposal_{m}.json", _review(6))
    # Bad reviews: extra keys, JSON lines named .json, broken JSON, empty, no scores at all.
    write(rv / TASK_A / "idea" / f"idea_{MODELS[0]}.json", _review(8, scale="1-10"))
    write(rv / TASK_A / "proposal" / f"proposal_{MODELS[0]}.json",
          '{"Clarity": {"score": 5}}\n{"OverallAssessment": {"score": 4}}\n')
    write(rv / TASK_B / "idea" / f"idea_{MODELS[0]}.json",
          '{"Clarity": {"score": 9, "justification": "x",}, "OverallAssessment": {"score": 9')
    write(rv / TASK_B / "idea" / f"idea_{MODELS[1]}.json", "")
    write(rv / TASK_B / "proposal" / f"proposal_{MODELS[1]}.json", "The judge declined.")
    write(rv / "iclr2099_ghost" / "idea" / "idea_beta-2.json", _review(5))
    _end2end(root)
    _human(root)
    return root


def _end2end(root: Path) -> None:
    run = root / "agent_results" / "end2end_codex" / TASK_A
    write(root / "agent_results" / "end2end_codex" / "mlr_agent_codex.log",
          f"2031-05-01 10:00:00,000 - INFO - Running MLR agent for task: {TASK_A}\n"
          "2031-05-01 10:00:00,001 - INFO - Using model: alpha-1-2031-02-03\n"
          "2031-05-01 10:00:00,002 - INFO - Using literature engine: lit-engine-2031-01-01\n"
          f"2031-05-01 10:00:05,000 - INFO - Successfully generated idea for pipeline_codex/"
          f"{TASK_A} on attempt 1.\n"
          f"2031-05-01 10:09:00,000 - INFO - MLR Agent for pipeline_codex/{TASK_A} finished!\n")
    for name in ("idea.md", "related_work.md", "proposal.md", "results/results.md",
                 "results/paper.md"):
        write(run / name, f"# {name}\n\nOur own words.\n")
    write(run / "codex_log.log", "[2031-05-01T10:01:00] start\nmodel: alpha-1\n\rstep 1\r"
                                 "step 2\n[2031-05-01T10:05:00] done\n")
    write(run / "codex" / "run.py", "print('hello')\n")
    write(run / "codex" / "__init__.py", "")
    write(run / "results" / "scores.json", '{"a": 1}\n{"a": 2}\n')
    write(run / "results" / "figure.png", b"\x89PNG\r\n\x1a\n fake image bytes")
    write(run / "results" / "empty.csv", "")
    # results/log.txt is missing on purpose; lit usage is JSON lines; paper usage is broken.
    write(run / "idea_token_usage.json", '{"prompt_tokens": 10, "completion_tokens": 5}')
    write(run / "lit_token_usage.json", '{"prompt_tokens": 1, "completion_tokens": 2}\n'
                                        '{"prompt_tokens": 3, "completion_tokens": 4}\n')
    write(run / "proposal_token_usage.json", '{"input_tokens": 7, "output_tokens": 8}')
    write(run / "paper_token_usage.json", '{"prompt_tokens": ')


def _human(root: Path) -> None:
    head = "reviewer_id,model_name,workshop_name,Novelty,Overall\r\n"
    rows = [f"1,codex,{TASK_A},6,5", f"1,codex,{TASK_A},7,6", f"2,claude,{TASK_B},,4",
            f"2,gemini,{TASK_A},high,3"]
    write(root / "human_eval" / "human_review.csv", head + "\r\n".join(rows) + "\r\n")
    write(root / "human_eval" / "llm_judge.csv",
          f"workshop_name,model_name,model,Novelty,Overall\n{TASK_A},codex,A,6.5,5.5\n")
