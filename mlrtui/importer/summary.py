"""What an import did: rows added per kind, items found per kind, and the problems met."""

from __future__ import annotations

from dataclasses import dataclass, field

# Kinds whose rows count as "added" in the summary, in display order.
KINDS = ["tasks", "model_aliases", "runs", "versions", "version_inputs", "stage_heads", "files",
         "executions", "llm_calls", "reviews", "review_scores", "flags", "human_scores",
         "hallucination_labels"]


@dataclass
class ImportSummary:
    counts: dict[str, int] = field(default_factory=lambda: {k: 0 for k in KINDS})
    seen: dict[str, int] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)
    import_id: int | None = None
    elapsed_s: float = 0.0
    stopped: bool = False          # should_stop() ended it early; a re-run completes it

    @property
    def added(self) -> int:
        return sum(self.counts.values())

    def see(self, kind: str, n: int = 1) -> None:
        self.seen[kind] = self.seen.get(kind, 0) + n

    def add(self, kind: str, n: int = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n

    def problem_lines(self) -> list[str]:
        return [f"{path}: {message}" for path, message in self.problems]
