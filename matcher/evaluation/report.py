"""Scoring one task of an evaluation (every method on the same queries) and the report of a run.

Each metric is the mean over queries of a per-query value (coverage: the share of the catalogue seen in the top
10s), with a bootstrap 95 % interval from resamples of the queries that every method of the task shares.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

import numpy as np
import pandas as pd

from matcher.evaluation.bootstrap import Interval, mean_interval, resample_indices, statistic_interval
from matcher.evaluation.metrics import mrr, ndcg_at, recall_at

#: Per-query metrics, then the catalogue-level one.
QUERY_METRICS: tuple[str, ...] = ("recall@10", "recall@50", "nDCG@10", "MRR")
METRICS: tuple[str, ...] = (*QUERY_METRICS, "coverage@10")


def per_query(rankings: Sequence[Sequence[str]], relevant: Sequence[set[str]]) -> dict[str, np.ndarray]:
    """One value per query for each of :data:`QUERY_METRICS`."""
    pairs = list(zip(rankings, relevant, strict=True))
    return {
        "recall@10": np.array([recall_at(r, rel, 10) for r, rel in pairs], dtype=np.float64),
        "recall@50": np.array([recall_at(r, rel, 50) for r, rel in pairs], dtype=np.float64),
        "nDCG@10": np.array([ndcg_at(r, rel, 10) for r, rel in pairs], dtype=np.float64),
        "MRR": np.array([mrr(r, rel) for r, rel in pairs], dtype=np.float64),
    }


def _coverage_statistic(
    rankings: Sequence[Sequence[str]], catalogue: int, k: int = 10
) -> Callable[[np.ndarray], float]:
    """Coverage of the top ``k`` of the queries at given positions (repeats allowed), on integer codes: fast enough
    to run once per resample."""
    codes: dict[str, int] = {}
    top = np.full((len(rankings), k), -1, dtype=np.int64)
    for i, ranked in enumerate(rankings):
        for j, item in enumerate(ranked[:k]):
            top[i, j] = codes.setdefault(item, len(codes))

    def coverage(positions: np.ndarray) -> float:
        seen = np.unique(top[positions])
        return float(np.count_nonzero(seen >= 0)) / catalogue if catalogue else 0.0

    return coverage


@dataclass(frozen=True, slots=True)
class TaskScores:
    """A task's methods scored on the same queries: point values (``table``), intervals, per-query values."""

    table: pd.DataFrame
    intervals: pd.DataFrame
    values: dict[str, dict[str, np.ndarray]]
    indices: np.ndarray


def score_task(
    rankings: Mapping[str, Sequence[Sequence[str]]],
    relevant: Sequence[set[str]],
    catalogue: int,
    *,
    resamples: int = 1000,
    seed: int = 0,
) -> TaskScores:
    """Every method's metrics with bootstrap intervals over the same ``resamples`` draws of the queries."""
    n = len(relevant)
    indices = resample_indices(n, resamples=resamples, seed=seed)
    rows: dict[str, dict[str, float]] = {}
    cells: dict[str, dict[str, Interval]] = {}
    values: dict[str, dict[str, np.ndarray]] = {}
    for method, ranked in rankings.items():
        values[method] = per_query(ranked, relevant)
        intervals = {metric: mean_interval(values[method][metric], indices=indices) for metric in QUERY_METRICS}
        intervals["coverage@10"] = statistic_interval(
            _coverage_statistic(ranked, catalogue), n, indices=indices, bounds=(0.0, 1.0)
        )
        cells[method] = intervals
        rows[method] = {metric: interval.value for metric, interval in intervals.items()} | {"queries": n}
    table = pd.DataFrame.from_dict(rows, orient="index")
    if len(table):
        table["queries"] = table["queries"].astype(int)
    table.index.name = "method"
    frame = pd.DataFrame.from_dict(cells, orient="index")
    frame.index.name = "method"
    return TaskScores(table, frame, values, indices)


@dataclass(slots=True)
class EvaluationReport:
    """Metrics per task and method (``tables``: point values; ``intervals``: the same cells as bootstrap
    :class:`~matcher.evaluation.bootstrap.Interval`), headline ratios with paired intervals, facts about the run."""

    tables: dict[str, pd.DataFrame]
    info: dict[str, object] = field(default_factory=dict)
    intervals: dict[str, pd.DataFrame] = field(default_factory=dict)
    headline: dict[str, Interval] = field(default_factory=dict)
    #: what each ablated group of signals costs: recall@10 of the full row minus the ablated row, paired intervals
    drops: dict[str, Interval] = field(default_factory=dict)

    def _shown(self, task: str) -> pd.DataFrame:
        table = self.tables[task]
        cells = self.intervals.get(task)
        shown = pd.DataFrame(index=table.index)
        for column in table.columns:
            if column == "queries":
                shown[column] = table[column].astype(str)
            elif cells is not None and column in cells.columns:
                shown[column] = [str(cells.at[method, column]) for method in table.index]
            else:
                shown[column] = [f"{value:.3f}" for value in table[column]]
        return shown

    def to_markdown(self) -> str:
        parts = []
        for task in self.tables:
            note = " (value [95 % bootstrap interval over queries])" if task in self.intervals else ""
            parts.append(f"### {task}{note}\n\n{self._shown(task).to_markdown()}\n")
        if self.headline:
            lines = "\n".join(f"- {name}: {interval}" for name, interval in self.headline.items())
            parts.append(f"Headline ratios (recall@10, paired bootstrap 95 % interval):\n\n{lines}\n")
        if self.drops:
            lines = "\n".join(f"- {name}: {interval}" for name, interval in self.drops.items())
            parts.append(
                f"What each group of signals adds (drop in recall@10 without it, paired 95 % interval):\n\n{lines}\n"
            )
        return "\n".join(parts)

    def _records(self, task: str) -> list[dict[str, object]]:
        table, cells = self.tables[task], self.intervals.get(task)
        records: list[dict[str, object]] = []
        for method, row in table.iterrows():
            record: dict[str, object] = {"method": method}
            for column, value in row.items():
                if column == "queries":
                    record[str(column)] = int(value)
                elif cells is not None and column in cells.columns:
                    record[str(column)] = cast(Interval, cells.at[method, column]).to_dict()
                else:
                    record[str(column)] = float(value)
            records.append(record)
        return records

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: each metric is ``{"value", "lo", "hi"}`` where intervals were computed."""
        return {
            "info": self.info,
            "tasks": {task: self._records(task) for task in self.tables},
            "headline": {name: interval.to_dict() for name, interval in self.headline.items()},
            "drops": {name: interval.to_dict() for name, interval in self.drops.items()},
        }
