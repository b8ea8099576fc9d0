"""The judge command's exit code: a batch a budget stopped early is not a success."""

from __future__ import annotations

from mlrtui.judge.judging import JudgeSummary
from mlrtui.services.judging import JudgeReport


def report(stopped: str | None) -> JudgeReport:
    summary = JudgeSummary(batch_id=1, rubric_id="idea", judges=["j"], targets=1,
                           stopped=stopped)
    return JudgeReport(summary=summary, batch_id=1, cost_usd=0.0, unpriced=0)


def test_nothing_to_report_is_success_and_a_budget_stop_is_not() -> None:
    assert report(None).exit_code == 0
    assert report("run 1 budget $5.00 would be exceeded").exit_code == 1
