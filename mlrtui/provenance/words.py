"""Vocabulary shared by claim extraction and evidence matching: metric, config and label words."""

from __future__ import annotations

import re

METRIC_WORDS = frozenset(["accuracy", "acc", "f1", "auc", "auroc", "auprc", "roc", "precision", "recall", "loss", "error", "errors", "mse", "rmse", "mae", "mape", "bleu", "rouge", "meteor", "bertscore", "perplexity", "ppl", "score", "scores", "reward", "rewards", "return", "success", "win", "correlation", "spearman", "pearson", "kendall", "tau", "r2", "improvement", "improves", "improved", "improving", "gain", "gains", "reduction", "reduces", "reduced", "increase", "increases", "increased", "decrease", "decreases", "decreased", "drop", "drops", "speedup", "faster", "slower", "latency", "throughput", "ece", "calibration", "fid", "psnr", "ssim", "iou", "map", "ndcg", "mrr", "hits", "exact", "match", "em", "pass", "coverage", "fairness", "disparity", "gap", "robustness", "agreement", "kappa", "entropy", "divergence", "kl", "distance", "similarity", "cosine", "sharpness", "variance", "std", "deviation", "rate", "ratio", "likelihood", "nll", "brier", "auc-roc", "top-1", "top-5", "utility", "cost", "efficiency", "performance", "outperforms", "outperform", "achieves", "achieved", "achieve", "reaches", "reached", "yields", "obtains", "attains", "higher", "lower", "better", "worse", "relative", "absolute", "average", "mean", "median", "margin", "percentage", "points", "pp"])

CONFIG_WORDS = frozenset(["epoch", "epochs", "seed", "seeds", "batch", "lr", "learning", "rate", "warmup", "dropout", "decay", "momentum", "layer", "layers", "head", "heads", "hidden", "dim", "dims", "dimension", "dimensions", "dimensional", "step", "steps", "iteration", "iterations", "sample", "samples", "examples", "example", "instances", "images", "tokens", "token", "neighbors", "clusters", "trials", "runs", "run", "folds", "fold", "parameters", "params", "gpu", "gpus", "cpu", "hours", "minutes", "seconds", "temperature", "beta", "alpha", "lambda", "gamma", "epsilon", "size", "sizes", "width", "depth", "length", "window", "units", "neurons", "channels", "features", "tasks", "classes", "class", "items", "documents", "queries", "prompts", "questions", "pairs", "participants", "users", "annotators", "workers", "rounds", "budget", "shots", "shot", "k", "top-k", "n"])

# Words too common to show that an evidence line and a claim speak of the same thing.
STOP = frozenset(["the", "a", "an", "of", "in", "on", "at", "to", "for", "and", "or", "with", "by", "from", "is", "are", "was", "were", "be", "as", "that", "this", "these", "those", "it", "its", "we", "our", "their", "than", "vs", "versus", "per", "all", "each", "over", "under", "after", "before", "during", "between", "both", "using", "used", "use", "value", "values", "result", "results", "table", "figure", "fig", "row", "column", "method", "methods", "model", "models", "set", "setting", "info", "debug", "warning", "log", "logs", "epoch", "final", "test", "train", "val", "valid", "validation", "eval", "evaluation"])

SYNONYMS = {"acc": "accuracy", "err": "error", "f1-score": "f1", "f1score": "f1", "auroc": "auc",
            "ppl": "perplexity", "avg": "average", "mean": "average", "std": "deviation",
            "stdev": "deviation", "sd": "deviation", "pct": "percent", "impr": "improvement", "em": "exact"}

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9@+\-]*")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def tokens(text: str) -> set[str]:
    """Label tokens of a text: lower-cased words split on case, '_' and '-', synonyms folded."""
    out: set[str] = set()
    for word in _WORD.findall(text.replace("_", " ")):
        for part in _CAMEL.sub(" ", word).split():
            for piece in {part.lower(), *part.lower().split("-")}:
                piece = piece.strip("-+")
                if len(piece) < 2 and piece not in ("r", "k"):
                    continue
                piece = SYNONYMS.get(piece, piece)
                if piece not in STOP and not piece.isdigit():
                    out.add(piece)
    return out
