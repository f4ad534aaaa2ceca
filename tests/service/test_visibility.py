"""A partner that opted out (``discoverable=false``) never leaks: to a caller without its key (no key, or another
partner's key) it is indistinguishable from an id that does not exist, on every route of the OpenAPI document.

The sweep reads ``app.openapi()``: every operation with a partner id in its path, query or body is called once with
the hidden id and once with an unknown one, and must answer the same status and the same body (but for the id).
Then every read is called with visible ids and must never name the hidden partner. In this alliance the hidden
partner leads a project, is a member of another and of an action group (as p089 did in issue 12), so that there is
something to leak; its own key and admin keys do see it (the positive control).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from matcher.embedding.base import Embedder
from matcher.engine import Matcher
from matcher.store.keys import KeyRing
from tests.conftest import open_copy
from tests.service.writes_support import AUTH, client_for

HIDDEN = "ocean-hidden"
HIDDEN_NAME = "Secret Reef Foundation"
UNKNOWN = "ocean-nobody"
OTHER = "stem-youth"  # the partner whose key is used as "another partner's key"
ID = "@ID@"  # where a probe body takes the partner id under test
PARTNER_PARAMS = {"partner_id", "requester_id"}  # path and query parameters naming a partner
PARTNER_FIELDS = PARTNER_PARAMS | {"include", "exclude", "partners", "conflicts"}  # body fields holding partner ids
PATH_VALUES = {"project_id": "reef-kit", "group_id": "teachers-for-the-planet", "partner_id": "ocean-school"}
TEXT = "coral reef ocean literacy for Pacific schools"

#: Bodies of the operations that take one: ``@ID@`` marks a partner id (each body probes the places it marks).
BODIES: dict[tuple[str, str], list[dict[str, Any]]] = {
    ("post", "/v1/recommendations/collaborators"): [
        {"text": TEXT, "requester_id": ID},
        {"text": TEXT, "exclude": [ID]},
        {"project_id": "reef-kit", "requester_id": ID, "k": 20},
    ],
    ("post", "/v1/recommendations/consortium"): [
        {"text": TEXT, "requester_id": ID, "size": {"min": 2, "max": 3}},
        {"text": TEXT, "include": [ID], "size": {"min": 2, "max": 3}},
        {"text": TEXT, "exclude": [ID], "size": {"min": 2, "max": 3}},
        {"text": TEXT, "conflicts": [[ID, "ocean-lab"]], "size": {"min": 2, "max": 3}},
    ],
    ("post", "/v1/action-groups/assignments"): [
        {"partners": [ID, "stem-uni"]},
        {"partners": ["stem-uni"], "preferences": [{"partner_id": ID, "group_id": "youth-empowerment"}]},
        {"partners": ["stem-uni"], "exclusions": [{"partner_id": ID, "group_id": "youth-empowerment"}]},
    ],
    ("post", "/v1/feedback"): [
        {"requester_id": ID, "partner_id": "ocean-lab", "action": "accept"},
        {"requester_id": "@SELF@", "partner_id": ID, "action": "dismiss"},
    ],
    ("post", "/v1/partners"): [{"id": ID, "name": "Someone", "description": "Reef schools."}],
    ("put", "/v1/partners/{partner_id}"): [{"name": "Someone", "description": "Reef schools."}],
    ("patch", "/v1/partners/{partner_id}"): [{"city": "Porto"}],
    ("post", "/v1/projects/{project_id}/members"): [{"partner_id": ID, "role": "member"}],
    ("put", "/v1/projects/{project_id}/members/{partner_id}"): [{"role": "member"}],
    ("patch", "/v1/projects/{project_id}/members/{partner_id}"): [{"role": "member"}],
    ("post", "/v1/action-groups/{group_id}/members"): [{"partner_id": ID}],
    ("post", "/v1/projects"): [{"id": "p-new", "title": "T", "description": "D"}],
    ("put", "/v1/projects/{project_id}"): [{"title": "T", "description": "D"}],
    ("patch", "/v1/projects/{project_id}"): [{"title": "T"}],
    ("post", "/v1/action-groups"): [{"id": "g-new", "name": "G", "description": "D"}],
    ("put", "/v1/action-groups/{group_id}"): [{"name": "G", "description": "D"}],
    ("patch", "/v1/action-groups/{group_id}"): [{"name": "G"}],
}


def _url(template: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], template)


@dataclass(frozen=True)
class World:
    client: TestClient
    matcher: Matcher
    own_key: str  # the hidden partner's key
    other_key: str  # OTHER's key


@dataclass(frozen=True)
class Probe:
    method: str
    path: str  # the template, e.g. /v1/partners/{partner_id}
    where: str  # "path", "query" or "body"
    param: str | None = None
    body: dict[str, Any] | None = None

    def call(self, client: TestClient, partner: str, headers: dict[str, str], me: str) -> Any:
        values = {**PATH_VALUES, **({self.param: partner} if self.where == "path" and self.param else {})}
        url = _url(self.path, values)
        params = {self.param: partner} if self.where == "query" and self.param else None
        body = None
        if self.body is not None:
            body = json.loads(json.dumps(self.body).replace(ID, partner).replace("@SELF@", me))
        return client.request(self.method, url, params=params, json=body, headers=headers)

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path} ({self.where}{': ' + self.param if self.param else ''})"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, tiny_home: Path, embedder: Embedder) -> Iterator[World]:
    matcher = open_copy(tiny_home, tmp_path_factory.mktemp("visibility") / "home", embedder)
    ring = KeyRing(matcher.store.sessions)
    own, other = ring.create("partner", HIDDEN).token, ring.create("partner", OTHER).token
    with client_for(matcher) as client:
        writes = [
            ("/v1/projects", {"id": "secret-reefs", "title": "Secret Reef Schools", "description": TEXT}),
            ("/v1/projects/secret-reefs/members", {"partner_id": HIDDEN, "role": "lead"}),
            ("/v1/projects/secret-reefs/members", {"partner_id": "ocean-lab", "role": "member"}),
            ("/v1/projects/reef-kit/members", {"partner_id": HIDDEN, "role": "member"}),
            ("/v1/action-groups/teachers-for-the-planet/members", {"partner_id": HIDDEN}),
        ]
        for path, body in writes:
            response = client.post(path, json=body, headers=AUTH)
            assert response.status_code == 201, response.text
        yield World(client, matcher, own, other)
    matcher.close()


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _field_names(spec: dict[str, Any], schema: dict[str, Any], seen: set[str] | None = None) -> set[str]:
    """Every property name in a request schema, nested objects and arrays included."""
    seen = set() if seen is None else seen
    ref = schema.get("$ref")
    if ref is not None:
        if ref in seen:
            return set()
        seen.add(ref)
    schema = _resolve(spec, schema)
    names = set(schema.get("properties", {}))
    children = list(schema.get("properties", {}).values())
    children += [schema[k] for k in ("items", "additionalProperties") if isinstance(schema.get(k), dict)]
    children += [s for k in ("anyOf", "oneOf", "allOf") for s in schema.get(k, [])]
    for child in children:
        names |= _field_names(spec, child, seen)
    return names


def _probes(spec: dict[str, Any]) -> list[Probe]:
    """One probe per place an operation takes a partner id; fails for an operation this test cannot call."""
    probes: list[Probe] = []
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            body_schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            bodies = BODIES.get((method, path), [])
            assert body_schema is None or bodies, f"{method.upper()} {path} takes a body: add one to BODIES"
            base = next((b for b in bodies if ID not in json.dumps(b)), None)
            for param in op.get("parameters", []):
                if param["name"] in PARTNER_PARAMS and param["in"] in ("path", "query"):
                    probes.append(Probe(method, path, param["in"], param["name"], base))
            if body_schema is not None and _field_names(spec, body_schema) & PARTNER_FIELDS:
                marked = [b for b in bodies if ID in json.dumps(b)]
                assert marked, f"{method.upper()} {path} takes partner ids in its body: add a probe to BODIES"
                probes.extend(Probe(method, path, "body", body=b) for b in marked)
    return probes


def _callers(world: World) -> dict[str, tuple[dict[str, str], str]]:
    """Callers without a key for the hidden partner: headers, and the partner they may act as."""
    return {
        "no key": ({}, "ocean-school"),
        "another partner's key": ({"Authorization": f"Bearer {world.other_key}"}, OTHER),
    }


def test_a_hidden_partner_answers_exactly_as_an_unknown_id_on_every_route(world: World) -> None:
    spec = world.client.app.openapi()  # type: ignore[attr-defined]
    probes = _probes(spec)
    covered = {(p.method, p.path) for p in probes}
    for expected in [("get", "/v1/projects"), ("get", "/v1/action-groups"), ("get", "/v1/partners/{partner_id}"),
                     ("get", "/v1/partners/{partner_id}/similar"), ("get", "/v1/partners/{partner_id}/action-groups"),
                     ("post", "/v1/recommendations/collaborators"), ("post", "/v1/feedback")]:  # fmt: skip
        assert expected in covered, expected  # the sweep finds the routes of issue 12
    revision = world.matcher.store.revision()
    differences = []
    for caller, (headers, me) in _callers(world).items():
        for probe in probes:
            hidden = probe.call(world.client, HIDDEN, headers, me)
            unknown = probe.call(world.client, UNKNOWN, headers, me)
            same = hidden.status_code == unknown.status_code and hidden.text.replace(HIDDEN, UNKNOWN) == unknown.text
            if not same:
                differences.append(f"{probe}, {caller}: {hidden.status_code} {hidden.text[:160]} != "
                                   f"{unknown.status_code} {unknown.text[:160]}")  # fmt: skip
            assert hidden.status_code != 500, (str(probe), hidden.text)
    assert differences == []
    assert world.matcher.store.revision() == revision  # every probe of a write was refused


def test_the_routes_of_issue_12_answer_as_for_an_unknown_id(world: World) -> None:
    client = world.client
    for partner in (HIDDEN, UNKNOWN):
        assert client.get("/v1/projects", params={"partner_id": partner}).json() == {
            "data": [], "count": 0, "total": 0, "offset": 0, "limit": 50}  # fmt: skip
        assert client.get("/v1/action-groups", params={"partner_id": partner}).json()["data"] == []
        for path in (f"/v1/partners/{partner}", f"/v1/partners/{partner}/similar",
                     f"/v1/partners/{partner}/action-groups"):  # fmt: skip
            response = client.get(path)
            assert (response.status_code, response.json()) == (404, {"detail": f"No partner with id {partner!r}."})
        response = client.post("/v1/recommendations/collaborators", json={"text": TEXT, "requester_id": partner})
        assert (response.status_code, response.json()) == (404, {"detail": f"No partner with id {partner!r}."})


def _reads(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any] | None]]:
    """Every GET of the OpenAPI document with visible ids (and the projects the hidden partner is in), and the
    recommendation queries that would find it if anything let it through."""
    calls: list[tuple[str, str, dict[str, Any] | None]] = []
    for path, operations in spec["paths"].items():
        if "get" not in operations:
            continue
        projects = ["reef-kit", "secret-reefs"] if "{project_id}" in path else [PATH_VALUES["project_id"]]
        for project in projects:
            calls.append(("get", _url(path, {**PATH_VALUES, "project_id": project}), None))
    for body in ({"text": TEXT, "k": 50}, {"project_id": "reef-kit", "k": 50}, {"project_id": "secret-reefs", "k": 50},
                 {"text": TEXT, "requester_id": "ocean-lab", "k": 50}):  # fmt: skip
        calls.append(("post", "/v1/recommendations/collaborators", body))
    if "/v1/recommendations/consortium" in spec["paths"]:
        calls.append(
            ("post", "/v1/recommendations/consortium", {"project_id": "secret-reefs", "size": {"min": 3, "max": 4}})
        )
    if "/v1/action-groups/assignments" in spec["paths"]:
        calls.append(("post", "/v1/action-groups/assignments", {}))
    return calls


def test_no_response_names_a_hidden_partner(world: World) -> None:
    spec = world.client.app.openapi()  # type: ignore[attr-defined]
    calls = _reads(spec)
    assert len(calls) >= 20
    answered = 0
    for caller, (headers, _) in _callers(world).items():
        for method, url, body in calls:
            response = world.client.request(method, url, json=body, headers=headers)
            assert response.status_code != 500, (url, response.text)
            answered += response.status_code == 200
            assert HIDDEN not in response.text and HIDDEN_NAME not in response.text, (caller, method, url, body)
    assert answered >= 30  # most reads answer (a few need a key or fitted themes)
    members = world.client.get("/v1/projects/secret-reefs/members").json()
    assert members == {
        "data": [{"project_id": "secret-reefs", "partner_id": "ocean-lab", "role": "member"}],
        "count": 1,
    }


@pytest.mark.parametrize("key", ["own", "admin"])
def test_its_own_key_and_admin_keys_see_the_hidden_partner(world: World, key: str) -> None:
    headers = AUTH if key == "admin" else {"Authorization": f"Bearer {world.own_key}"}
    client = world.client
    card = client.get(f"/v1/partners/{HIDDEN}", headers=headers)
    assert card.status_code == 200 and card.json()["name"] == HIDDEN_NAME
    assert {p["id"] for p in card.json()["projects"]} == {"reef-kit", "secret-reefs"}
    assert client.get(f"/v1/partners/{HIDDEN}/similar", headers=headers).status_code == 200
    assert client.get(f"/v1/partners/{HIDDEN}/action-groups", headers=headers).status_code == 200
    projects = client.get("/v1/projects", params={"partner_id": HIDDEN}, headers=headers).json()
    assert [p["id"] for p in projects["data"]] == ["reef-kit", "secret-reefs"]
    groups = client.get("/v1/action-groups", params={"partner_id": HIDDEN}, headers=headers).json()
    assert [g["id"] for g in groups["data"]] == ["teachers-for-the-planet"]
    members = client.get("/v1/projects/secret-reefs/members", headers=headers).json()["data"]
    assert [(m["partner_id"], m["role"]) for m in members] == [("ocean-hidden", "lead"), ("ocean-lab", "member")]
    query = {"text": TEXT, "requester_id": HIDDEN, "k": 5}
    response = client.post("/v1/recommendations/collaborators", json=query, headers=headers)
    assert response.status_code == 200 and HIDDEN not in [m["partner_id"] for m in response.json()["data"]]
    # still never suggested to anyone, not even to itself or with an admin key
    query = {"text": TEXT, "k": 50}
    suggested = client.post("/v1/recommendations/collaborators", json=query, headers=headers).json()["data"]
    assert HIDDEN not in [m["partner_id"] for m in suggested] and len(suggested) == 11
