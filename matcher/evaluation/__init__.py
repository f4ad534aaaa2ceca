"""Offline evaluation: hide real links, ask for them back, compare the ranker with baselines in the same run."""

from matcher.evaluation.bootstrap import Interval, mean_interval, ratio_interval
from matcher.evaluation.metrics import coverage, mrr, ndcg_at, recall_at
from matcher.evaluation.rankers import RankerRow, without
from matcher.evaluation.report import EvaluationReport
from matcher.evaluation.run import ABLATION_GROUPS, RANKER_ROWS, ablation_rows, evaluate
from matcher.evaluation.split import EvalSplit, split_links

__all__ = [
    "ABLATION_GROUPS",
    "RANKER_ROWS",
    "EvalSplit",
    "EvaluationReport",
    "Interval",
    "RankerRow",
    "ablation_rows",
    "coverage",
    "evaluate",
    "mean_interval",
    "mrr",
    "ndcg_at",
    "ratio_interval",
    "recall_at",
    "split_links",
    "without",
]
