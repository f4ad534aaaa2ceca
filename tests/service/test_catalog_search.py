"""GET /v1/catalog/partners and /v1/catalog/projects: the pickers' search, a page at a time, on the tiny alliance
(11 discoverable partners and "Secret Reef Foundation", which opted out); the summary without the partner list."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from matcher.embedding.base import Embedder
from matcher.store.keys import KeyRing
from tests.conftest import open_copy
from tests.service.writes_support import AUTH, client_for

PARTNERS = "/v1/catalog/partners"
PROJECTS = "/v1/catalog/projects"
BY_NAME = [
    "City of Lyon Food Council",
    "Coastal Research Lab",
    "CodeHer Labs",
    "Girls Who Build",
    "Green Roots Primary",
    "Institute for Teacher Education",
    "Marine Classroom Trust",
    "Seeds of Learning",
    "Teachers Wellbeing Network",
    "Women in STEM University Alliance",
    "Blue Reef School",
]
BY_NAME = sorted(BY_NAME, key=str.casefold)


def names(body: dict[str, Any]) -> list[str]:
    return [entry["name"] for entry in body["data"]]


def test_every_page_in_name_order_then_none(client: TestClient) -> None:
    seen: list[str] = []
    cursor = None
    sizes = []
    while True:
        params = {"limit": 5, **({"cursor": cursor} if cursor else {})}
        r = client.get(PARTNERS, params=params)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["total"] == 11 and body["count"] == len(body["data"])
        sizes.append(body["count"])
        seen += names(body)
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert sizes == [5, 5, 1]
    assert seen == BY_NAME
    assert "Secret Reef Foundation" not in seen


def test_an_entry_is_what_a_picker_shows(client: TestClient) -> None:
    body = client.get(PARTNERS, params={"q": "coastal"}).json()
    assert body == {
        "data": [
            {
                "id": "ocean-lab",
                "name": "Coastal Research Lab",
                "type": "research_centre",
                "country": "PT",
                "languages": ["en", "pt"],
                "sdgs": [13, 14],
                "summary": "Research centre on coastal ecosystems, ocean acidification and marine protected areas.",
            }
        ],
        "count": 1,
        "total": 1,
        "next_cursor": None,
    }


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("co", ["Coastal Research Lab", "CodeHer Labs", "City of Lyon Food Council"]),  # starts, then a word starts
        ("teacher", ["Teachers Wellbeing Network", "Institute for Teacher Education"]),
        ("TEACHER educ", ["Institute for Teacher Education"]),  # every word, any case
        ("re", ["Blue Reef School", "Coastal Research Lab", "Green Roots Primary"]),  # "green": inside a word
        ("reef", ["Blue Reef School"]),  # not the hidden Secret Reef Foundation
        ("  ", BY_NAME[:20]),
        ("zzz", []),
    ],
)
def test_q_matches_a_prefix_first_then_a_word_then_inside(client: TestClient, q: str, expected: list[str]) -> None:
    body = client.get(PARTNERS, params={"q": q}).json()
    assert names(body) == expected
    assert body["total"] == len(expected)


def test_filters_narrow_the_search(client: TestClient) -> None:
    assert names(client.get(PARTNERS, params={"type": "school"}).json()) == ["Blue Reef School", "Green Roots Primary"]
    assert names(client.get(PARTNERS, params={"country": "pt"}).json()) == ["Coastal Research Lab"]
    assert names(client.get(PARTNERS, params={"language": "fr", "q": "n"}).json()) == [
        "Teachers Wellbeing Network",  # "network" starts with n; "council" only holds one
        "City of Lyon Food Council",
    ]
    assert names(client.get(PARTNERS, params={"sdg": 14, "type": "ngo"}).json()) == ["Marine Classroom Trust"]


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "x"}, "limit"),
        ({"q": "x" * 201}, "q"),
        ({"country": "FRA"}, "country"),
        ({"sdg": 18}, "sdg"),
    ],
)
def test_out_of_bounds_parameters_are_422(client: TestClient, params: dict[str, Any], where: str) -> None:
    r = client.get(PARTNERS, params=params)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", where]


def test_a_cursor_not_of_the_documented_form_is_422(client: TestClient) -> None:
    r = client.get(PARTNERS, params={"cursor": "nonsense"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "cursor"]
    assert r.json()["detail"][0]["msg"].startswith("String should match pattern")


def test_projects_by_title_with_filters_and_pages(client: TestClient) -> None:
    first = client.get(PROJECTS, params={"limit": 3}).json()
    assert [p["title"] for p in first["data"]] == ["Caring for Teachers", "Gardens that Teach", "Girls Code the Future"]
    assert first["total"] == 4
    rest = client.get(PROJECTS, params={"limit": 3, "cursor": first["next_cursor"]}).json()
    assert [p["id"] for p in rest["data"]] == ["reef-kit"] and rest["next_cursor"] is None
    teach = client.get(PROJECTS, params={"q": "teach"}).json()
    assert [p["title"] for p in teach["data"]] == ["Caring for Teachers", "Gardens that Teach"]  # both: a word starts
    assert [p["id"] for p in client.get(PROJECTS, params={"status": "idea"}).json()["data"]] == ["girls-code"]
    assert [p["id"] for p in client.get(PROJECTS, params={"sdg": 14}).json()["data"]] == ["reef-kit"]
    assert client.get(PROJECTS, params={"limit": 101}).status_code == 422


def test_the_summary_has_no_partner_or_project_list_any_more(client: TestClient) -> None:
    body = client.get("/v1/catalog/summary").json()
    assert set(body) == {
        "action_groups", "countries", "languages", "partner_count", "project_count", "actor_types", "sdgs",
    }  # fmt: skip
    assert body["countries"] == ["AU", "BR", "CA", "FI", "FJ", "FR", "IN", "KE", "NG", "PT", "US"]  # not NZ (hidden)
    assert body["languages"] == ["en", "fi", "fr", "hi", "pt", "sw"]
    assert (body["partner_count"], body["project_count"]) == (11, 4)
    text = client.get("/v1/catalog/summary").text
    assert not [name for name in BY_NAME if name in text]


@pytest.fixture(scope="module")
def keyed(tmp_path_factory: pytest.TempPathFactory, tiny_home: Path, embedder: Embedder) -> Iterator[Any]:
    matcher = open_copy(tiny_home, tmp_path_factory.mktemp("catalog-search") / "home", embedder)
    ring = KeyRing(matcher.store.sessions)
    own, other = ring.create("partner", "ocean-hidden").token, ring.create("partner", "stem-youth").token
    with client_for(matcher) as client:
        yield client, own, other
    matcher.close()


def test_a_hidden_partner_is_listed_only_to_its_own_key_and_admin_keys(keyed: Any) -> None:
    client, own, other = keyed
    for headers in ({}, {"Authorization": f"Bearer {other}"}):
        body = client.get(PARTNERS, params={"q": "reef"}, headers=headers).json()
        assert names(body) == ["Blue Reef School"] and body["total"] == 1
        assert client.get(PARTNERS, params={"limit": 100}, headers=headers).json()["total"] == 11
    for headers in ({"Authorization": f"Bearer {own}"}, AUTH):
        body = client.get(PARTNERS, params={"q": "reef"}, headers=headers).json()
        assert names(body) == ["Blue Reef School", "Secret Reef Foundation"]
        assert client.get(PARTNERS, params={"limit": 100}, headers=headers).json()["total"] == 12
