"""Do judges agree with humans as well as humans agree with each other? (scipy)

Per dimension, two samples of absolute differences: between two humans who scored the same
item, and between a human and the judges' mean on that item. A two-sided Mann-Whitney U test
compares them: a high p means no evidence that the judges disagree with humans more than humans
disagree among themselves. A Spearman rank correlation between each pair of judges is added.

Duplicate rows (the same reviewer scoring the same item twice) need a stated policy:

- ``authors`` (default) reproduces the authors' released analysis of the human-evaluation CSVs:
  in human-vs-judge every row counts (duplicates included); in human-vs-human two reviewers of
  an item are compared row by row only when both have the same number of rows for it, so a
  reviewer with a duplicate drops out of that item's human pairs. On the released data (three
  duplicated reviewer/item pairs) this gives 24 human-human and 60 human-judge differences.
- ``mean``: a reviewer's rows for an item are averaged into one score first (27 and 57).
- ``first`` / ``last``: keep only the reviewer's first / last row by file order.

On the released CSVs the default gives p = 0.569 / 0.053 / 0.373 / 0.241 / 0.783 (Novelty /
Clarity / Soundness / Significance / Overall; U = 662.5 / 525.5 / 630.5 / 603 / 692), exactly
the authors' released notebook. The paper's figure quotes 0.673 / 0.055 / 0.481 / 0.513 /
0.981: it was computed from an earlier version of the scores. No duplicate policy, continuity
setting or dropped reviewer reproduces it from the released rows, so the difference is in the
data (the release added or changed rows, e.g. the three duplicates), not in the method. The
conclusion is the same: no dimension differs at p < 0.05.
"""

from __future__ import annotations

import csv
import itertools
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean
from typing import Any, Literal

from pydantic import BaseModel

from mlrtui.judge.rubrics import RubricError, get_rubric
from mlrtui.kernel.vocab import HUMAN_DIMENSIONS
from mlrtui.scores.aggregate import load_items
from mlrtui.store.db import Store

DIMENSIONS = HUMAN_DIMENSIONS
Policy = Literal["authors", "mean", "first", "last"]
POLICIES: tuple[str, ...] = ("authors", "mean", "first", "last")


class AgreementError(Exception):
    """Input that cannot be analysed; the message is one line naming the file."""


@dataclass(frozen=True)
class HumanScore:
    reviewer: str
    item: str
    dimension: str
    score: float
    row_index: int


class DimensionAgreement(BaseModel):
    dimension: str
    n_human_human: int
    n_human_judge: int
    mean_human_human: float | None
    mean_human_judge: float | None
    u: float | None
    p: float | None


class JudgeCorrelation(BaseModel):
    stage: str
    dimension: str
    judge_a: str
    judge_b: str
    n: int
    rho: float | None
    p: float | None


class AgreementReport(BaseModel):
    source: str
    policy: str
    items: int
    reviewers: int
    duplicate_rows: int               # rows beyond the first of a (reviewer, item) pair
    items_without_judge: list[str]
    dimensions: list[DimensionAgreement]
    correlations: list[JudgeCorrelation] = []


def _by_reviewer(rows: list[HumanScore], policy: str) -> dict[str, dict[str, list[float]]]:
    """reviewer -> dimension -> scores in file order, after applying the duplicate policy."""
    out: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in sorted(rows, key=lambda r: r.row_index):
        out[r.reviewer][r.dimension].append(r.score)
    for dims in out.values():
        for dim, scores in dims.items():
            if policy == "mean":
                dims[dim] = [fmean(scores)]
            elif policy == "first":
                dims[dim] = scores[:1]
            elif policy == "last":
                dims[dim] = scores[-1:]
    return out


