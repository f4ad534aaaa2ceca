"""Analyses of a fitted :class:`~matcher.themes.model.ThemeModel`, each a DataFrame (plots in ``plots.py``).

Every function takes the fitted model; those that look at documents need the model to have been fitted in this session
(a model loaded from ``themes.json`` has the themes, not the documents).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE
from sklearn.utils.validation import check_is_fitted

from matcher.themes.model import OUTLIER, ThemeModel

OUTLIER_LABEL = "(no theme)"
UNKNOWN = "unknown"
CoverageBy = Literal["region", "continent", "type", "country"]


def _documents(model: ThemeModel, kinds: Sequence[str] | None = ("partner",)) -> pd.DataFrame:
    """The fitted documents with their theme, label and similarity; only ``kinds`` (None: all)."""
    check_is_fitted(model, "themes_")
    if not hasattr(model, "corpus_"):
        raise ValueError(
            "this theme model was loaded from a file and has no documents; fit it on a corpus to analyse it: "
            "ThemeModel().fit(ThemeCorpus.from_catalog(catalog), previous=loaded)"
        )
    frame = model.corpus_.frame.drop(columns=["text"]).copy()
    frame["theme"] = model.labels_
    frame["label"] = [_label(model, t) for t in model.labels_.tolist()]
    frame["similarity"] = model.similarity_.round(4)
    frame["row"] = np.arange(len(frame))
    if kinds is not None:
        frame = frame[frame["kind"].isin(list(kinds))]
    return frame.reset_index(drop=True)


def _label(model: ThemeModel, theme_id: int) -> str:
    return OUTLIER_LABEL if theme_id == OUTLIER else model.theme(theme_id).label


def theme_sizes(model: ThemeModel) -> pd.DataFrame:
    """One row per theme, largest first: id, label, documents, partners, projects, share of documents; outliers last."""
    check_is_fitted(model, "themes_")
    rows = [
        {"theme": t.id, "label": t.label, "size": t.size, "partners": t.partners, "projects": t.projects}
        for t in model.themes_
    ]
    frame = pd.DataFrame(rows, columns=["theme", "label", "size", "partners", "projects"])
    frame = frame.sort_values(["size", "theme"], ascending=[False, True])
    outliers = int((model.labels_ == OUTLIER).sum())
    if outliers:
        kinds = pd.Series([k.split(":", 1)[0] for k in model.assignments_])[model.labels_ == OUTLIER]
        extra = {
            "theme": OUTLIER,
            "label": OUTLIER_LABEL,
            "size": outliers,
            "partners": int((kinds == "partner").sum()),
            "projects": int((kinds == "project").sum()),
        }
        frame = pd.concat([frame, pd.DataFrame([extra])], ignore_index=True)
    total = max(int(frame["size"].sum()), 1)
    frame["share"] = (frame["size"] / total).round(3)
    return frame.reset_index(drop=True)


def selection_scores(model: ThemeModel) -> pd.DataFrame:
    """The criterion behind the number of themes: mean silhouette (cosine) per candidate k, the chosen one flagged."""
    check_is_fitted(model, "themes_")
    if model.selection_ is None:
        raise ValueError(
            "this model did not choose its number of themes (n_themes was fixed, or method='hdbscan'); "
            "fit ThemeModel(n_themes='auto') to see the silhouette per k"
        )
    scores = model.selection_.scores
    return pd.DataFrame(
        {"k": list(scores), "silhouette": list(scores.values()), "chosen": [k == model.selection_.best for k in scores]}
    )


def theme_map(
    model: ThemeModel,
    *,
    method: Literal["pca", "tsne"] = "pca",
    kinds: Sequence[str] | None = ("partner",),
    random_state: int = 0,
) -> pd.DataFrame:
    """2-D coordinates of the documents (partners by default) with their theme, for a map coloured by theme.

    PCA (default) is deterministic and keeps global distances; t-SNE separates local groups better but its distances
    between groups mean little.
    """
    docs = _documents(model, kinds)
    vectors = model.corpus_.vectors[docs["row"].to_numpy()]
    if method == "pca":
        points = PCA(n_components=2, random_state=random_state).fit_transform(vectors)
    elif method == "tsne":
        perplexity = float(min(30, max(2, (len(vectors) - 1) // 3)))
        points = TSNE(
            n_components=2, metric="cosine", init="pca", perplexity=perplexity, random_state=random_state
        ).fit_transform(vectors)
    else:
        raise ValueError(f"method={method!r}: use 'pca' or 'tsne'")
    docs["x"], docs["y"] = points[:, 0].round(4), points[:, 1].round(4)
    return docs.drop(columns=["row"])


def _coverage_counts(model: ThemeModel, by: CoverageBy, kinds: Sequence[str]) -> pd.DataFrame:
    if by not in ("region", "continent", "type", "country"):
        raise ValueError(f"by={by!r}: use one of 'region', 'continent', 'type', 'country'")
    docs = _documents(model, kinds)
    docs = docs[docs["theme"] != OUTLIER]
    table = pd.crosstab(docs["theme"], docs[by].fillna(UNKNOWN)).astype(int)
    sizes = theme_sizes(model)
    table = table.reindex(index=sizes.loc[sizes["theme"] != OUTLIER, "theme"].tolist(), fill_value=0)
    totals = {c: int(n) for c, n in table.sum(axis=0).items()}
    table = table[sorted(table.columns, key=lambda c: (c == UNKNOWN, -totals[c], str(c)))]
    table.columns.name = by
    return table


def theme_name(model: ThemeModel, theme_id: int) -> str:
    """'3 · ocean literacy, coral reefs, mangroves': the id and the label, for table rows and plot ticks."""
    return f"{theme_id} · {_label(model, theme_id)}"


def coverage(model: ThemeModel, by: CoverageBy = "region", *, kinds: Sequence[str] = ("partner",)) -> pd.DataFrame:
    """Partners per theme (rows, largest theme first) and ``by`` value (columns, most partners first).

    Outliers are left out; a missing ``by`` value counts as 'unknown' (last column).
    """
    table = _coverage_counts(model, by, kinds)
    table.index = pd.Index([theme_name(model, int(t)) for t in table.index], name="theme")
    return table


def coverage_gaps(
    model: ThemeModel,
    by: CoverageBy = "region",
    *,
    kinds: Sequence[str] = ("partner",),
    min_expected: float = 1.0,
    max_observed: int = 0,
) -> pd.DataFrame:
    """Cells of :func:`coverage` where a theme is missing from a ``by`` value that it would reach by its size.

    The expected count of a cell is ``theme total x column total / all`` (no association between theme and ``by``); a
    gap is a cell observed at most ``max_observed`` while at least ``min_expected`` was expected. Largest first;
    'unknown' values are never gaps.
    """
    table = _coverage_counts(model, by, kinds).drop(columns=[UNKNOWN], errors="ignore")
    columns = ["theme", "label", by, "partners", "expected"]
    total = float(table.to_numpy().sum())
    if total == 0:
        return pd.DataFrame(columns=columns)
    counts = table.to_numpy()
    expected = np.outer(counts.sum(axis=1), counts.sum(axis=0)) / total
    themes = [int(t) for t in table.index]
    rows = [
        {
            "theme": theme,
            "label": model.theme(theme).label,
            by: value,
            "partners": int(counts[i, j]),
            "expected": round(float(expected[i, j]), 2),
        }
        for i, theme in enumerate(themes)
        for j, value in enumerate(table.columns)
        if counts[i, j] <= max_observed and expected[i, j] >= min_expected
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["expected", "theme"], ascending=[False, True]).reset_index(drop=True)


def representatives(model: ThemeModel, *, n: int = 3, kinds: Sequence[str] = ("partner",)) -> pd.DataFrame:
    """The ``n`` members of each theme closest to its centroid: who to read first to understand the theme."""
    docs = _documents(model, kinds)
    docs = docs[docs["theme"] != OUTLIER]
    docs = docs.sort_values(["theme", "similarity", "key"], ascending=[True, False, True])
    top = docs.groupby("theme", sort=True).head(n).copy()
    top["rank"] = top.groupby("theme").cumcount() + 1
    return top[["theme", "label", "rank", "id", "name", "type", "country", "similarity"]].reset_index(drop=True)


def bridges(
    model: ThemeModel, *, n: int = 10, kinds: Sequence[str] = ("partner",), min_similarity: float | None = None
) -> pd.DataFrame:
    """Documents close to two themes at once, best bridges first.

    A document's bridge score is ``2 * s2 - s1`` for its two highest centroid similarities ``s1 >= s2``: high when it
    is near the second theme *and* nearly as near it as its own. Only documents whose second similarity reaches
    ``min_similarity`` (default: the model's) are listed.
    """
    docs = _documents(model, kinds)
    columns = ["id", "name", "type", "country", "theme", "label", "other_theme", "other_label"]
    columns += ["similarity", "other_similarity", "score"]
    if len(model.theme_ids_) < 2 or docs.empty:
        return pd.DataFrame(columns=columns)
    sims = model.similarities(model.corpus_.vectors[docs["row"].to_numpy()])
    order = np.argsort(-sims, axis=1, kind="stable")
    first, second = order[:, 0], order[:, 1]
    rows = np.arange(len(docs))
    s1, s2 = sims[rows, first], sims[rows, second]
    ids = model.theme_ids_
    docs = docs.assign(
        theme=ids[first],
        label=[model.theme(int(t)).label for t in ids[first]],
        other_theme=ids[second],
        other_label=[model.theme(int(t)).label for t in ids[second]],
        similarity=s1.round(4),
        other_similarity=s2.round(4),
        score=(2 * s2 - s1).round(4),
    )
    floor = model.min_similarity if min_similarity is None else min_similarity
    docs = docs[docs["other_similarity"] >= floor]
    docs = docs.sort_values(["score", "key"], ascending=[False, True])
    return docs[columns].head(n).reset_index(drop=True)
