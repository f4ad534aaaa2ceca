"""GET /v1/action-groups/{id}/candidates."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


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
