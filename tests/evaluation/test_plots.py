"""plot_metrics draws one panel per task and one bar per method and metric, from the report's own numbers."""

from __future__ import annotations

import io

import matplotlib
import pandas as pd
import pytest

from matcher.evaluation.plots import plot_metrics
from matcher.evaluation.run import EvaluationReport

matplotlib.use("Agg")


def report() -> EvaluationReport:
    table = pd.DataFrame(
        {"recall@10": [0.1, 0.5, 0.7], "nDCG@10": [0.05, 0.4, 0.6], "MRR": [0.08, 0.6, 0.85], "queries": [11, 11, 11]},
        index=pd.Index(["random", "tfidf", "learned ranker"], name="method"),
    )
    return EvaluationReport({"collaborators": table, "groups": table.iloc[:2]})


def test_one_panel_per_task_and_a_bar_per_method_and_metric() -> None:
    fig = plot_metrics(report())

    assert [ax.get_title() for ax in fig.axes] == ["collaborators (11 queries)", "groups (11 queries)"]
    assert len(fig.axes[0].patches) == 3 * 3 and len(fig.axes[1].patches) == 2 * 3
    heights = sorted(round(p.get_height(), 2) for p in fig.axes[0].patches)
    assert heights == [0.05, 0.08, 0.1, 0.4, 0.5, 0.6, 0.6, 0.7, 0.85]
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["random", "tfidf", "learned ranker"]
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    assert buffer.getvalue().startswith(b"\x89PNG")


def test_unknown_metric_and_empty_report() -> None:
    with pytest.raises(ValueError, match=r"unknown metric\(s\) \['F1'\]; the report has \['MRR', 'nDCG@10'"):
        plot_metrics(report(), metrics=["F1"])
    with pytest.raises(ValueError, match="the report has no task tables"):
        plot_metrics(EvaluationReport({}))
