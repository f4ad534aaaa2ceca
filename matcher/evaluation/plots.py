"""Figures of an :class:`~matcher.evaluation.run.EvaluationReport`: each takes the report and returns a ``Figure``.

Built without pyplot (nothing accumulates in global state); in a notebook, ``%matplotlib inline`` displays them.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure

from matcher.evaluation.run import EvaluationReport

METRICS: tuple[str, ...] = ("recall@10", "nDCG@10", "MRR")


def plot_metrics(report: EvaluationReport, *, metrics: Sequence[str] = METRICS) -> Figure:
    """One panel per task: a group of bars per method, one bar per metric, values written on top."""
    tasks = list(report.tables)
    if not tasks:
        raise ValueError("the report has no task tables; run matcher.evaluation.evaluate on a dataset with projects")
    missing = sorted({m for table in report.tables.values() for m in metrics if m not in table.columns})
    if missing:
        known = sorted({c for table in report.tables.values() for c in table.columns})
        raise ValueError(f"unknown metric(s) {missing}; the report has {known}")
    widest = max(len(table) for table in report.tables.values())
    fig = Figure(figsize=(max(7.0, 0.9 * widest * len(metrics) / 2 + 3), 3.6 * len(tasks)), layout="constrained")
    axes = fig.subplots(len(tasks), 1, squeeze=False)[:, 0]
    width = 0.8 / len(metrics)
    for ax, task in zip(axes, tasks, strict=True):
        table = report.tables[task]
        positions = range(len(table))
        for j, metric in enumerate(metrics):
            offsets = [p - 0.4 + width * (j + 0.5) for p in positions]
            bars = ax.bar(offsets, table[metric], width=width, label=metric)
            ax.bar_label(bars, fmt="%.2f", fontsize=6, padding=1)
        ax.set_xticks(list(positions), [str(m) for m in table.index], rotation=20, ha="right")
        ax.set_ylim(0, 1.12)
        queries = int(table["queries"].iloc[0]) if "queries" in table.columns and len(table) else 0
        ax.set_title(f"{task} ({queries} queries)")
        ax.legend(fontsize=7, ncol=len(metrics), loc="upper left")
    return fig
