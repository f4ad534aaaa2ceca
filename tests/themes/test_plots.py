"""Each plot draws what its analysis computed (bars, points, boxed gaps) and renders to PNG."""

from __future__ import annotations

import io

import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from matcher.themes import analysis, plots
from matcher.themes.model import ThemeModel

PNG = b"\x89PNG"


def render(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def test_theme_sizes_plot_has_a_bar_per_theme_and_kind(fitted: ThemeModel) -> None:
    fig = plots.plot_theme_sizes(fitted)
    ax = fig.axes[0]
    assert len(ax.patches) == 2 * 5  # partners and projects bars for 4 themes and the outliers
    assert ax.get_title() == "4 themes · outliers 1.8%"
    assert render(fig).startswith(PNG)


def test_theme_map_plot_has_every_partner(fitted: ThemeModel) -> None:
    fig = plots.plot_theme_map(fitted)
    points = sum(np.asarray(c.get_offsets()).shape[0] for c in fig.axes[0].collections if isinstance(c, PathCollection))
    assert points == len(analysis.theme_map(fitted))
    assert len(fig.axes[0].texts) == 4  # one label per theme
    assert render(fig).startswith(PNG)


def test_coverage_plot_boxes_the_gaps(fitted: ThemeModel) -> None:
    fig = plots.plot_coverage(fitted, "region")
    ax = fig.axes[0]
    boxes = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_edgecolor()[:3] == (1.0, 0.0, 0.0)]
    assert len(boxes) == len(analysis.coverage_gaps(fitted, "region")) == 1
    assert boxes[0].get_xy() == (0.5, 0.5)  # column Oceania (1), row garden (1)
    assert ax.get_title() == "Coverage: theme × region (1 gap boxed in red)"
    assert render(fig).startswith(PNG)


def test_representatives_and_bridges_plots(fitted: ThemeModel) -> None:
    reps = plots.plot_representatives(fitted, n=2)
    assert len(reps.axes[0].patches) == 8
    bridges = plots.plot_bridges(fitted, n=3)
    annotations = [t.get_text() for t in bridges.axes[0].texts]
    assert annotations[0] == "BRIDGE (0↔1)"
    for fig in (reps, bridges):
        assert render(fig).startswith(PNG)


def test_selection_plot_marks_the_chosen_k(fitted: ThemeModel) -> None:
    fig = plots.plot_selection(fitted)
    ax = fig.axes[0]
    assert np.asarray(ax.lines[0].get_xdata()).tolist() == list(range(2, 12))
    assert [t.get_text() for t in ax.texts] == ["chosen: k=4"]
    assert render(fig).startswith(PNG)