def compare(human: list[HumanScore], judge_mean: dict[tuple[str, str], float],
            dimensions: list[str] | None = None, policy: str = "authors") -> \
        list[DimensionAgreement]:
    """The Mann-Whitney comparison per dimension (see the module docstring for the policy)."""
    if policy not in POLICIES:
        raise AgreementError(f"unknown duplicate policy {policy!r} (use {', '.join(POLICIES)})")
    dims = dimensions or _dims_of(human)
    by_item: dict[str, list[HumanScore]] = defaultdict(list)
    for row in human:
        by_item[row.item].append(row)
    hh: dict[str, list[float]] = defaultdict(list)
    hj: dict[str, list[float]] = defaultdict(list)
    for item in sorted(by_item):
        reviewers = _by_reviewer(by_item[item], policy)
        for dim in dims:
            for a, b in itertools.combinations(sorted(reviewers), 2):
                va, vb = reviewers[a].get(dim, []), reviewers[b].get(dim, [])
                if va and len(va) == len(vb):
                    hh[dim] += [abs(x - y) for x, y in zip(va, vb)]
            if (item, dim) in judge_mean:
                for scores in reviewers.values():
                    hj[dim] += [abs(s - judge_mean[(item, dim)]) for s in scores.get(dim, [])]
    from scipy.stats import mannwhitneyu  # scipy is slow to import; only when needed

    out = []
    for dim in dims:
        u = p = None
        if hh[dim] and hj[dim]:
            res = mannwhitneyu(hh[dim], hj[dim], alternative="two-sided")
            u, p = float(res.statistic), float(res.pvalue)
        out.append(DimensionAgreement(
            dimension=dim, n_human_human=len(hh[dim]), n_human_judge=len(hj[dim]),
            mean_human_human=fmean(hh[dim]) if hh[dim] else None,
            mean_human_judge=fmean(hj[dim]) if hj[dim] else None, u=u, p=p))
    return out


def _dims_of(rows: list[HumanScore]) -> list[str]:
    present = {r.dimension for r in rows}
    return [d for d in DIMENSIONS if d in present] + sorted(present - set(DIMENSIONS))


def correlate(pairs: list[tuple[float, float]]) -> tuple[float | None, float | None]:
    """Spearman's rho and p, or None where it is undefined (fewer than 3 pairs, a constant)."""
    if len(pairs) < 3:
        return None, None
    a, b = zip(*pairs)
    if len(set(a)) < 2 or len(set(b)) < 2:
        return None, None
    from scipy.stats import spearmanr

    res = spearmanr(a, b)
    return float(res.statistic), float(res.pvalue)


def report(source: str, policy: str, human: list[HumanScore],
           judge_mean: dict[tuple[str, str], float], dimensions: list[str] | None = None,
           correlations: list[JudgeCorrelation] | None = None) -> AgreementReport:
    seen: dict[tuple[str, str], set[int]] = defaultdict(set)
    for r in human:
        seen[(r.reviewer, r.item)].add(r.row_index)
    items = sorted({r.item for r in human})
    judged = {item for item, _ in judge_mean}
    return AgreementReport(
        source=source, policy=policy, items=len(items),
        reviewers=len({r.reviewer for r in human}),
        duplicate_rows=sum(len(v) - 1 for v in seen.values()),
        items_without_judge=[i for i in items if i not in judged],
        dimensions=compare(human, judge_mean, dimensions, policy),
        correlations=correlations or [])


# -- the released CSV files ------------------------------------------------------------------

