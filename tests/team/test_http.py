"""POST /v1/recommendations/consortium and POST /v1/action-groups/assignments over HTTP, on the tiny alliance."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from matcher.engine import Matcher
from tests.conftest import OCEAN_QUERY
from tests.service.writes_support import AUTH, client_for

CONSORTIUM = "/v1/recommendations/consortium"
ASSIGN = "/v1/action-groups/assignments"
IN_NO_GROUP = {"ocean-school", "ocean-lab", "garden-school", "garden-ngo", "garden-city", "stem-uni", "stem-company",
               "teacher-net"}  # fmt: skip


def consortium(client: TestClient, **body: Any) -> Any:
    return client.post(CONSORTIUM, json={"text": OCEAN_QUERY, **body})


def test_a_consortium_meets_its_constraints_and_explains_itself(client: TestClient) -> None:
    r = consortium(
        client,
        requester_id="ocean-school",
        size={"min": 4, "max": 4},
        constraints={"kinds": [{"kind": "university", "min": 1, "max": 1}], "languages": ["fr"],
                     "min_distinct_countries": 4},
    )  # fmt: skip

    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"members", "coverage", "binding", "objective", "optimal", "candidates"}
    members = body["members"]
    assert len(members) == 4 and body["optimal"] is True
    assert members[0]["partner_id"] == "ocean-school" and members[0]["role"] == "requester"
    assert "ocean-hidden" not in {m["partner_id"] for m in members}
    assert [m["type"] for m in members].count("university") == 1
    assert len({m["country"] for m in members}) == 4
    assert "fr" in body["coverage"]["languages"]
    proposed = [m for m in members if m["role"] == "proposed"]
    assert all(m["reasons"] and len(m["alternatives"]) <= 2 for m in proposed)
    speaker = next(m for m in proposed if {"code": "covers_language", "text": "covers French",
                                           "params": {"language": "fr"}} in m["brings"])  # fmt: skip
    assert speaker["partner_id"] in {"garden-city", "teacher-net"}
    assert {"constraint": "constraints.kinds[0].max", "text": "at most 1 university", "value": 1, "bound": 1} in body[
        "binding"
    ]


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"size": {"min": 0, "max": 3}}, "size.min: 0 is not allowed; a team has at least 1 member"),
        ({"size": {"min": 4, "max": 3}}, "size: min 4 is greater than max 3; give min <= max"),
        (
            {"constraints": {"kinds": [{"kind": "university", "min": 3}]}},
            "constraints.kinds[0].min: at least 3 universities: only 2 candidates match the filters",
        ),
        (
            {
                "size": {"min": 2, "max": 2},
                "constraints": {"kinds": [{"kind": "university", "min": 1}]},
                "filters": {"types": ["ngo"]},
            },
            "constraints.kinds[0].min: at least 1 university: only 0 candidates match the filters",
        ),
        (
            {"include": ["ocean-hidden"]},
            "include: unknown partner id(s) ['ocean-hidden']; give ids of discoverable partners",
        ),
        ({"conflicts": [["ocean-ngo"]]}, "conflicts[0]: ['ocean-ngo']: give two different ids"),
        ({"time_limit": 0}, "time_limit: 0.0 is not allowed; give more than 0 and at most 60 seconds"),
    ],
)
def test_bad_or_impossible_requests_get_422_naming_the_constraint(
    client: TestClient, body: dict[str, Any], detail: str
) -> None:
    r = consortium(client, **body)
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == detail


def test_unknown_kind_is_refused_with_the_allowed_kinds(client: TestClient) -> None:
    r = consortium(client, constraints={"kinds": [{"kind": "wizard", "min": 1}]})
    assert r.status_code == 422
    assert r.json()["detail"].startswith("constraints.kinds[0].kind: unknown actor kind 'wizard'; allowed: ngo, ")


def test_assignment_dry_run_places_every_free_partner_once(client: TestClient) -> None:
    r = client.post(ASSIGN, json={})

    assert r.status_code == 200, r.text
    body = r.json()
    assert body["applied"] is False and body["optimal"] is True
    placed = [a["partner_id"] for a in body["assignments"]]
    assert sorted(placed) == sorted(IN_NO_GROUP)
    assert {g["group_id"]: g["existing"] for g in body["groups"]} == {"teachers-for-the-planet": 2,
                                                                      "youth-empowerment": 1}  # fmt: skip
    assert sum(len(g["added"]) for g in body["groups"]) == len(IN_NO_GROUP)


def test_assignment_quota_and_bad_group(client: TestClient) -> None:
    groups = [{"group_id": "youth-empowerment", "min": 2, "max": 2, "kinds": [{"kind": "university", "min": 1}]}]
    r = client.post(ASSIGN, json={"groups": groups})
    assert r.status_code == 200, r.text
    added = r.json()["groups"][0]["added"]
    assert len(added) == 2 and "stem-uni" in added  # the only free university

    r = client.post(ASSIGN, json={"groups": [{"group_id": "nope"}]})
    assert r.status_code == 422
    assert r.json()["detail"] == "groups[0].group_id: unknown action group id 'nope'"


@pytest.fixture
def writer(ingested: Matcher) -> Iterator[TestClient]:
    with client_for(ingested) as client:
        yield client


def test_apply_needs_an_admin_key_and_writes_the_memberships(writer: TestClient) -> None:
    body = {"partners": ["stem-uni", "garden-city"], "apply": True}
    refused = writer.post(ASSIGN, json=body)
    assert refused.status_code == 401
    assert writer.get("/v1/action-groups/youth-empowerment/members").json()["count"] == 1

    r = writer.post(ASSIGN, json=body, headers=AUTH)
    assert r.status_code == 200, r.text
    assert r.json()["applied"] is True
    written = {(a["group_id"], a["partner_id"]) for a in r.json()["assignments"]}
    assert len(written) == 2
    for group_id, partner_id in written:
        members = writer.get(f"/v1/action-groups/{group_id}/members").json()["data"]
        assert partner_id in {m["partner_id"] for m in members}


def test_a_solver_stopped_by_its_time_limit_says_so_and_its_team_still_meets_the_constraints(
    client: TestClient,
) -> None:
    r = consortium(
        client,
        requester_id="ocean-school",
        size={"min": 4, "max": 4},
        constraints={"kinds": [{"kind": "university", "min": 1}], "min_distinct_countries": 4},
        time_limit=1e-9,  # HiGHS stops before proving anything: the greedy team that meets the constraints
    )

    assert r.status_code == 200, r.text
    body = r.json()
    assert body["optimal"] is False
    members = body["members"]
    assert len(members) == 4 and members[0]["partner_id"] == "ocean-school"
    assert [m["type"] for m in members].count("university") >= 1
    assert len({m["country"] for m in members}) == 4


@pytest.mark.parametrize("time_limit", ["5", True])
def test_the_time_limit_is_a_json_number(client: TestClient, time_limit: Any) -> None:
    r = consortium(client, time_limit=time_limit)
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == ["body", "time_limit"]


def test_the_web_page_s_stubbed_answers_have_the_endpoint_s_shape() -> None:
    """The browser tests stub the endpoint (tests/browser/test_team.py): their answers must be ones it can give."""
    from service.schemas.teams import ConsortiumPublic
    from tests.browser.test_team import TEAM, swapped_team

    for answer in (TEAM, swapped_team()):
        parsed = ConsortiumPublic.model_validate(answer)
        assert parsed.model_dump(mode="json").keys() == answer.keys()
        assert [len(m.alternatives) for m in parsed.members] == [len(m["alternatives"]) for m in answer["members"]]
