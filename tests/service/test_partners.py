"""GET /v1/partners/{id}, /v1/partners/{id}/similar and /v1/partners/{id}/action-groups."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def test_partner_card(client: TestClient) -> None:
    r = client.get("/v1/partners/ocean-ngo")

    assert r.status_code == 200
    assert r.json() == {
        "id": "ocean-ngo",
        "name": "Marine Classroom Trust",
        "type": "ngo",
        "country": "AU",
        "city": "Cairns",
        "languages": ["en"],
        "description": "An NGO bringing marine science and coral reef conservation into classrooms; ocean literacy "
        "kits for teachers.",
        "website": None,
        "sdgs": [14],
        "projects": [
            {"id": "care-teachers", "title": "Caring for Teachers", "role": "member"},
            {"id": "reef-kit", "title": "Reef in a Box", "role": "member"},
        ],
        "action_groups": [{"id": "teachers-for-the-planet", "name": "Teachers for the Planet"}],
    }


def test_partner_card_of_a_lead(client: TestClient) -> None:
    body = client.get("/v1/partners/ocean-school").json()

    assert body["projects"] == [{"id": "reef-kit", "title": "Reef in a Box", "role": "lead"}]
    assert body["sdgs"] == [4, 14]
    assert body["website"] == "https://bluereef.example"
    assert body["action_groups"] == []


@pytest.mark.parametrize("path", ["/v1/partners/{}", "/v1/partners/{}/similar", "/v1/partners/{}/action-groups"])
def test_unknown_partner_is_404(client: TestClient, path: str) -> None:
    r = client.get(path.format("nope"))

    assert r.status_code == 404
    assert r.json() == {"detail": "No partner with id 'nope'."}


def test_opted_out_partner_card_is_404(client: TestClient) -> None:
    r = client.get("/v1/partners/ocean-hidden")

    assert r.status_code == 404
    assert r.json() == {"detail": "No partner with id 'ocean-hidden'."}  # the same answer as for an unknown id


def test_similar_partners(client: TestClient) -> None:
    r = client.get("/v1/partners/ocean-school/similar", params={"k": 3})

    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 3
    found = [m["partner_id"] for m in body["data"]]
    assert found[0] == "ocean-ngo"
    assert "ocean-school" not in found


def test_similar_partners_never_returns_itself_or_the_opted_out(client: TestClient) -> None:
    found = [m["partner_id"] for m in client.get("/v1/partners/ocean-ngo/similar", params={"k": 100}).json()["data"]]

    assert len(found) == 10
    assert {"ocean-ngo", "ocean-hidden"}.isdisjoint(found)


def test_action_groups_for_partner(client: TestClient) -> None:
    r = client.get("/v1/partners/ocean-school/action-groups")

    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 2
    assert [g["group_id"] for g in body["data"]] == ["teachers-for-the-planet", "youth-empowerment"]
    assert set(body["data"][0]) == {"group_id", "name", "score", "reasons", "score_breakdown", "explanations"}
    assert body["data"][0]["name"] == "Teachers for the Planet"
    assert "Marine Classroom Trust" in body["data"][0]["reasons"][0]


def test_action_groups_already_joined_are_left_out(client: TestClient) -> None:
    body = client.get("/v1/partners/ocean-ngo/action-groups").json()

    assert [g["group_id"] for g in body["data"]] == ["youth-empowerment"]


@pytest.mark.parametrize("path", ["/v1/partners/ocean-school/similar", "/v1/partners/ocean-school/action-groups"])
@pytest.mark.parametrize("k", ["0", "101", "-1", "ten", "1.5"])
def test_bad_k_is_422(client: TestClient, path: str, k: str) -> None:
    r = client.get(path, params={"k": k})

    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "k"]


def test_k_bounds_are_inclusive(client: TestClient) -> None:
    assert client.get("/v1/partners/ocean-school/similar", params={"k": 1}).json()["count"] == 1
    assert client.get("/v1/partners/ocean-school/similar", params={"k": 100}).json()["count"] == 10
