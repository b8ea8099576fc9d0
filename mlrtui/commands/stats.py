"""`mlrtui stats`: leaderboards, judge disagreements, human-vs-judge agreement, human scores."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console

from mlrtui.commands import Context, Fatal
from mlrtui.commands.options import add_json, command_parser, emit_lines, emit_object
from mlrtui.commands.tables import Col, abbreviations, print_table
from mlrtui.kernel.sanitize import terminal_safe as safe
from mlrtui.kernel.vocab import REVIEW_STAGES
from mlrtui.scores import agreement as agr
from mlrtui.scores.aggregate import Leaderboard, disagreements, leaderboard

# `--stage` values -> the review stage they read (paper = the write-up review).


def register(sub: argparse._SubParsersAction) -> None:
    p = command_parser(sub, "stats", "leaderboards, judge disagreements and human agreement",
                       "mlrtui stats leaderboard --stage idea",
                       "mlrtui stats agreement --duplicates authors --json")
    s = p.add_subparsers(dest="stats_command", metavar="WHAT", required=True)

    lb = command_parser(s, "leaderboard", "per-model, per-dimension judge means of a stage",
                        "mlrtui stats leaderboard --stage proposal --judges gpt-4o,claude-sonnet",
                        details="Each model's mean is the mean of each judge's mean; --json "
                                "prints the board as one object.")
    lb.add_argument("--stage", required=True, choices=list(REVIEW_STAGES),
                    help="the judged stage (paper and writeup are the same)")
    lb.add_argument("--source", choices=["corpus", "local", "all"], default="all",
                    help="imported reviews, reviews made here, or both (default)")
    lb.add_argument("--variant", default="", help="e.g. no_code (default: the plain reviews)")
    lb.add_argument("--judges", help="comma-separated judge models to include")
    lb.add_argument("--exact", action="store_true",
                    help="unrounded means instead of the paper's table rounding")
    add_json(lb, record=True)
    lb.set_defaults(handler=handle_leaderboard)

    ag = command_parser(s, "agreement", "human-vs-human against human-vs-judge (Mann-Whitney U)",
                        "mlrtui stats agreement --source corpus",
                        "mlrtui stats agreement --csv ../mlrbench/human_eval")
    ag.add_argument("--source", choices=["corpus", "user", "all"], default="all",
                    help="the corpus's experts, your own scores, or both (default)")
    ag.add_argument("--duplicates", choices=list(agr.POLICIES), default="authors",
                    help="how a reviewer's repeated rows for one item count (see docs)")
    ag.add_argument("--csv", type=Path, metavar="DIR",
                    help="read human_review.csv + llm_judge.csv from DIR instead of the DB")
    add_json(ag, record=True)
    ag.set_defaults(handler=handle_agreement)

    dg = command_parser(s, "disagreements", "items whose judges differ by more than a threshold",
                        "mlrtui stats disagreements --stage idea --threshold 3")
    dg.add_argument("--stage", required=True, choices=list(REVIEW_STAGES),
                    help="the judged stage")
    dg.add_argument("--threshold", type=float, help="default: config disagreement_threshold")
    dg.add_argument("--source", choices=["corpus", "local", "all"], default="all",
                    help="imported reviews, reviews made here, or both (default)")
    dg.add_argument("--limit", type=int, default=30, help="at most this many (default 30)")
    add_json(dg)
    dg.set_defaults(handler=handle_disagreements)

    ha = command_parser(s, "hallucination",
                        "judges vs humans on hallucination: per run and type, and kappa",
                        "mlrtui stats hallucination", "mlrtui stats hallucination --json")
    add_json(ha)
    ha.set_defaults(handler=handle_hallucination)

    hu = command_parser(s, "human", "record your own (blind) scores of a version",
                        "mlrtui stats human 42 Novelty=6 Overall=5 --reviewer ada")
    hu.add_argument("version", type=int, help="version id")
    hu.add_argument("scores", nargs="+", metavar="DIM=SCORE", help="e.g. Novelty=6 Overall=5")
    hu.add_argument("--reviewer", required=True, help="your name, as the scores' reviewer")
    hu.add_argument("--rubric", help="rubric id (default: the stage's human rubric)")
    hu.set_defaults(handler=handle_human)


def _source(value: str) -> str | None:
    return None if value == "all" else value


def handle_leaderboard(ctx: Context, args: argparse.Namespace) -> int:
    judges = [j.strip() for j in args.judges.split(",")] if args.judges else None
    board = leaderboard(ctx.store, REVIEW_STAGES[args.stage], source=_source(args.source),
                        variant=args.variant, judges=judges)
    if not _json_or_nothing(args, board.model_dump(), None if board.rows else
                            f"no valid {board.stage} reviews in {ctx.store.path}"):
        _print_board(board, args.exact)
    return 0


def _json_or_nothing(args: argparse.Namespace, payload: Any, nothing: str | None = None) -> bool:
    """Print the payload for --json, or `nothing` (why there is no table): True when either
    was printed and the handler is done."""
    if args.json:
        if isinstance(payload, list):
            emit_lines(payload)
        else:
            emit_object(payload)
        return True
    if nothing is not None:
        print(nothing)
        return True
    return False


def _print_board(board: Leaderboard, exact: bool) -> None:
    console = Console()
    fmt = "{:.3f}" if exact else "{:.2f}"
    short = abbreviations(board.dimensions)
    columns = [Col("model", min_width=12), Col("items", "n", "items judged", numeric=True),
               *[Col(d, short[d], numeric=True) for d in board.dimensions]]
    rows = [[row.model, str(row.n_items),
             *[fmt.format(row.cells[d].mean if exact else row.cells[d].display)
               if d in row.cells else "-" for d in board.dimensions]] for row in board.rows]
    print_table(console, columns, rows,
                title=f"{board.stage} leaderboard: mean of {len(board.judges)} judges "
                      f"({', '.join(board.judges)})")
    if len(board.judges) > 1 and any("Overall" in r.cells for r in board.rows):
        columns = [Col("model", min_width=12),
                   *[Col(j, f"J{i}", numeric=True) for i, j in enumerate(board.judges, 1)],
                   Col("mean", numeric=True)]
        rows = []
        for row in board.rows:
            cell = row.cells.get("Overall")
            if cell is not None:
                rows.append([row.model, *[fmt.format(cell.judges[j]) if j in cell.judges
                                          else "-" for j in board.judges],
                             fmt.format(cell.mean if exact else cell.display)])
        print_table(console, columns, rows,
                    title="Overall by judge (each judge's mean over its items)")


def handle_agreement(ctx: Context, args: argparse.Namespace) -> int:
    try:
        if args.csv is not None:
            human, judge = agr.load_csv(args.csv)
            rep = agr.report(f"csv:{args.csv}", args.duplicates, human, judge)
        else:
            rep = agr.from_store(ctx.store, args.source, args.duplicates)
    except agr.AgreementError as exc:
        raise Fatal(str(exc)) from None
    if _json_or_nothing(args, rep.model_dump(), None if rep.items else
                        f"no human scores (source {rep.source}) in {ctx.store.path}"):
        return 0
    console = Console()
    columns = [Col("dimension", min_width=10),
               Col("n human-human", "n hh", "human-human pairs", numeric=True),
               Col("n human-judge", "n hj", "human-judge pairs", numeric=True),
               Col("mean |h-h|", "|h-h|", "mean human-human score gap", numeric=True),
               Col("mean |h-j|", "|h-j|", "mean human-judge score gap", numeric=True),
               Col("U", numeric=True), Col("p", numeric=True)]
    print_table(console, columns, [
        [d.dimension, str(d.n_human_human), str(d.n_human_judge), _num(d.mean_human_human),
         _num(d.mean_human_judge), _num(d.u, "{:.1f}"), _num(d.p, "{:.3f}")]
        for d in rep.dimensions],
        title=f"human vs judge agreement ({rep.source}; {rep.items} items, "
              f"{rep.reviewers} reviewers; duplicates: {rep.policy}, "
              f"{rep.duplicate_rows} duplicate row(s))",
        notes=["U, p: Mann-Whitney U test of |h-h| against |h-j|"])
    if rep.correlations:
        columns = [Col("stage", no_wrap=True), Col("dimension", min_width=10),
                   Col("judges", min_width=16, prose=True), Col("n", numeric=True),
                   Col("rho", numeric=True), Col("p", numeric=True)]
        print_table(console, columns, [
            [c.stage, c.dimension, f"{c.judge_a} / {c.judge_b}", str(c.n),
             _num(c.rho, "{:.3f}"), _num(c.p, "{:.3g}")] for c in rep.correlations],
            title="judge vs judge rank correlation (Spearman)")
    if rep.items_without_judge:
        print(f"{len(rep.items_without_judge)} item(s) have no judge scores: "
              + ", ".join(rep.items_without_judge[:5]))
    return 0


def _num(value: float | None, fmt: str = "{:.2f}") -> str:
    return "-" if value is None else fmt.format(value)


def handle_disagreements(ctx: Context, args: argparse.Namespace) -> int:
    threshold = args.threshold if args.threshold is not None else \
        ctx.settings.disagreement_threshold
    found = disagreements(ctx.store, REVIEW_STAGES[args.stage], threshold=threshold,
                          source=_source(args.source))
    if _json_or_nothing(args, [d.model_dump() for d in found[:args.limit]]):
        return 0
    print(f"{len(found)} item x dimension(s) with a judge spread above {threshold:g}")
    for d in found[:args.limit]:
        scores = ", ".join(f"{j} {s:g}" for j, s in d.scores.items())
        print(safe(f"  {d.info.task_id} / {d.info.target_model} run {d.info.run_id}: "
                   f"{d.dimension} spread {d.spread:g} ({scores})"))
    return 0


def handle_human(ctx: Context, args: argparse.Namespace) -> int:
    from mlrtui.scores.human import HumanScoreError, save_scores

    scores: dict[str, float | str] = {}
    for pair in args.scores:
        name, sep, value = pair.partition("=")
        if not sep:
            raise Fatal(f"{pair!r}: write scores as DIMENSION=SCORE")
        scores[name] = value
    try:
        ids = save_scores(ctx.store, args.reviewer, args.version, scores,  # type: ignore[arg-type]
                          rubric_id=args.rubric)
    except HumanScoreError as exc:
        raise Fatal(str(exc)) from None
    print(f"saved {len(ids)} score(s) of version {args.version} by {args.reviewer}")
    return 0


def handle_hallucination(ctx: Context, args: argparse.Namespace) -> int:
    from mlrtui.scores.hallucination import report

    rep = report(ctx.store)
    if _json_or_nothing(args, rep.model_dump(), None if rep.rows else
                        f"no hallucination reviews or human labels in {ctx.store.path}"):
        return 0
    console = Console()
    short = {j: f"J{i}" for i, j in enumerate(rep.judges, 1)}
    columns = [Col("task", min_width=12), Col("system", min_width=8), Col("type", no_wrap=True),
               Col("human"), *[Col(j, short[j], j) for j in rep.judges]]
    print_table(console, columns, [
        [r.task_id or "-", r.system, r.type, (r.human or "-").replace("_", " "),
         *[r.judges[j] or "-" for j in rep.judges]] for r in rep.rows],
        title=f"hallucination verdicts per run and type ({rep.labels} human labels, "
              f"{rep.unlinked_labels} of them on runs not in the database)")
    kinds = {"nonexistent_citation": "citation", "hallucinated_methodology": "method",
             "math_error": "math", "faked_results": "results"}
    columns = [Col("type", no_wrap=True), Col("judge", no_wrap=True), Col("n", numeric=True),
               Col("yes/yes", "yy", "human yes, judge yes", numeric=True),
               Col("yes/no", "yn", "human yes, judge no", numeric=True),
               Col("no/yes", "ny", "human no, judge yes", numeric=True),
               Col("no/no", "nn", "human no, judge no", numeric=True),
               Col("not sure", "ns", "human not sure (left out)", numeric=True),
               Col("agree", numeric=True), Col("kappa", no_wrap=True)]
    notes = sorted({a.kappa_note for a in rep.agreement if a.kappa_note})
    print_table(console, columns, [
        [kinds.get(a.type, a.type), short[a.judge], str(a.n), str(a.both_yes), str(a.human_yes_judge_no),
         str(a.human_no_judge_yes), str(a.both_no), str(a.not_sure), _num(a.agreement),
         _num(a.kappa, "{:.2f}") if a.kappa is not None else "undefined"]
        for a in rep.agreement],
        title="agreement with the human labels per type (Cohen's kappa where defined)",
        notes=[", ".join(f"{short[j]} = {j}" for j in rep.judges)]
        + [f"kappa {n}" for n in notes])
    for r in rep.rates:
        print(f"{r.judge}: flagged {r.flagged} of the {r.reviewed} papers it checked")
    return 0