def _read_csv(path: Path, needed: list[str]) -> list[dict[str, str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise AgreementError(f"{path}: cannot read ({exc})") from None
    rows = list(csv.DictReader(text.splitlines()))
    header = set(rows[0]) if rows else set()
    missing = [c for c in needed if c not in header]
    if missing:
        raise AgreementError(f"{path}: missing column(s) {', '.join(missing)}")
    return rows


def _num(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def load_csv(folder: Path) -> tuple[list[HumanScore], dict[tuple[str, str], float]]:
    """human_review.csv and llm_judge.csv of a human-eval folder; item = '<task>/<model>'."""
    human_rows = _read_csv(folder / "human_review.csv",
                           ["reviewer_id", "model_name", "workshop_name"])
    judge_rows = _read_csv(folder / "llm_judge.csv", ["model_name", "workshop_name"])
    human: list[HumanScore] = []
    for index, row in enumerate(human_rows):
        item = f"{row['workshop_name'].strip()}/{row['model_name'].strip()}"
        for dim in DIMENSIONS:
            score = _num(row.get(dim))
            if score is not None:
                human.append(HumanScore(str(row["reviewer_id"]).strip(), item, dim, score,
                                        index))
    judge: dict[tuple[str, str], float] = {}
    for row in judge_rows:
        item = f"{row['workshop_name'].strip()}/{row['model_name'].strip()}"
        for dim in DIMENSIONS:
            score = _num(row.get(dim))
            if score is not None:
                judge[(item, dim)] = score
    return human, judge


# -- scores in the database (imported experts: source 'corpus'; the user's own: 'user') -------

# Which judge review a human score on a stage is compared with (a paper: the end-to-end review).
REVIEW_STAGE = {"idea": "idea", "proposal": "proposal", "experiment": "experiment",
                "paper": "overall"}
REVIEW_SOURCE = {"corpus": "corpus", "user": "local"}


def _review_stage(stage: str, rubric_id: str | None) -> str:
    if rubric_id:
        try:
            return get_rubric(rubric_id).review_stage
        except RubricError:
            pass    # a rubric since deleted: fall back to the stage's usual review
    return REVIEW_STAGE.get(stage, stage)


def _human_rows(store: Store, source: str | None) -> list[tuple[HumanScore, dict[str, Any]]]:
    sql = ("SELECT id, reviewer, item, task_id, version_id, target_model, stage, dimension, "
           "score, rubric_id, source, row_index FROM human_scores "
           "WHERE dimension != 'Confidence'")
    params: list[Any] = []
    if source is not None:
        sql += " AND source = ?"
        params.append(source)
    out = []
    for r in store.query(sql + " ORDER BY source, COALESCE(row_index, id), id", params):
        order = r["row_index"] if r["row_index"] is not None else r["id"]
        out.append((HumanScore(str(r["reviewer"]), f"{r['source']}:{r['item']}", r["dimension"],
                               float(r["score"]), order), r))
    return out


def _version_means(store: Store, version_id: int, stage: str) -> dict[str, float]:
    """The judges' mean per dimension on one version (latest valid review per judge)."""
    latest: dict[str, dict[str, float]] = {}
    ids: dict[str, int] = {}
    for r in store.query(
            "SELECT r.id, r.judge_model, s.dimension, s.score FROM reviews r "
            "JOIN review_scores s ON s.review_id = r.id WHERE r.version_id = ? AND r.stage = ? "
            "AND r.parse_status != 'invalid' AND s.score IS NOT NULL ORDER BY r.id",
            [version_id, stage]):
        if ids.get(r["judge_model"], -1) < r["id"]:
            ids[r["judge_model"]], latest[r["judge_model"]] = r["id"], {}
        latest[r["judge_model"]][r["dimension"]] = float(r["score"])
    return _mean_over_judges(latest)


def _mean_over_judges(judges: dict[str, dict[str, float]]) -> dict[str, float]:
    dims = {d for scores in judges.values() for d in scores}
    return {d: fmean(s[d] for s in judges.values() if d in s) for d in dims}


def from_store(store: Store, source: str = "all", policy: str = "authors",
               dimensions: list[str] | None = None) -> AgreementReport:
    """The agreement report over human scores in the DB: 'corpus', 'user' or 'all'."""
    if source not in ("corpus", "user", "all"):
        raise AgreementError(f"unknown source {source!r} (use corpus, user or all)")
    rows = _human_rows(store, None if source == "all" else source)
    judge: dict[tuple[str, str], float] = {}
    by_task: dict[tuple[str, str | None], dict[tuple[Any, Any], dict[str, float]]] = {}
    stages: set[str] = set()
    stage_of: dict[tuple[str, str | None], str] = {}
    for human, row in rows:
        rubric_key = (row["stage"], row["rubric_id"])
        if rubric_key not in stage_of:
            stage_of[rubric_key] = _review_stage(*rubric_key)
        stage = stage_of[rubric_key]
        stages.add(stage)
        if (human.item, human.dimension) in judge:
            continue
        if row["version_id"] is not None:
            means = _version_means(store, row["version_id"], stage)
        else:   # imported expert scores name a (task, model), not a version
            key = (stage, REVIEW_SOURCE.get(row["source"]))
            if key not in by_task:
                by_task[key] = {(i.info.task_id, i.info.target_model): _mean_over_judges(i.judges)
                                for i in load_items(store, stage, source=key[1]).values()}
            means = by_task[key].get((row["task_id"], row["target_model"]), {})
        for dim, value in means.items():
            judge[(human.item, dim)] = value
    human_rows = [h for h, _ in rows]
    dims = dimensions or _dims_of(human_rows)
    review_source = None if source == "all" else REVIEW_SOURCE[source]
    correlations = [c for stage in sorted(stages)
                    for c in judge_correlations(store, stage, dims, source=review_source)]
    return report(source, policy, human_rows, judge, dims, correlations)


def judge_correlations(store: Store, review_stage: str, dimensions: list[str], *,
                       source: str | None = None) -> list[JudgeCorrelation]:
    """Spearman's rho per dimension for every pair of judges that scored common items."""
    items = list(load_items(store, review_stage, source=source).values())
    judges = sorted({j for i in items for j in i.judges})
    out = []
    for a, b in itertools.combinations(judges, 2):
        for dim in dimensions:
            pairs = [(i.judges[a][dim], i.judges[b][dim]) for i in items
                     if dim in i.judges.get(a, {}) and dim in i.judges.get(b, {})]
            if pairs:
                rho, p = correlate(pairs)
                out.append(JudgeCorrelation(stage=review_stage, dimension=dim, judge_a=a,
                                            judge_b=b, n=len(pairs), rho=rho, p=p))
    return out
