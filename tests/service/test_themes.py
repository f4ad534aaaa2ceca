"""GET /v1/themes and the ``themes`` filter of POST /v1/recommendations/collaborators."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from matcher.embedding.base import Embedder
from matcher.engine import Matcher
from service.routes.themes import NO_THEMES
from tests.conftest import OCEAN_QUERY
from tests.themes.support import GROUPS, theme_ids, themed_copy

URL = "/v1/recommendations/collaborators"


@pytest.fixture(scope="module")
def themed(tmp_path_factory: pytest.TempPathFactory, tiny_home: Path, embedder: Embedder) -> Iterator[Matcher]:
    matcher = themed_copy(tiny_home, tmp_path_factory.mktemp("themed-service") / "home", embedder)
    yield matcher
    matcher.close()


@pytest.fixture(scope="module")
def themed_client(themed: Matcher) -> Iterator[TestClient]:
    from service.app import create_app

    with TestClient(create_app(themed.settings, matcher=themed)) as client:
        yield client


def test_list_themes(themed_client: TestClient, themed: Matcher) -> None:
    r = themed_client.get("/v1/themes")

    assert r.status_code == 200
    body = r.json()
    assert body["count"] == len(body["data"]) == 4
    assert body["outlier_rate"] == 0.0
    assert [t["size"] for t in body["data"]] == [5, 4, 4, 3]  # ocean (+ reef-kit), gardens, STEM, teachers
    assert sum(t["partners"] for t in body["data"]) == 12
    ocean = body["data"][0]
    assert ocean["id"] == theme_ids(themed)["ocean"]
    assert set(ocean) == {"id", "label", "terms", "size", "partners", "projects"}
    assert ocean["label"] == ", ".join(ocean["terms"][:3])
    assert "ocean literacy" in ocean["terms"]


def test_filter_by_theme_id_or_label(themed_client: TestClient, themed: Matcher) -> None:
    stem = theme_ids(themed)["stem"]
    label = themed.recommender.themes.label(stem)  # type: ignore[union-attr]
    for ref in (stem, label):
        r = themed_client.post(URL, json={"text": OCEAN_QUERY, "filters": {"themes": [ref]}})
        assert r.status_code == 200, r.text
        assert {m["partner_id"] for m in r.json()["data"]} == GROUPS["stem"]


def test_suggestions_say_the_shared_theme(themed_client: TestClient, themed: Matcher) -> None:
    label = themed.recommender.themes.label(theme_ids(themed)["ocean"])  # type: ignore[union-attr]
    r = themed_client.post(URL, json={"text": OCEAN_QUERY, "k": 2})
    assert r.status_code == 200
    for match in r.json()["data"]:
        assert f"both work on {label}" in match["reasons"]


def test_unknown_theme_is_422_with_the_choices(themed_client: TestClient) -> None:
    r = themed_client.post(URL, json={"text": OCEAN_QUERY, "filters": {"themes": [42]}})
    assert r.status_code == 422
    assert r.json()["detail"].startswith("unknown theme(s) 42; give theme ids or labels from GET /v1/themes: 0 (")


def test_without_themes(client: TestClient) -> None:
    r = client.get("/v1/themes")
    assert r.status_code == 404
    assert r.json() == {"detail": NO_THEMES}
    r = client.post(URL, json={"text": OCEAN_QUERY, "filters": {"themes": [0]}})
    assert r.status_code == 422
    assert r.json() == {"detail": f"cannot filter by themes: {NO_THEMES}"}
