"""The write API: authentication, create/replace/patch/delete of partners, projects, groups and memberships,
listings, and privacy (a partner that opted out appears in no output). Real embedder, tiny alliance."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from matcher.engine import Matcher
from matcher.io.importer import ImportValidationError, read_directory
from matcher.ranking.ranker import DEFAULT_WEIGHTS, LinearRanker
from tests.conftest import copy_tiny
from tests.service.writes_support import AUTH, KEY, SECOND_KEY, client_for

KELP = {
    "id": "kelp-institute",
    "name": "Kelp Forest Institute",
    "description": "Marine biologists restoring kelp forests and seagrass meadows with school divers.",
    "type": "research_centre",
    "country": "NO",
    "languages": ["en", "no"],
    "sdgs": "14;4",
}
HIDDEN_NAME = "Secret Reef Foundation"


def test_writes_need_a_valid_key_and_write_nothing_without_one(writer: TestClient, ingested: Matcher) -> None:
    before = (ingested.store.counts(), ingested.store.revision())
    attempts = [
        ("post", "/v1/partners", KELP),
        ("patch", "/v1/partners/ocean-lab", {"city": "Porto"}),
        ("put", "/v1/projects/reef-kit", {"title": "T", "description": "D"}),
        ("delete", "/v1/partners/ocean-lab", None),
        ("post", "/v1/action-groups/youth-empowerment/members", {"partner_id": "ocean-lab"}),
        ("post", "/v1/feedback", {"requester_id": "ocean-school", "partner_id": "ocean-lab", "action": "dismiss"}),
    ]
    for method, path, body in attempts:
        for headers, detail in (
            ({}, "Writes need an API key: send the header `Authorization: Bearer <key>`."),
            ({"Authorization": "Bearer wrong-key-0123456789"}, "The API key is not valid; use one of the keys "
             "configured in MATCHER_API_KEYS."),
            ({"Authorization": f"Basic {KEY}"}, "Writes need an API key: send the header "
             "`Authorization: Bearer <key>`."),
        ):  # fmt: skip
            response = writer.request(method, path, json=body, headers=headers)
            assert response.status_code == 401, (method, path, headers)
            assert response.json() == {"detail": detail}
            assert response.headers["www-authenticate"] == "Bearer"
    assert (ingested.store.counts(), ingested.store.revision()) == before
    response = writer.patch(
        "/v1/partners/ocean-lab", json={"city": "Porto"}, headers={"Authorization": f"Bearer {SECOND_KEY}"}
    )
    assert response.status_code == 200 and response.json()["city"] == "Porto"  # several keys are allowed


def test_without_configured_keys_the_service_takes_no_writes(ingested: Matcher) -> None:
    with client_for(ingested, api_keys=[]) as client:
        response = client.post("/v1/partners", json=KELP, headers=AUTH)
    assert response.status_code == 401
    assert response.json()["detail"] == (
        "This service takes no writes: no API key is configured. Set MATCHER_API_KEYS and restart."
    )
    assert ingested.store.get_record("partners", "kelp-institute") is None


def test_reads_are_open_unless_a_setting_protects_them(writer: TestClient, ingested: Matcher) -> None:
    assert writer.get("/v1/partners").status_code == 200
    with client_for(ingested, read_requires_key=True) as client:
        for path in ("/v1/partners", "/v1/partners/ocean-lab", "/v1/projects/reef-kit/collaborators"):
            response = client.get(path)
            assert response.status_code == 401, path
            assert "Reads need an API key on this service" in response.json()["detail"]
            assert client.get(path, headers=AUTH).status_code == 200
        query = {"text": "coral reefs"}
        assert client.post("/v1/recommendations/collaborators", json=query).status_code == 401
        assert client.post("/v1/recommendations/collaborators", json=query, headers=AUTH).status_code == 200
        assert client.get("/v1/health").status_code == 200  # liveness stays open


def test_a_created_partner_is_suggested_at_once(writer: TestClient) -> None:
    response = writer.post("/v1/partners", json=KELP, headers=AUTH)
    assert response.status_code == 201
    assert response.headers["etag"] == '"1"'
    assert response.headers["location"] == "/v1/partners/kelp-institute/record"
    record = response.json()
    assert {k: record[k] for k in ("id", "country", "languages", "sdgs", "discoverable", "version")} == {
        "id": "kelp-institute", "country": "NO", "languages": ["en", "no"], "sdgs": [4, 14], "discoverable": True,
        "version": 1,
    }  # fmt: skip
    found = writer.post(
        "/v1/recommendations/collaborators", json={"text": "kelp forest restoration with school divers", "k": 3}
    ).json()
    assert found["data"][0]["partner_id"] == "kelp-institute"
    assert writer.get("/v1/partners/kelp-institute").json()["name"] == "Kelp Forest Institute"
    again = writer.post("/v1/partners", json=KELP, headers=AUTH)
    assert again.status_code == 409
    assert again.json()["detail"] == (
        "A partner with id 'kelp-institute' already exists; update it instead (PUT or PATCH), or choose another id."
    )


def test_a_second_process_on_the_same_database_serves_the_write(
    writer: TestClient, ingested: Matcher, tmp_path: Path
) -> None:
    settings = ingested.settings.model_copy(
        update={"home": tmp_path / "second", "database_url": ingested.store.url, "revision_check_interval": 0.0}
    )
    second = Matcher(settings, embedder=ingested.embedder).open()
    query = {"text": "kelp forest restoration with school divers", "k": 3}
    with client_for(second) as other:
        assert "kelp-institute" not in _ids(other.post("/v1/recommendations/collaborators", json=query))
        assert writer.post("/v1/partners", json=KELP, headers=AUTH).status_code == 201
        assert _ids(other.post("/v1/recommendations/collaborators", json=query))[0] == "kelp-institute"
        assert writer.delete("/v1/partners/kelp-institute", headers=AUTH).status_code == 204
        assert "kelp-institute" not in _ids(other.post("/v1/recommendations/collaborators", json=query))
    second.close()


def test_validation_rules_and_messages_are_the_importer_s(writer: TestClient, tmp_path: Path) -> None:
    bad = {
        "id": "bad id",
        "name": "",
        "description": "x" * 20_001,
        "type": "alien",
        "country": "XX",
        "languages": "en;zz",
        "website": "ftp://example.org",
        "sdgs": "4;99",
        "discoverable": "maybe",
    }
    directory = tmp_path / "bad"
    directory.mkdir()
    with open(directory / "partners.csv", "w", newline="", encoding="utf-8") as handle:
        writer_ = csv.DictWriter(handle, fieldnames=list(bad))
        writer_.writeheader()
        writer_.writerow(bad)
    with pytest.raises(ImportValidationError) as info:
        read_directory(directory)
    importer = {issue.column: issue.message for issue in info.value.issues}

    response = writer.post("/v1/partners", json=bad, headers=AUTH)
    assert response.status_code == 422
    api = {error["loc"][-1]: error["msg"] for error in response.json()["detail"]}
    assert api == importer
    assert api["description"] == "at most 20000 characters are allowed (got 20001)"
    assert api["country"] == "allowed: empty or an ISO 3166-1 alpha-2 country code such as FR, KE, BR"

    missing = writer.post("/v1/projects", json={"id": "p"}, headers=AUTH).json()["detail"]
    assert {(e["loc"][-1], e["msg"]) for e in missing} == {
        ("title", "a non-empty value is required"), ("description", "a non-empty value is required"),
    }  # fmt: skip


def test_put_replaces_and_patch_changes_only_the_given_fields(writer: TestClient) -> None:
    put = writer.put(
        "/v1/partners/ocean-lab", json={"name": "Coastal Lab", "description": "Coastal ecosystems."}, headers=AUTH
    )
    assert put.status_code == 200 and put.headers["etag"] == '"2"'
    body = put.json()
    assert (body["name"], body["country"], body["languages"], body["sdgs"], body["version"]) == (
        "Coastal Lab", None, [], [], 2,
    )  # fmt: skip

    patched = writer.patch("/v1/partners/ocean-lab", json={"country": "pt", "sdgs": [14]}, headers=AUTH).json()
    assert (patched["name"], patched["country"], patched["sdgs"], patched["version"]) == ("Coastal Lab", "PT", [14], 3)
    cleared = writer.patch("/v1/partners/ocean-lab", json={"country": None}, headers=AUTH).json()
    assert cleared["country"] is None and cleared["version"] == 4
    unchanged = writer.patch("/v1/partners/ocean-lab", json={}, headers=AUTH)
    assert unchanged.json()["version"] == 4  # nothing changed, nothing written

    required = writer.patch("/v1/partners/ocean-lab", json={"name": None}, headers=AUTH)
    assert required.status_code == 422 and required.json()["detail"][0]["msg"] == "a non-empty value is required"
    other_id = writer.put("/v1/partners/ocean-lab", json={"id": "x", "name": "N", "description": "D"}, headers=AUTH)
    assert other_id.status_code == 422 and "a partner's id cannot change" in other_id.json()["detail"]


def test_if_match_guards_against_overwriting_a_newer_version(writer: TestClient) -> None:
    record = writer.get("/v1/partners/ocean-lab/record", headers=AUTH)
    assert record.headers["etag"] == '"1"'
    first = writer.patch("/v1/partners/ocean-lab", json={"city": "Porto"}, headers={**AUTH, "If-Match": '"1"'})
    assert first.status_code == 200 and first.headers["etag"] == '"2"'
    late = writer.patch("/v1/partners/ocean-lab", json={"city": "Faro"}, headers={**AUTH, "If-Match": '"1"'})
    assert late.status_code == 412
    assert late.headers["etag"] == '"2"'
    assert late.json()["detail"].startswith("The partner 'ocean-lab' is at version 2, not 1: it changed since you")
    stale_delete = writer.delete("/v1/partners/ocean-lab", headers={**AUTH, "If-Match": 'W/"1"'})
    assert stale_delete.status_code == 412
    garbled = writer.patch("/v1/partners/ocean-lab", json={"city": "Faro"}, headers={**AUTH, "If-Match": "latest"})
    assert garbled.status_code == 400 and "is not a version" in garbled.json()["detail"]
    assert writer.get("/v1/partners/ocean-lab/record", headers=AUTH).json()["city"] == "Porto"


def test_a_deleted_partner_is_gone_from_every_answer(writer: TestClient) -> None:
    reef = {"text": "research centre on marine ecosystems for coral reef kits", "k": 20}
    assert "ocean-lab" in _ids(writer.post("/v1/recommendations/collaborators", json=reef))
    assert writer.delete("/v1/partners/ocean-lab", headers=AUTH).status_code == 204
    assert "ocean-lab" not in _ids(writer.post("/v1/recommendations/collaborators", json=reef))
    assert "ocean-lab" not in _ids(writer.get("/v1/partners/ocean-school/similar", params={"k": 20}))
    assert writer.get("/v1/partners/ocean-lab").status_code == 404
    again = writer.delete("/v1/partners/ocean-lab", headers=AUTH)
    assert again.status_code == 404 and again.json() == {"detail": "No partner with id 'ocean-lab'."}


def test_projects_groups_and_memberships(writer: TestClient) -> None:
    project = {"id": "kelp-kits", "title": "Kelp kits", "description": "Kelp forest kits for coastal schools.",
               "status": "idea", "start_date": "2025-03-01", "seeking": "marine scientists"}  # fmt: skip
    created = writer.post("/v1/projects", json=project, headers=AUTH)
    assert created.status_code == 201 and created.json()["start_date"] == "2025-03-01"
    assert writer.get("/v1/projects/kelp-kits").headers["etag"] == '"1"'
    added = writer.post(
        "/v1/projects/kelp-kits/members", json={"partner_id": "ocean-school", "role": "lead"}, headers=AUTH
    )
    assert added.status_code == 201 and added.json() == {"project_id": "kelp-kits", "partner_id": "ocean-school",
                                                         "role": "lead"}  # fmt: skip
    writer.post("/v1/projects/kelp-kits/members", json={"partner_id": "ocean-lab"}, headers=AUTH)
    suggested = _ids(writer.get("/v1/projects/kelp-kits/collaborators", params={"k": 20}))
    assert "ocean-school" not in suggested and "ocean-lab" not in suggested and "ocean-ngo" in suggested

    role = writer.patch("/v1/projects/kelp-kits/members/ocean-lab", json={"role": "lead"}, headers=AUTH)
    assert role.json()["role"] == "lead"
    assert writer.delete("/v1/projects/kelp-kits/members/ocean-lab", headers=AUTH).status_code == 204
    assert "ocean-lab" in _ids(writer.get("/v1/projects/kelp-kits/collaborators", params={"k": 20}))
    members = writer.get("/v1/projects/kelp-kits/members").json()
    assert members == {"data": [{"project_id": "kelp-kits", "partner_id": "ocean-school", "role": "lead"}], "count": 1}

    group = {"id": "ocean-educators", "name": "Ocean educators", "description": "Teaching the ocean in schools."}
    assert writer.post("/v1/action-groups", json=group, headers=AUTH).status_code == 201
    assert "ocean-ngo" in _ids(writer.get("/v1/action-groups/ocean-educators/candidates", params={"k": 20}))
    writer.post("/v1/action-groups/ocean-educators/members", json={"partner_id": "ocean-ngo"}, headers=AUTH)
    assert "ocean-ngo" not in _ids(writer.get("/v1/action-groups/ocean-educators/candidates", params={"k": 20}))
    renamed = writer.patch("/v1/action-groups/ocean-educators", json={"name": "Ocean teachers"}, headers=AUTH)
    assert renamed.json()["name"] == "Ocean teachers" and renamed.json()["version"] == 2
    assert writer.delete("/v1/action-groups/ocean-educators", headers=AUTH).status_code == 204
    assert writer.get("/v1/action-groups/ocean-educators").status_code == 404
    assert writer.delete("/v1/projects/kelp-kits", headers=AUTH).status_code == 204
    assert writer.get("/v1/projects/kelp-kits/collaborators").status_code == 404


def test_listings_page_and_filter(writer: TestClient) -> None:
    first = writer.get("/v1/partners", params={"limit": 5}).json()
    assert (first["count"], first["total"], first["offset"], first["limit"]) == (5, 11, 0, 5)  # 12 minus the hidden
    rest = writer.get("/v1/partners", params={"offset": 5, "limit": 50}).json()
    every = [p["id"] for p in first["data"] + rest["data"]]
    assert every == sorted(every) and len(set(every)) == 11 and "ocean-hidden" not in every
    assert [p["id"] for p in writer.get("/v1/partners", params={"country": "fr"}).json()["data"]] == ["garden-city"]
    schools = writer.get("/v1/partners", params={"type": "school", "sdg": 4}).json()["data"]
    assert [p["id"] for p in schools] == ["garden-school", "ocean-school"]
    assert [p["id"] for p in writer.get("/v1/partners", params={"language": "sw"}).json()["data"]] == ["garden-school"]
    assert [p["id"] for p in writer.get("/v1/partners", params={"q": "reef"}).json()["data"]] == ["ocean-school"]

    hidden = writer.get("/v1/partners", params={"include_hidden": True})
    assert hidden.status_code == 401
    assert writer.get("/v1/partners", params={"include_hidden": True}, headers=AUTH).json()["total"] == 12

    running = writer.get("/v1/projects", params={"status": "running"}).json()
    assert [p["id"] for p in running["data"]] == ["reef-kit", "school-gardens"]
    assert [p["id"] for p in writer.get("/v1/projects", params={"partner_id": "ocean-ngo"}).json()["data"]] == [
        "care-teachers", "reef-kit",
    ]  # fmt: skip
    groups = writer.get("/v1/action-groups", params={"partner_id": "stem-youth"}).json()
    assert [g["id"] for g in groups["data"]] == ["youth-empowerment"]
    assert writer.get("/v1/partners", params={"limit": 0}).status_code == 422


def test_a_partner_that_opted_out_appears_in_no_output(writer: TestClient) -> None:
    """Even as a project member, a group member or a past partner of the requester, by name or by id."""
    for path, body in (
        ("/v1/projects/reef-kit/members", {"partner_id": "ocean-hidden"}),
        ("/v1/projects/care-teachers/members", {"partner_id": "ocean-hidden"}),
        ("/v1/action-groups/teachers-for-the-planet/members", {"partner_id": "ocean-hidden"}),
    ):
        assert writer.post(path, json=body, headers=AUTH).status_code == 201
    hidden_copy = {**KELP, "id": "kelp-hidden", "name": "Hidden Kelp Trust", "discoverable": False}
    assert writer.post("/v1/partners", json=hidden_copy, headers=AUTH).status_code == 201
    assert writer.patch("/v1/partners/stem-youth", json={"discoverable": False}, headers=AUTH).status_code == 200

    secrets = ("ocean-hidden", HIDDEN_NAME, "kelp-hidden", "Hidden Kelp Trust", "stem-youth", "Girls Who Build")
    for name, response in _every_output(writer).items():
        assert response.status_code == 200, name
        leaked = [s for s in secrets if s in response.text]
        assert leaked == [], f"{name} shows {leaked}"
    assert writer.get("/v1/partners/kelp-hidden").status_code == 404
    assert writer.get("/v1/partners/kelp-hidden/record", headers=AUTH).json()["discoverable"] is False


def test_contact_fields_are_neither_taken_nor_shown(writer: TestClient, ingested: Matcher, tmp_path: Path) -> None:
    refused = writer.post("/v1/partners", json={**KELP, "email": "boss@kelp.example"}, headers=AUTH)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "email"]

    directory = copy_tiny(tmp_path / "with-contacts")
    rows = list(csv.DictReader((directory / "partners.csv").open(encoding="utf-8")))
    with open(directory / "partners.csv", "w", newline="", encoding="utf-8") as handle:
        out = csv.DictWriter(handle, fieldnames=[*rows[0], "email", "phone"])
        out.writeheader()
        for n, row in enumerate(rows):
            out.writerow({**row, "email": f"contact{n}@mail.example", "phone": f"+33 6 00 00 00 {n:02d}"})
    report = ingested.ingest(directory)
    assert report.warnings == ["partners.csv: unknown column(s) ignored: email, phone"]
    for name, response in _every_output(writer).items():
        assert "@mail.example" not in response.text and "+33 6" not in response.text, name


def test_openapi_describes_writes_and_authentication(writer: TestClient) -> None:
    spec = writer.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["APIKey"] == {
        "type": "http", "scheme": "bearer", "description": "One of the keys in MATCHER_API_KEYS, sent as "
        "`Authorization: Bearer <key>`.",
    }  # fmt: skip
    assert "MATCHER_API_KEYS" in spec["info"]["description"]
    for path, method in (("/v1/partners", "post"), ("/v1/partners/{partner_id}", "patch"),
                         ("/v1/projects/{project_id}/members", "post"), ("/v1/feedback", "get")):  # fmt: skip
        operation = spec["paths"][path][method]
        assert operation["security"] == [{"APIKey": []}], (path, method)
        assert "401" in operation["responses"] or method == "get", (path, method)
    assert set(spec["paths"]["/v1/partners/{partner_id}"]) == {"get", "put", "patch", "delete"}


def _ids(response: object) -> list[str]:
    assert getattr(response, "status_code", None) == 200, getattr(response, "text", "")
    return [m["partner_id"] for m in response.json()["data"]]  # type: ignore[attr-defined]


def _every_output(client: TestClient) -> dict[str, object]:
    """Every read a visitor can make about the tiny alliance, keyed by a label."""
    out: dict[str, object] = {}
    texts = ["coral reef ocean literacy for Pacific schools", "kelp forest restoration with school divers",
             "girls building robots and apps", "teachers wellbeing"]  # fmt: skip
    for n, text in enumerate(texts):
        out[f"collaborators {n}"] = client.post("/v1/recommendations/collaborators", json={"text": text, "k": 50})
        query = {"text": text, "k": 50, "requester_id": "teacher-net"}
        out[f"collaborators for teacher-net {n}"] = client.post("/v1/recommendations/collaborators", json=query)
    for project in ("reef-kit", "care-teachers", "girls-code", "school-gardens"):
        out[f"project {project}"] = client.get(f"/v1/projects/{project}/collaborators", params={"k": 50})
        out[f"members of {project}"] = client.get(f"/v1/projects/{project}/members")
    for partner in ("ocean-school", "ocean-ngo", "teacher-net", "teacher-uni", "stem-uni", "garden-school"):
        out[f"similar to {partner}"] = client.get(f"/v1/partners/{partner}/similar", params={"k": 50})
        out[f"groups for {partner}"] = client.get(f"/v1/partners/{partner}/action-groups", params={"k": 50})
        out[f"card of {partner}"] = client.get(f"/v1/partners/{partner}")
    for group in ("teachers-for-the-planet", "youth-empowerment"):
        out[f"candidates of {group}"] = client.get(f"/v1/action-groups/{group}/candidates", params={"k": 50})
        out[f"members of {group}"] = client.get(f"/v1/action-groups/{group}/members")
    out["partners"] = client.get("/v1/partners", params={"limit": 500})
    out["catalog summary"] = client.get("/v1/catalog/summary")
    return out


def test_explanations_carry_codes_and_parameters_a_client_can_word(writer: TestClient) -> None:
    fiji = {**KELP, "id": "fiji-ngo", "name": "Fiji Reef Rangers", "type": "ngo", "country": "FJ", "sdgs": "14"}
    assert writer.post("/v1/partners", json=fiji, headers=AUTH).status_code == 201

    body = writer.post(
        "/v1/recommendations/collaborators", json={"text": "coral reef schools", "requester_id": "fiji-ngo", "k": 100}
    ).json()
    school = next(m for m in body["data"] if m["partner_id"] == "ocean-school")  # the other partner in Fiji

    assert [e["text"] for e in school["explanations"]] == school["reasons"]
    for match in body["data"]:  # a reason only where its signal adds to the score
        codes = [e["code"] for e in match["explanations"]]
        local = sum(match["score_breakdown"][f] for f in ("same_country", "same_region", "country_affinity"))
        assert ("same_country" in codes) == (match["country"] == "FJ" and local > 0)
    with_prior = LinearRanker({**DEFAULT_WEIGHTS, "same_country": 0.2})
    matcher: Matcher = writer.app.state.matcher  # type: ignore[attr-defined]
    rec = matcher.recommender
    ranked = rec.rank(rec.collaborator_query(text="coral reef schools", requester_id="fiji-ngo"), 100, with_prior)
    school_match = next(m for m in ranked if m.partner_id == "ocean-school")
    explained = {e.code: e.params for e in school_match.explanations}
    assert explained["same_country"] == {"country": "FJ"}
    assert "also in Fiji" in school_match.reasons


@pytest.mark.parametrize(
    ("new_id", "created"),
    [("pé漢", True), ("\u0000x", False), ("a\u007f", False), ("x\u0001y", False), (".", False), ("..", False)],
)
def test_an_id_is_refused_or_committed_with_a_percent_encoded_location(
    writer: TestClient, ingested: Matcher, new_id: str, created: bool
) -> None:
    """Any script is allowed in an id; control characters, '.' and '..' are refused and nothing is written."""
    bodies = {
        "/v1/partners": {"id": new_id, "name": "N", "description": "A partner with an unusual id."},
        "/v1/projects": {"id": new_id, "title": "T", "description": "A project with an unusual id."},
        "/v1/action-groups": {"id": new_id, "name": "N", "description": "A group with an unusual id."},
    }
    for path, body in bodies.items():
        before = ingested.store.counts()
        response = writer.post(path, json=body, headers=AUTH)
        if not created:
            assert response.status_code == 422, (path, response.text)
            assert response.json()["detail"][0]["loc"] == ["body", "id"]
            assert response.json()["detail"][0]["msg"] == (
                "an id is 1-200 characters without spaces, control characters or any of / \\ ? #, and neither . nor .."
            )
            assert ingested.store.counts() == before
            continue
        assert response.status_code == 201, (path, response.text)
        assert response.json()["id"] == new_id
        suffix = "/record" if path == "/v1/partners" else ""
        assert response.headers["location"] == f"{path}/p%C3%A9%E6%BC%A2{suffix}"
        fetched = writer.get(response.headers["location"], headers=AUTH)
        assert fetched.status_code == 200 and fetched.json()["id"] == new_id
        after = ingested.store.counts()
        assert sum(after.values()) == sum(before.values()) + 1
