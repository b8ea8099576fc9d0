"""Aggregating judge scores: per item, per judge, per model; leaderboards; disagreements.

An *item* is one judged output: a run's stage (its latest judged version) or, for reviews not
tied to a run, a (task, target model) pair; reviews of another `variant` (e.g. the corpus's
"no_code" paper reviews) are kept apart. For each item and judge only the latest valid review
counts, so re-judging replaces rather than double-counts.

Leaderboard averaging (it reproduces the published MLR-Bench figures): for each model and
dimension, each judge's mean over the items it scored, then the mean of those per-judge means.
With every judge scoring every item (as in the corpus: 201 tasks x 2 judges) this equals the
mean over items of the two judges' mean. The paper's table prints each judge's mean to two
decimals and averages the printed values, so `Cell.display` rounds each judge's mean half-up to
0.01, averages those exactly and rounds half-up again; `Cell.mean` is the unrounded value. The
two differ only in the second decimal (idea Overall: Claude 7.953 -> 7.96 printed, Qwen3
8.0249 -> 8.03; the other four agree either way). No per-model value appears anywhere.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from statistics import fmean
from typing import Any

from pydantic import BaseModel, Field

from mlrtui.judge.rubrics import load_rubrics
from mlrtui.store.db import Store

ItemKey = tuple[Any, ...]
EXCLUDED = {"Confidence"}


def round_half_up(x: float, places: int = 2) -> float:
    """Round like a printed table (2.675 -> 2.68), using the shortest repr of the float."""
    return float(Decimal(repr(x)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


class ItemInfo(BaseModel):
    task_id: str | None = None
    target_model: str | None = None
    run_id: int | None = None
    version_id: int | None = None
    variant: str | None = None


class ItemScores(BaseModel):
    """One judged item: every judge's scores by dimension (latest valid review per judge)."""
    key: tuple[Any, ...]
    info: ItemInfo
    judges: dict[str, dict[str, float]] = Field(default_factory=dict)
    review_ids: dict[str, int] = Field(default_factory=dict)


def item_key(run_id: int | None, task_id: str | None, target_model: str | None,
             variant: str | None) -> ItemKey:
    if run_id is not None:
        return ("run", run_id, variant or "")
    return ("task", task_id, target_model, variant or "")


def load_items(store: Store, review_stage: str, *, source: str | None = None,
               variant: str | None = "", judges: list[str] | None = None,
               target_model: str | None = None,
               run_id: int | None = None) -> dict[ItemKey, ItemScores]:
    """All valid scored reviews of a stage, folded into items. variant None = every variant."""
    sql = ("SELECT r.id, r.run_id, r.task_id, r.target_model, r.judge_model, r.variant, "
           "r.version_id, s.dimension, s.score FROM reviews r "
           "JOIN review_scores s ON s.review_id = r.id "
           "WHERE r.stage = ? AND r.parse_status != 'invalid' AND s.score IS NOT NULL")
    params: list[Any] = [review_stage]
    if source is not None:
        sql += " AND r.source = ?"
        params.append(source)
    if variant is not None:
        sql += " AND COALESCE(r.variant, '') = ?"
        params.append(variant)
    if target_model is not None:
        sql += " AND r.target_model = ?"
        params.append(target_model)
    if run_id is not None:
        sql += " AND r.run_id = ?"
        params.append(run_id)
    if judges:
        sql += f" AND r.judge_model IN ({', '.join('?' for _ in judges)})"
        params += judges
    sql += " ORDER BY r.id"
    items: dict[ItemKey, ItemScores] = {}
    for row in store.query(sql, params):
        key = item_key(row["run_id"], row["task_id"], row["target_model"], row["variant"])
        item = items.get(key)
        if item is None:
            item = items[key] = ItemScores(key=key, info=ItemInfo(
                task_id=row["task_id"], target_model=row["target_model"], run_id=row["run_id"],
                version_id=row["version_id"], variant=row["variant"]))
        judge = row["judge_model"]
        if item.review_ids.get(judge, -1) < row["id"]:       # a newer review replaces
            item.review_ids[judge] = row["id"]
            item.judges[judge] = {}
            item.info.version_id = row["version_id"]
        if item.review_ids[judge] == row["id"] and row["dimension"] not in EXCLUDED:
            item.judges[judge][row["dimension"]] = float(row["score"])
    return items


class Cell(BaseModel):
    """One model x dimension: `mean` is exact; `display` follows the paper's table rounding."""
    mean: float
    display: float
    judges: dict[str, float]          # each judge's mean over its items
    n_items: int
    spread: float                     # max - min of the judges' means


class LeaderRow(BaseModel):
    model: str
    n_items: int
    cells: dict[str, Cell]


class Leaderboard(BaseModel):
    stage: str
    source: str | None
    variant: str | None
    dimensions: list[str]
    judges: list[str]
    rows: list[LeaderRow]


