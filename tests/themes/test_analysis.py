"""Analyses of a fitted model on the blob corpus, whose answers are known (see ``blobs.py``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from matcher.themes import analysis, persist
from matcher.themes.model import OUTLIER, ThemeModel
from tests.themes.conftest import theme_of

OCEAN, GARDEN, STEM, TEACHERS = 0, 1, 2, 3  # the first fit numbers them by size (see test_model)


def test_theme_sizes(fitted: ThemeModel) -> None:
    sizes = analysis.theme_sizes(fitted)

    assert sizes["theme"].tolist() == [OCEAN, GARDEN, STEM, TEACHERS, OUTLIER]
    assert sizes["size"].tolist() == [14, 14, 13, 13, 1]
    assert sizes["partners"].tolist() == [12, 12, 11, 11, 1]
    assert sizes["projects"].tolist() == [2, 2, 2, 2, 0]
    assert sizes["label"].iloc[-1] == analysis.OUTLIER_LABEL
    assert sizes["share"].sum() == pytest.approx(1.0, abs=0.01)


def test_theme_map_has_every_partner_in_two_dimensions(fitted: ThemeModel) -> None:
    points = analysis.theme_map(fitted)

    assert len(points) == 47  # partners only: 55 documents - 8 projects
    assert set(points["kind"]) == {"partner"}
    assert {"x", "y", "theme", "label", "name", "region"} <= set(points.columns)
    assert points.loc[points["id"] == "lost", "theme"].item() == OUTLIER
    # PCA: the first two axes separate blobs, so members of a theme sit together
    ocean = points.loc[points["theme"] == OCEAN, ["x", "y"]].to_numpy().mean(axis=0)
    stem = points.loc[points["theme"] == STEM, ["x", "y"]].to_numpy().mean(axis=0)
    spread = points.loc[points["theme"] == OCEAN, ["x", "y"]].to_numpy().std(axis=0).max()
    assert np.linalg.norm(ocean - stem) > 3 * spread
    tsne = analysis.theme_map(fitted, method="tsne", kinds=None)
    assert len(tsne) == 55
    with pytest.raises(ValueError, match="method='umap': use 'pca' or 'tsne'"):
        analysis.theme_map(fitted, method="umap")  # type: ignore[arg-type]


def test_coverage_counts_partners_per_theme_and_region(fitted: ThemeModel) -> None:
    table = analysis.coverage(fitted, "region")

    assert table.columns.tolist() == ["Western Europe", "Oceania"]
    assert table.index.tolist()[0].startswith(f"{OCEAN} · ")
    counts = table.to_numpy().tolist()
    # ocean: 5 partners on each side + centre (WE) + bridge (Oceania); garden: all in Western Europe (+ stray, centre)
    assert counts[:2] == [[6, 6], [12, 0]]
    assert int(table.to_numpy().sum()) == 46  # 47 partners, minus the outlier


def test_coverage_gaps_find_the_constructed_gap(fitted: ThemeModel) -> None:
    gaps = analysis.coverage_gaps(fitted, "region")

    assert gaps[["theme", "region", "partners"]].to_dict("records") == [
        {"theme": GARDEN, "region": "Oceania", "partners": 0}
    ]
    table = analysis.coverage(fitted, "region").to_numpy()
    expected = table[1].sum() * table[:, 1].sum() / table.sum()  # 12 x 16 / 46
    assert gaps["expected"].item() == pytest.approx(expected, abs=0.01)
    assert analysis.coverage_gaps(fitted, "region", min_expected=expected + 1).empty


def test_coverage_by_kind_has_no_gap_when_all_are_one_kind(fitted: ThemeModel) -> None:
    assert analysis.coverage(fitted, "type").columns.tolist() == ["ngo"]
    assert analysis.coverage_gaps(fitted, "type").empty
    with pytest.raises(ValueError, match="by='city': use one of 'region', 'continent', 'type', 'country'"):
        analysis.coverage(fitted, "city")  # type: ignore[arg-type]


def test_representatives_start_with_the_blob_centres(fitted: ThemeModel) -> None:
    reps = analysis.representatives(fitted, n=2)

    assert len(reps) == 8
    first = reps[reps["rank"] == 1]
    assert first["id"].tolist() == ["centre-ocean", "centre-garden", "centre-stem", "centre-teachers"]
    assert (reps.groupby("theme")["similarity"].apply(lambda s: s.is_monotonic_decreasing)).all()


def test_bridges_start_with_the_partner_between_ocean_and_garden(fitted: ThemeModel) -> None:
    bridges = analysis.bridges(fitted, n=3)

    top = bridges.iloc[0]
    assert top["id"] == "bridge"
    assert {top["theme"], top["other_theme"]} == {OCEAN, GARDEN}
    assert top["score"] == pytest.approx(2 * top["other_similarity"] - top["similarity"], abs=1e-3)
    assert (bridges["other_similarity"] >= fitted.min_similarity).all()
    assert theme_of(fitted, "partner:bridge") == top["theme"]


def test_a_loaded_model_has_no_documents_to_analyse(fitted: ThemeModel, tmp_path: Path) -> None:
    loaded = persist.load(persist.save(fitted, tmp_path / "themes.json"))

    assert analysis.theme_sizes(loaded).equals(analysis.theme_sizes(fitted))
    with pytest.raises(ValueError, match="loaded from a file and has no documents; fit it on a corpus"):
        analysis.theme_map(loaded)


def test_selection_scores_show_the_criterion(fitted: ThemeModel) -> None:
    scores = analysis.selection_scores(fitted)
    assert scores["k"].tolist() == list(range(2, 12))
    assert scores.loc[scores["chosen"], "k"].tolist() == [4]
    assert scores["silhouette"].idxmax() == scores.index[scores["chosen"]][0]
    fixed = ThemeModel(n_themes=4).fit(fitted.corpus_)
    with pytest.raises(ValueError, match="did not choose its number of themes"):
        analysis.selection_scores(fixed)
