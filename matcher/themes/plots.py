"""Figures beside the analyses: each takes the fitted model, calls its analysis and returns a matplotlib ``Figure``.

Figures are built without pyplot, so nothing accumulates in global state (services and tests can call them freely); in a
notebook run ``%matplotlib inline`` once and a returned figure displays.
"""

from __future__ import annotations

from typing import Literal

from matplotlib.colors import Colormap
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from matcher.themes import analysis
from matcher.themes.analysis import CoverageBy
from matcher.themes.model import OUTLIER, ThemeModel

GREY = "#b0b0b0"


def _colours(model: ThemeModel) -> dict[int, tuple[float, float, float, float]]:
    """One colour per theme id, stable across calls (and across refits, since ids are)."""
    from matplotlib import colormaps

    cmap: Colormap = colormaps["tab20"]
    return {int(t): cmap(int(t) % 20) for t in model.theme_ids_.tolist()}


def _short(text: str, width: int = 38) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def plot_selection(model: ThemeModel) -> Figure:
    """Mean silhouette per candidate number of themes, the chosen k marked."""
    scores = analysis.selection_scores(model)
    fig = Figure(figsize=(7, 3.5), layout="constrained")
    ax = fig.subplots()
    ax.plot(scores["k"], scores["silhouette"], marker="o", color="#1f77b4")
    best = scores[scores["chosen"]].iloc[0]
    ax.scatter([best["k"]], [best["silhouette"]], s=160, facecolors="none", edgecolors="red", linewidths=2)
    ax.annotate(
        f"chosen: k={int(best['k'])}", (best["k"], best["silhouette"]), xytext=(8, -14), textcoords="offset points"
    )
    ax.set_xlabel("number of themes k")
    ax.set_ylabel("mean silhouette (cosine)")
    ax.set_xticks(scores["k"].tolist())
    ax.set_title("Choosing the number of themes")
    return fig


def plot_theme_sizes(model: ThemeModel) -> Figure:
    """Horizontal bars: documents per theme, split into partners and projects; outliers in grey."""
    sizes = analysis.theme_sizes(model).iloc[::-1]
    colours = _colours(model)
    fig = Figure(figsize=(8, 0.45 * len(sizes) + 1.2), layout="constrained")
    ax = fig.subplots()
    names = [_short(analysis.theme_name(model, int(t))) for t in sizes["theme"]]
    fills = [colours.get(int(t), GREY) for t in sizes["theme"]]
    ax.barh(names, sizes["partners"], color=fills, label="partners")
    ax.barh(names, sizes["projects"], left=sizes["partners"], color=fills, alpha=0.45, hatch="//", label="projects")
    for y, total in enumerate(sizes["size"].tolist()):
        ax.text(total, y, f" {total}", va="center", fontsize=8)
    ax.set_xlabel("documents")
    ax.set_title(f"{model.n_themes_} themes · outliers {model.outlier_rate_:.1%}")
    ax.legend(loc="lower right", fontsize=8)
    return fig


def plot_theme_map(model: ThemeModel, *, method: Literal["pca", "tsne"] = "pca") -> Figure:
    """Partners in 2-D coloured by theme, each theme's label at its members' centre; outliers as grey crosses."""
    points = analysis.theme_map(model, method=method)
    colours = _colours(model)
    fig = Figure(figsize=(9, 7), layout="constrained")
    ax = fig.subplots()
    for theme in sorted(set(points["theme"].tolist())):
        group = points[points["theme"] == theme]
        if theme == OUTLIER:
            ax.scatter(group["x"], group["y"], marker="x", color=GREY, s=25, label=analysis.OUTLIER_LABEL)
            continue
        colour = colours[int(theme)]
        ax.scatter(group["x"], group["y"], color=colour, s=28, alpha=0.85, label=f"{theme}")
        ax.annotate(
            _short(analysis.theme_name(model, int(theme)), 30),
            (float(group["x"].mean()), float(group["y"].mean())),
            fontsize=8,
            ha="center",
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": colour, "alpha": 0.85},
        )
    axis = "PC" if method == "pca" else "t-SNE "
    ax.set_xlabel(f"{axis}1")
    ax.set_ylabel(f"{axis}2")
    ax.set_title(f"Partners by theme ({method.upper()} of the embeddings)")
    ax.legend(title="theme", fontsize=7, loc="best", ncol=2)
    return fig


