"""GET /v1/projects/{id}/collaborators."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def test_project_collaborators(client: TestClient) -> None:
    r = client.get("/v1/projects/reef-kit/collaborators", params={"k": 3})

    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 3
    assert body["data"][0]["partner_id"] == "ocean-lab"  # reef-kit seeks a research centre on marine ecosystems
    assert body["data"][0]["type"] == "research_centre"


@pytest.mark.parametrize(
    ("project", "members"),
    [
        ("reef-kit", {"ocean-school", "ocean-ngo"}),
        ("school-gardens", {"garden-school", "garden-ngo"}),
        ("girls-code", {"stem-company", "stem-uni"}),
        ("care-teachers", {"teacher-net", "teacher-uni", "ocean-ngo"}),
    ],
)
def test_current_members_and_opted_out_are_never_suggested(client: TestClient, project: str, members: set[str]) -> None:
    body = client.get(f"/v1/projects/{project}/collaborators", params={"k": 100}).json()
    found = {m["partner_id"] for m in body["data"]}

    assert found.isdisjoint(members | {"ocean-hidden"})
    assert len(found) == 11 - len(members)


def test_coworkers_of_the_team_are_explained(client: TestClient) -> None:
    body = client.get("/v1/projects/reef-kit/collaborators", params={"k": 100}).json()
    reasons = {m["partner_id"]: m["reasons"] for m in body["data"]}

    # teacher-uni worked with ocean-ngo (a reef-kit member) on care-teachers
    assert any(r.startswith("worked with") and r.endswith("Caring for Teachers") for r in reasons["teacher-uni"])
    assert not any(r.startswith("worked with") for r in reasons["stem-youth"])


def test_unknown_project_is_404(client: TestClient) -> None:
    r = client.get("/v1/projects/nope/collaborators")

    assert r.status_code == 404
    assert r.json() == {"detail": "No project with id 'nope'."}


@pytest.mark.parametrize("k", ["0", "101", "x"])
def test_bad_k_is_422(client: TestClient, k: str) -> None:
    r = client.get("/v1/projects/reef-kit/collaborators", params={"k": k})

    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "k"]