def _cell(per_judge: dict[str, list[float]]) -> Cell:
    means = {j: fmean(v) for j, v in sorted(per_judge.items()) if v}
    # Average the printed two-decimal values exactly (in binary, 7.93 + 8.12 is 16.049999...).
    rounded = [Decimal(repr(round_half_up(m))) for m in means.values()]
    display = (sum(rounded) / len(rounded)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Cell(mean=fmean(means.values()), display=float(display),
                judges=means, n_items=max(len(v) for v in per_judge.values()),
                spread=max(means.values()) - min(means.values()))


def leaderboard(store: Store, review_stage: str, *, source: str | None = None,
                variant: str | None = "", judges: list[str] | None = None,
                dimensions: list[str] | None = None) -> Leaderboard:
    """Per model and dimension the mean of per-judge means, best Overall first."""
    items = load_items(store, review_stage, source=source, variant=variant, judges=judges)
    by_model: dict[str, dict[str, dict[str, list[float]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list)))
    counts: dict[str, int] = defaultdict(int)
    seen_dims: list[str] = []
    seen_judges: set[str] = set()
    for item in items.values():
        model = item.info.target_model or "?"
        counts[model] += 1
        for judge, scores in item.judges.items():
            seen_judges.add(judge)
            for dim, score in scores.items():
                if dim not in seen_dims:
                    seen_dims.append(dim)
                by_model[model][dim][judge].append(score)
    dims = dimensions or _ordered(seen_dims, review_stage)
    rows = [LeaderRow(model=m, n_items=counts[m],
                      cells={d: _cell(by_model[m][d]) for d in dims if by_model[m].get(d)})
            for m in by_model]
    rows.sort(key=lambda r: (-(r.cells["Overall"].mean if "Overall" in r.cells else -1), r.model))
    return Leaderboard(stage=review_stage, source=source, variant=variant, dimensions=dims,
                       judges=sorted(seen_judges), rows=rows)


def _ordered(dims: list[str], review_stage: str | None = None) -> list[str]:
    """Dimensions in the order of the stage's rubric, others after them, Overall last."""
    order: list[str] = []
    if review_stage is not None:
        rubrics, _ = load_rubrics()
        for rubric in rubrics.values():
            if rubric.review_stage == review_stage:
                order = rubric.dimension_names
                break
    known = [d for d in order if d in dims and d != "Overall"]
    rest = known + [d for d in dims if d not in known and d != "Overall"]
    return rest + (["Overall"] if "Overall" in dims else [])


class DimensionScore(BaseModel):
    dimension: str
    scores: dict[str, float]          # judge -> score
    mean: float
    spread: float
    disagree: bool


def summarise(item: ItemScores, threshold: float) -> list[DimensionScore]:
    """Per dimension the judges' mean and spread; a spread above threshold is a disagreement."""
    dims: list[str] = []
    for scores in item.judges.values():
        dims += [d for d in scores if d not in dims]
    out = []
    for dim in _ordered(dims):
        vals = {j: s[dim] for j, s in sorted(item.judges.items()) if dim in s}
        spread = max(vals.values()) - min(vals.values())
        out.append(DimensionScore(dimension=dim, scores=vals, mean=fmean(vals.values()),
                                  spread=spread, disagree=len(vals) > 1 and spread > threshold))
    return out


def run_scores(store: Store, run_id: int, review_stage: str,
               threshold: float = 2.0) -> list[DimensionScore]:
    """What the Judge panel shows for one run's stage: each judge's score, mean and spread."""
    items = list(load_items(store, review_stage, variant="", run_id=run_id).values())
    return summarise(items[0], threshold) if items else []


class Disagreement(BaseModel):
    info: ItemInfo
    dimension: str
    scores: dict[str, float]
    spread: float


def disagreements(store: Store, review_stage: str, *, threshold: float = 2.0,
                  source: str | None = None) -> list[Disagreement]:
    """Every item x dimension whose judges differ by more than threshold, widest first."""
    out = []
    for item in load_items(store, review_stage, source=source, variant=None).values():
        for ds in summarise(item, threshold):
            if ds.disagree:
                out.append(Disagreement(info=item.info, dimension=ds.dimension,
                                        scores=ds.scores, spread=ds.spread))
    out.sort(key=lambda d: (-d.spread, d.info.task_id or "", d.dimension))
    return out


def distribution(store: Store, review_stage: str, dimension: str, *,
                 source: str | None = None, variant: str | None = "") -> dict[str, list[float]]:
    """Per model, each item's judge-mean score on one dimension (for histograms)."""
    out: dict[str, list[float]] = defaultdict(list)
    for item in load_items(store, review_stage, source=source, variant=variant).values():
        vals = [s[dimension] for s in item.judges.values() if dimension in s]
        if vals:
            out[item.info.target_model or "?"].append(fmean(vals))
    return dict(sorted(out.items()))


def judge_pairs(store: Store, review_stage: str, dimension: str, judge_a: str, judge_b: str, *,
                source: str | None = None,
                variant: str | None = "") -> list[tuple[float, float]]:
    """(judge A, judge B) scores on items both judged: the judge-vs-judge scatter."""
    out = []
    for item in load_items(store, review_stage, source=source, variant=variant).values():
        a, b = item.judges.get(judge_a, {}), item.judges.get(judge_b, {})
        if dimension in a and dimension in b:
            out.append((a[dimension], b[dimension]))
    return out
