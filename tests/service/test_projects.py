"""GET /v1/projects/{id}/collaborators; PUT /v1/projects/{id}."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.service.writes_support import AUTH


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


# -- PUT /v1/projects/{id}: replace every field ---------------------------------------------------------------------
def test_put_replaces_every_field_and_keeps_the_members(writer: TestClient) -> None:
    r = writer.put(
        "/v1/projects/reef-kit",
        json={"title": "Reef Kit 2", "description": "Coral reef kits for primary schools.", "sdgs": [14]},
        headers=AUTH,
    )

    assert r.status_code == 200 and r.headers["etag"] == '"2"'
    body = r.json()
    assert {k: v for k, v in body.items() if k != "updated_at"} == {
        "id": "reef-kit",
        "title": "Reef Kit 2",
        "description": "Coral reef kits for primary schools.",
        "sdgs": [14],
        "status": None,  # omitted: cleared
        "seeking": None,
        "start_date": None,
        "version": 2,
    }
    assert writer.get("/v1/projects/reef-kit").json()["title"] == "Reef Kit 2"
    members = writer.get("/v1/projects/reef-kit/members").json()["data"]
    assert {(m["partner_id"], m["role"]) for m in members} == {("ocean-school", "lead"), ("ocean-ngo", "member")}


def test_put_refuses_a_stale_version_another_id_a_bad_field_and_an_unknown_project(writer: TestClient) -> None:
    body = {"title": "Reef Kit 2", "description": "Coral reef kits."}
    assert writer.put("/v1/projects/reef-kit", json=body, headers={**AUTH, "If-Match": '"1"'}).status_code == 200

    stale = writer.put("/v1/projects/reef-kit", json=body, headers={**AUTH, "If-Match": '"1"'})
    assert stale.status_code == 412 and stale.headers["etag"] == '"2"'
    assert stale.json()["detail"].startswith("The project 'reef-kit' is at version 2, not 1")
    other_id = writer.put("/v1/projects/reef-kit", json={**body, "id": "reef-kit-2"}, headers=AUTH)
    assert other_id.status_code == 422 and "a project's id cannot change" in other_id.json()["detail"]
    bad = writer.put("/v1/projects/reef-kit", json={**body, "status": "finished"}, headers=AUTH)
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "status"]
    unknown = writer.put("/v1/projects/nope", json=body, headers=AUTH)
    assert unknown.status_code == 404 and unknown.json() == {"detail": "No project with id 'nope'."}
    assert writer.put("/v1/projects/reef-kit", json=body).status_code == 401
    assert writer.get("/v1/projects/reef-kit").json()["version"] == 2  # none of those wrote
