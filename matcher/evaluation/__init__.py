"""Offline evaluation: hide real links, ask for them back, compare the ranker with baselines in the same run."""

from matcher.evaluation.metrics import coverage, mrr, ndcg_at, recall_at
from matcher.evaluation.run import EvaluationReport, evaluate
from matcher.evaluation.split import EvalSplit, split_links

__all__ = [
    "EvalSplit",
    "EvaluationReport",
    "coverage",
    "evaluate",
    "mrr",
    "ndcg_at",
    "recall_at",
    "split_links",
]
