"""The words every layer shares, defined once: stages, judged stages and their rubrics, dimensions.

An agent run goes idea -> literature -> proposal -> experiment -> paper. Judges score those
stages plus two views of a finished run ("overall": paper and code together; "hallucination").
"""

from __future__ import annotations

from typing import Literal

Stage = Literal["idea", "literature", "proposal", "experiment", "paper"]
STAGES: tuple[Stage, ...] = ("idea", "literature", "proposal", "experiment", "paper")
Mode = Literal["stepwise", "end-to-end"]
HUMAN = "human"                       # the author of a version a person saved

# What each stage is called where a person reads it.
STAGE_TITLES: dict[str, str] = {
    "idea": "Research idea", "literature": "Literature review", "proposal": "Research proposal",
    "experiment": "Experiment results", "paper": "Paper",
}
# Stages whose text carries reported numbers, checked for provenance when they succeed.
CHECKED_STAGES: tuple[Stage, ...] = ("experiment", "paper")
# The file a stage's text has in an agent's workspace and in the MLR-Bench layout.
STAGE_FILES: dict[str, str] = {"task": "task.md", "idea": "idea.md",
                               "literature": "related_work.md", "proposal": "proposal.md"}

# A judged stage -> the rubric that scores it ("paper" is judged as a write-up).
JUDGE_STAGES: dict[str, str] = {"idea": "idea", "proposal": "proposal",
                                "experiment": "experiment", "paper": "writeup",
                                "overall": "overall", "hallucination": "hallucination"}
JUDGE_STAGE_LABELS: dict[str, str] = {
    "idea": "idea", "proposal": "proposal", "experiment": "experiment",
    "paper": "paper (write-up)", "overall": "overall (paper + code)",
    "hallucination": "hallucination check"}
# Stages a leaderboard can be asked for, by either name of the write-up stage.
REVIEW_STAGES: dict[str, str] = {**{k: v for k, v in JUDGE_STAGES.items()
                                    if k != "hallucination"}, "writeup": "writeup"}

# The human study's dimensions (the scores experts and judges both gave).
HUMAN_DIMENSIONS = ["Novelty", "Clarity", "Soundness", "Significance", "Overall"]


def upstream(stage: str) -> tuple[Stage, ...]:
    """The stages a stage is built from (all the earlier ones)."""
    return STAGES[: STAGES.index(stage)]  # type: ignore[arg-type]
