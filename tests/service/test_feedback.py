"""POST /v1/feedback and GET /v1/feedback: a declined or dismissed partner is not suggested again to that requester
for that project; accepted ones become collaboration signals; the export is JSON or CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from matcher.engine import Matcher
from tests.service.writes_support import AUTH

REEF = {"project_id": "reef-kit", "requester_id": "ocean-school", "k": 20}


def _suggested(client: TestClient, query: dict[str, object]) -> list[str]:
    response = client.post("/v1/recommendations/collaborators", json=query)
    assert response.status_code == 200, response.text
    return [m["partner_id"] for m in response.json()["data"]]


def _feedback(client: TestClient, **body: object) -> dict[str, object]:
    response = client.post("/v1/feedback", json=body, headers=AUTH)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_feedback_needs_the_api_key(writer: TestClient, ingested: Matcher) -> None:
    body = {"requester_id": "ocean-school", "partner_id": "ocean-lab", "action": "dismiss"}
    assert writer.post("/v1/feedback", json=body).status_code == 401
    assert writer.get("/v1/feedback").status_code == 401  # who turned down whom is not public
    assert ingested.store.list_feedback().total == 0


def test_a_dismissed_partner_is_not_suggested_again_for_that_project(writer: TestClient) -> None:
    assert "ocean-lab" in _suggested(writer, REEF)
    saved = _feedback(writer, requester_id="ocean-school", partner_id="ocean-lab", project_id="reef-kit",
                      action="dismiss", reason="we already work with them")  # fmt: skip
    assert saved["action"] == "dismiss" and saved["reason"] == "we already work with them"

    assert "ocean-lab" not in _suggested(writer, REEF)
    lead_view = writer.get("/v1/projects/reef-kit/collaborators", params={"k": 20}).json()["data"]
    assert "ocean-lab" not in [m["partner_id"] for m in lead_view]  # the project's lead is ocean-school
    # other projects, free-text queries and other requesters are not affected
    assert "ocean-lab" in _suggested(writer, {"text": "marine research on coral reefs", "requester_id": "ocean-school"})
    assert "ocean-lab" in _suggested(writer, {**REEF, "requester_id": "teacher-net"})

    _feedback(writer, requester_id="ocean-school", partner_id="ocean-lab", project_id="reef-kit", action="accept")
    assert "ocean-lab" in _suggested(writer, REEF)  # the latest reaction counts


def test_a_declined_candidate_is_not_suggested_again_to_the_group(writer: TestClient) -> None:
    path = "/v1/action-groups/teachers-for-the-planet/candidates"
    before = [m["partner_id"] for m in writer.get(path, params={"k": 3}).json()["data"]]
    _feedback(writer, requester_id="teacher-uni", partner_id=before[0], group_id="teachers-for-the-planet",
              action="decline")  # fmt: skip
    after = [m["partner_id"] for m in writer.get(path, params={"k": 3}).json()["data"]]
    assert before[0] not in after and after[:2] == before[1:] and len(after) == 3


def test_accepted_feedback_becomes_a_collaboration_signal(writer: TestClient, ingested: Matcher) -> None:
    _feedback(writer, requester_id="ocean-school", partner_id="ocean-lab", project_id="reef-kit", action="accept")
    _feedback(writer, requester_id="garden-school", partner_id="garden-city", action="accept")
    _feedback(writer, requester_id="garden-school", partner_id="garden-ngo", action="dismiss")
    assert ingested.store.accepted_pairs() == [("ocean-school", "ocean-lab", "reef-kit"),
                                               ("garden-school", "garden-city", None)]  # fmt: skip


def test_feedback_is_exported_with_timestamps_as_json_and_csv(writer: TestClient) -> None:
    start = datetime.now(UTC) - timedelta(seconds=5)
    _feedback(writer, requester_id="ocean-school", partner_id="ocean-lab", project_id="reef-kit", action="dismiss")
    _feedback(writer, requester_id="stem-uni", partner_id="stem-youth", action="accept", reason='said "yes", gladly')
    page = writer.get("/v1/feedback", headers=AUTH).json()
    assert (page["count"], page["total"]) == (2, 2)
    first = page["data"][0]
    assert (first["requester_id"], first["partner_id"], first["project_id"], first["action"]) == (
        "ocean-school", "ocean-lab", "reef-kit", "dismiss",
    )  # fmt: skip
    assert start <= datetime.fromisoformat(first["created_at"]) <= datetime.now(UTC) + timedelta(seconds=5)
    only = writer.get("/v1/feedback", params={"action": "accept"}, headers=AUTH).json()["data"]
    assert [f["partner_id"] for f in only] == ["stem-youth"]

    exported = writer.get("/v1/feedback", params={"format": "csv"}, headers=AUTH)
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [(r["requester_id"], r["action"], r["reason"]) for r in rows] == [
        ("ocean-school", "dismiss", ""), ("stem-uni", "accept", 'said "yes", gladly'),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "loc", "message"),
    [
        ({"partner_id": "ocean-lab", "action": "like"}, "action", "Input should be 'accept', 'decline' or 'dismiss'"),
        ({"partner_id": "nobody", "action": "dismiss"}, "partner_id", "no such id in partners"),
        ({"partner_id": "ocean-lab", "project_id": "x", "action": "dismiss"}, "project_id", "no such id in projects"),
        ({"partner_id": "ocean-lab", "group_id": "x", "action": "accept"}, "group_id", "no such id in action_groups"),
        ({"partner_id": "ocean-school", "action": "dismiss"}, "partner_id", "partner_id must differ from requester_id"),
        ({"partner_id": "ocean-lab", "action": "dismiss", "reason": "x" * 2001}, "reason",
         "String should have at most 2000 characters"),
        ({"action": "dismiss"}, "partner_id", "a non-empty value is required"),
    ],
)  # fmt: skip
def test_invalid_feedback_is_refused_with_the_field(
    writer: TestClient, ingested: Matcher, body: dict[str, object], loc: str, message: str
) -> None:
    response = writer.post("/v1/feedback", json={"requester_id": "ocean-school", **body}, headers=AUTH)
    assert response.status_code == 422
    errors = response.json()["detail"]
    assert [(e["loc"][-1], e["msg"]) for e in errors] == [(loc, message)]
    assert ingested.store.list_feedback().total == 0