def plot_coverage(model: ThemeModel, by: CoverageBy = "region", *, min_expected: float = 1.0) -> Figure:
    """Heat map of partners per theme and ``by`` value; gaps (see :func:`analysis.coverage_gaps`) boxed in red."""
    table = analysis.coverage(model, by)
    gaps = analysis.coverage_gaps(model, by, min_expected=min_expected)
    gap_cells = {(analysis.theme_name(model, int(t)), v) for t, v in zip(gaps["theme"], gaps[by], strict=True)}
    counts = table.to_numpy()
    fig = Figure(figsize=(max(6.0, 0.6 * table.shape[1] + 4), 0.45 * table.shape[0] + 2.5), layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(counts, cmap="Blues", aspect="auto")
    ax.set_xticks(range(table.shape[1]), [_short(str(c), 24) for c in table.columns], rotation=45, ha="right")
    ax.set_yticks(range(table.shape[0]), [_short(str(r)) for r in table.index])
    top = counts.max() if counts.size else 0
    for i, row in enumerate(table.index):
        for j, column in enumerate(table.columns):
            value = int(counts[i, j])
            ax.text(
                j, i, str(value), ha="center", va="center", fontsize=7, color="white" if value > top / 2 else "black"
            )
            if (row, column) in gap_cells:
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="red", linewidth=2))
    fig.colorbar(image, ax=ax, label="partners", shrink=0.8)
    ax.set_title(f"Coverage: theme × {by} ({len(gaps)} gap{'' if len(gaps) == 1 else 's'} boxed in red)")
    return fig


def plot_representatives(model: ThemeModel, *, n: int = 3) -> Figure:
    """Each theme's most typical partners with their similarity to the theme's centre."""
    reps = analysis.representatives(model, n=n).iloc[::-1]
    colours = _colours(model)
    fig = Figure(figsize=(8, 0.3 * len(reps) + 1.2), layout="constrained")
    ax = fig.subplots()
    names = [f"{_short(str(name), 30)} [{theme}]" for name, theme in zip(reps["name"], reps["theme"], strict=True)]
    ax.barh(names, reps["similarity"], color=[colours[int(t)] for t in reps["theme"]])
    ax.set_xlabel("cosine similarity to the theme centre")
    ax.set_xlim(0, 1)
    ax.set_title(f"Representative partners ({n} per theme, theme id in brackets)")
    return fig


def plot_bridges(model: ThemeModel, *, n: int = 10) -> Figure:
    """Every partner's similarity to its own theme (x) and its second theme (y); the best bridges named."""
    everyone = analysis.bridges(model, n=1_000_000, min_similarity=-1.0)
    best = analysis.bridges(model, n=n)
    fig = Figure(figsize=(8, 6.5), layout="constrained")
    ax = fig.subplots()
    colours = _colours(model)
    ax.scatter(
        everyone["similarity"],
        everyone["other_similarity"],
        c=[colours[int(t)] for t in everyone["theme"]],
        s=18,
        alpha=0.6,
    )
    lo = float(min(everyone["other_similarity"].min(), everyone["similarity"].min())) if len(everyone) else 0.0
    ax.plot([lo, 1], [lo, 1], color=GREY, linestyle="--", linewidth=1, label="equally close to both")
    for row in best.to_dict("records"):
        ax.annotate(
            f"{_short(str(row['name']), 24)} ({row['theme']}↔{row['other_theme']})",
            (float(row["similarity"]), float(row["other_similarity"])),
            fontsize=7,
            xytext=(4, 4),
            textcoords="offset points",
        )
    ax.scatter(best["similarity"], best["other_similarity"], facecolors="none", edgecolors="black", s=60)
    ax.set_xlabel("similarity to own theme")
    ax.set_ylabel("similarity to second theme")
    ax.set_title(f"Bridges between themes (top {len(best)} circled)")
    ax.legend(loc="lower right", fontsize=8)
    return fig
