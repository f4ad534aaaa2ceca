"""Themes in the running matcher: saved in MATCHER_HOME, reloaded on refresh, filtering and explaining suggestions."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from matcher.embedding.base import Embedder
from matcher.engine import Matcher
from matcher.ranking.query import Filters
from matcher.recommender import Recommender
from matcher.themes import persist
from matcher.themes.lookup import ThemeLookup, UnknownThemeError, load_lookup
from matcher.themes_fit import ensure_themes, refit
from tests.conftest import OCEAN_QUERY, open_copy
from tests.themes.support import GROUPS, TINY_MODEL, theme_ids, themed_copy


@pytest.fixture(scope="module")
def themed(tmp_path_factory: pytest.TempPathFactory, tiny_home: Path, embedder: Embedder) -> Iterator[Matcher]:
    matcher = themed_copy(tiny_home, tmp_path_factory.mktemp("themed") / "home", embedder)
    yield matcher
    matcher.close()


def test_refit_saves_the_themes_and_the_recommender_uses_them(themed: Matcher) -> None:
    assert persist.theme_path(themed.settings.home).exists()
    lookup = themed.recommender.themes
    assert isinstance(lookup, ThemeLookup)
    assert len(lookup.themes) == 4
    ids = theme_ids(themed)
    assert sorted(ids.values()) == [0, 1, 2, 3]
    for group, members in GROUPS.items():
        assert {lookup.theme_of(p) for p in members} == {ids[group]}, group
    assert "ocean literacy" in lookup.label(ids["ocean"])


def test_refresh_reloads_the_saved_themes(themed: Matcher) -> None:
    before = dict(themed.recommender.themes.partner_theme)  # type: ignore[union-attr]
    themed.refresh()
    assert themed.recommender.themes is not None
    assert themed.recommender.themes.partner_theme == before


def test_a_refit_keeps_ids_and_labels(themed: Matcher) -> None:
    before = {t.id: t.label for t in themed.recommender.themes.model.themes_}  # type: ignore[union-attr]
    again = refit(themed, TINY_MODEL)
    assert {t.id: t.label for t in again.themes_} == before
    assert again.lineage_ == {"kept": [0, 1, 2, 3], "new": [], "retired": []}


def test_theme_filter_keeps_only_partners_of_the_theme(themed: Matcher) -> None:
    ocean = theme_ids(themed)["ocean"]
    found = themed.recommender.collaborators(text="girls coding clubs", filters=Filters(themes=frozenset({ocean})))
    # the opted-out ocean-hidden is never suggested, even when its theme is asked for
    assert {m.partner_id for m in found} == {"ocean-school", "ocean-ngo", "ocean-lab"}


def test_shared_theme_is_a_reason(themed: Matcher) -> None:
    ids = theme_ids(themed)
    label = themed.recommender.themes.label(ids["ocean"])  # type: ignore[union-attr]
    found = themed.recommender.collaborators(text=OCEAN_QUERY, k=5)

    by_id = {m.partner_id: m.reasons for m in found}
    assert f"both work on {label}" in by_id["ocean-school"]
    assert f"both work on {label}" in by_id["ocean-ngo"]
    others = [m for m in found if m.partner_id not in GROUPS["ocean"]]
    assert others and all(not r.startswith("both work on") for m in others for r in m.reasons)


def test_theme_filter_without_themes_says_how_to_get_them(recommender: Recommender) -> None:
    assert recommender.themes is None
    with pytest.raises(ValueError, match=r"the themes filter needs fitted themes: run `matcher themes fit` first"):
        recommender.collaborators(text=OCEAN_QUERY, filters=Filters(themes=frozenset({0})))


def test_resolve_theme_references(themed: Matcher) -> None:
    lookup = themed.recommender.themes
    assert lookup is not None
    ocean = theme_ids(themed)["ocean"]
    label = lookup.label(ocean)
    assert lookup.resolve([ocean, str(ocean), label.upper(), f"  {label} "]) == {ocean}
    with pytest.raises(UnknownThemeError) as info:
        lookup.resolve([99, "nope"])
    assert str(info.value).startswith("unknown theme(s) 99, 'nope'; give theme ids or labels: 0 (")
    assert info.value.unknown == ["99", "'nope'"] and len(info.value.choices) == len(lookup.themes)


def test_partners_unknown_to_the_fit_are_placed_by_nearest_theme(themed: Matcher) -> None:
    model = persist.load(persist.theme_path(themed.settings.home))
    del model.assignments_["partner:ocean-lab"]
    lookup = ThemeLookup(model, themed.catalog)
    assert lookup.theme_of("ocean-lab") == theme_ids(themed)["ocean"]


def test_themes_of_another_embedding_model_are_ignored(themed: Matcher, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert load_lookup(themed.settings.home, themed.catalog, "another-model") is None
    assert "refit with `matcher themes fit`" in caplog.text


def test_ensure_themes_fits_once_when_small(tmp_path: Path, tiny_home: Path, embedder: Embedder) -> None:
    matcher = open_copy(tiny_home, tmp_path / "home", embedder)
    try:
        assert matcher.recommender.themes is None
        assert ensure_themes(matcher, max_documents=15) is False  # 16 documents: too many for this limit
        assert not persist.theme_path(matcher.settings.home).exists()
        assert ensure_themes(matcher) is True
        assert persist.theme_path(matcher.settings.home).exists()
        assert matcher.recommender.themes is not None
        assert ensure_themes(matcher) is False
    finally:
        matcher.close()


def test_ensure_themes_never_stops_the_start_up(
    tmp_path: Path,
    tiny_home: Path,
    embedder: Embedder,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise ValueError("HDBSCAN found no theme")

    matcher = open_copy(tiny_home, tmp_path / "home", embedder)
    monkeypatch.setattr("matcher.themes_fit.refit", fail)
    try:
        with caplog.at_level(logging.WARNING):
            assert ensure_themes(matcher) is False
        assert "could not fit themes (HDBSCAN found no theme)" in caplog.text
        assert matcher.recommender.themes is None
    finally:
        matcher.close()
