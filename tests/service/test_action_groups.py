"""GET /v1/action-groups/{id}/candidates; PUT /v1/action-groups/{id}."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.service.writes_support import AUTH


def test_candidates_are_non_members_best_first(client: TestClient) -> None:
    r = client.get("/v1/action-groups/youth-empowerment/candidates", params={"k": 100})

    assert r.status_code == 200
    body = r.json()
    found = [m["partner_id"] for m in body["data"]]
    assert body["count"] == len(found) == 10  # 11 discoverable partners minus the one member
    assert "stem-youth" not in found
    assert "ocean-hidden" not in found
    assert set(found[:2]) == {"stem-uni", "stem-company"}
    scores = [m["score"] for m in body["data"]]
    assert scores == sorted(scores, reverse=True)


def test_candidates_of_teachers_group(client: TestClient) -> None:
    body = client.get("/v1/action-groups/teachers-for-the-planet/candidates", params={"k": 3}).json()
    found = [m["partner_id"] for m in body["data"]]

    assert len(found) == 3
    assert {"teacher-uni", "ocean-ngo"}.isdisjoint(found)


def test_unknown_group_is_404(client: TestClient) -> None:
    r = client.get("/v1/action-groups/nope/candidates")

    assert r.status_code == 404
    assert r.json() == {"detail": "No action group with id 'nope'."}


@pytest.mark.parametrize("k", ["0", "101", "x"])
def test_bad_k_is_422(client: TestClient, k: str) -> None:
    r = client.get("/v1/action-groups/youth-empowerment/candidates", params={"k": k})

    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "k"]


# -- PUT /v1/action-groups/{id}: replace the name and description ------------------------------------------------------
def test_put_replaces_the_group_and_keeps_its_members(writer: TestClient) -> None:
    body = {"name": "Teachers for the Ocean", "description": "Teachers bringing ocean science into classrooms."}

    r = writer.put("/v1/action-groups/teachers-for-the-planet", json=body, headers=AUTH)

    assert r.status_code == 200 and r.headers["etag"] == '"2"'
    assert {k: v for k, v in r.json().items() if k != "updated_at"} == {
        "id": "teachers-for-the-planet",
        **body,
        "version": 2,
    }
    assert writer.get("/v1/action-groups/teachers-for-the-planet").json()["name"] == "Teachers for the Ocean"
    members = writer.get("/v1/action-groups/teachers-for-the-planet/members").json()["data"]
    assert {m["partner_id"] for m in members} == {"teacher-uni", "ocean-ngo"}


def test_put_refuses_a_stale_version_another_id_a_missing_field_and_an_unknown_group(writer: TestClient) -> None:
    body = {"name": "Teachers for the Ocean", "description": "Ocean science in classrooms."}
    path = "/v1/action-groups/teachers-for-the-planet"
    assert writer.put(path, json=body, headers={**AUTH, "If-Match": '"1"'}).status_code == 200

    stale = writer.put(path, json=body, headers={**AUTH, "If-Match": '"1"'})
    assert stale.status_code == 412 and stale.headers["etag"] == '"2"'
    other_id = writer.put(path, json={**body, "id": "teachers"}, headers=AUTH)
    assert other_id.status_code == 422 and "an action group's id cannot change" in other_id.json()["detail"]
    missing = writer.put(path, json={"name": "Teachers"}, headers=AUTH)
    assert missing.status_code == 422
    assert [(e["loc"][-1], e["msg"]) for e in missing.json()["detail"]] == [
        ("description", "a non-empty value is required")
    ]
    unknown = writer.put("/v1/action-groups/nope", json=body, headers=AUTH)
    assert unknown.status_code == 404 and unknown.json() == {"detail": "No action group with id 'nope'."}
    assert writer.put(path, json=body).status_code == 401
    assert writer.get(path).json()["version"] == 2  # none of those wrote
