"""API keys: ``matcher keys create|list|revoke``, kept hashed; a partner key acts as its partner only, an admin key
makes every write, a revoked key is refused. The store part runs on SQLite and on PostgreSQL when one is reachable."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from matcher.cli import app as cli
from matcher.domain import Partner
from matcher.engine import Matcher
from matcher.store import Store
from matcher.store.errors import RecordNotFoundError
from matcher.store.keys import KeyRing
from matcher.store.tables import ApiKeyRow
from tests.service.writes_support import AUTH, client_for
from tests.store.fixtures import postgres_skip_reason, store_url  # noqa: F401 - fixtures

REEF = "coral reef ocean literacy for Pacific schools"


# -- the store ----------------------------------------------------------------------------------------------------
@pytest.fixture
def ring(store_url: str) -> Iterator[tuple[Store, KeyRing]]:  # noqa: F811 - the fixture, by name
    store = Store(store_url)
    store.migrate()
    store.create_record("partners", Partner("p001", "Blue Reef School", "We teach ocean literacy."))
    yield store, KeyRing(store.sessions)
    store.close()


def test_keys_are_kept_hashed_and_found_by_their_token(ring: tuple[Store, KeyRing]) -> None:
    store, keys = ring
    partner = keys.create("partner", "p001")
    admin = keys.create("admin")
    assert partner.token.startswith(f"mk_{partner.key.id}_") and len(partner.token) == 3 + 12 + 1 + 43
    assert (partner.key.scope, partner.key.partner_id, partner.key.last4) == ("partner", "p001", partner.token[-4:])
    with store.sessions() as s:
        rows = {r.id: (r.token_hash, r.last4) for r in s.scalars(select(ApiKeyRow))}
    assert rows == {
        partner.key.id: (hashlib.sha256(partner.token.encode()).hexdigest(), partner.token[-4:]),
        admin.key.id: (hashlib.sha256(admin.token.encode()).hexdigest(), admin.token[-4:]),
    }
    assert keys.authenticate(partner.token) == partner.key
    assert keys.authenticate(admin.token) == admin.key
    wrong_secret = partner.token[:-1] + ("A" if partner.token[-1] != "A" else "B")
    for bad in (wrong_secret, f"mk_{partner.key.id}", "mk__x", "not-a-key-0123456789", f"mk_ffffffffffff_{'x' * 43}"):
        assert keys.authenticate(bad) is None, bad
    assert [k.id for k in keys.list_keys()] == [partner.key.id, admin.key.id]
    assert keys.any_active()


def test_a_revoked_key_is_refused_and_stays_listed(ring: tuple[Store, KeyRing]) -> None:
    _, keys = ring
    issued = keys.create("partner", "p001")
    revoked = keys.revoke(issued.key.id)
    assert revoked.revoked_at is not None and not revoked.active
    assert keys.authenticate(issued.token) is None
    assert keys.revoke(issued.key.id) == revoked  # revoking again changes nothing
    assert [(k.id, k.active) for k in keys.list_keys()] == [(issued.key.id, False)]
    assert not keys.any_active()
    with pytest.raises(RecordNotFoundError, match="No API key with id 'nope'"):
        keys.revoke("nope")


def test_partner_keys_need_a_stored_partner_and_go_with_it(ring: tuple[Store, KeyRing]) -> None:
    store, keys = ring
    with pytest.raises(RecordNotFoundError, match="No partner with id 'p999'"):
        keys.create("partner", "p999")
    with pytest.raises(ValueError, match="a partner key needs the partner's id"):
        keys.create("partner")
    with pytest.raises(ValueError, match="an admin key takes none"):
        keys.create("admin", "p001")
    issued = keys.create("partner", "p001")
    store.delete_record("partners", "p001")
    assert keys.list_keys() == [] and keys.authenticate(issued.token) is None  # a later p001 never inherits it


# -- the command line and the service -----------------------------------------------------------------------------
def _cli(home: Path, *args: str) -> tuple[str, str]:
    result = CliRunner().invoke(cli, ["keys", *args], env={"MATCHER_HOME": str(home), "MATCHER_DATABASE_URL": ""})
    assert result.exit_code == 0, (args, result.output, result.stderr)
    return result.stdout, result.stderr


@pytest.fixture
def service(ingested: Matcher) -> Iterator[TestClient]:
    """The service with no MATCHER_API_KEYS: only keys made with `matcher keys` open writes."""
    with client_for(ingested, api_keys=[]) as client:
        yield client


def test_keys_from_the_command_line_act_over_http(service: TestClient, ingested: Matcher) -> None:
    home = ingested.settings.home
    out, err = _cli(home, "create", "--partner", "ocean-school")
    token = out.strip()
    assert token.startswith("mk_") and "partner key for 'ocean-school'" in err and "shown only this once" in err
    admin_token = _cli(home, "create", "--admin")[0].strip()
    listing = _cli(home, "list")[0]
    lines = listing.splitlines()
    assert lines[0].split() == ["id", "scope", "partner", "created", "key", "status"]
    assert [line.split()[1:3] for line in lines[1:]] == [["partner", "ocean-school"], ["admin", "-"]]
    assert f"…{token[-4:]}" in listing and f"…{admin_token[-4:]}" in listing
    assert (
        token not in listing and admin_token not in listing and token.split("_")[1] in listing
    )  # the id, never the key

    me = {"Authorization": f"Bearer {token}"}
    # acting as itself: its record, its feedback, its requests
    assert service.get("/v1/partners/ocean-school/record", headers=me).json()["city"] == "Suva"
    response = service.patch("/v1/partners/ocean-school", json={"city": "Lautoka"}, headers=me)
    assert (response.status_code, response.json()["city"]) == (200, "Lautoka")
    body = {"requester_id": "ocean-school", "partner_id": "ocean-lab", "project_id": "reef-kit", "action": "dismiss"}
    assert service.post("/v1/feedback", json=body, headers=me).status_code == 201
    query = {"project_id": "reef-kit", "requester_id": "ocean-school", "k": 20}
    suggested = service.post("/v1/recommendations/collaborators", json=query, headers=me).json()["data"]
    assert "ocean-lab" not in [m["partner_id"] for m in suggested]
    exported = service.get("/v1/feedback", headers=me).json()
    assert [(f["requester_id"], f["partner_id"]) for f in exported["data"]] == [("ocean-school", "ocean-lab")]

    # acting as anyone else, or writing anything else: 403 with the reason, nothing written
    before = (ingested.store.counts(), ingested.store.revision(), ingested.store.list_feedback().total)
    not_mine = (
        "This API key acts only as partner 'ocean-school' (as requester_id, for its feedback and its own record); "
    )
    refusals = [
        ("patch", "/v1/partners/ocean-lab", {"city": "Porto"},
         "the record of partner 'ocean-lab' needs an admin key or that partner's key."),
        ("get", "/v1/partners/ocean-lab/record", None,
         "the record of partner 'ocean-lab' needs an admin key or that partner's key."),
        ("post", "/v1/feedback", {**body, "requester_id": "ocean-ngo"},
         "feedback as requester 'ocean-ngo' needs an admin key or its own key."),
        ("post", "/v1/recommendations/collaborators", {"text": REEF, "requester_id": "ocean-ngo"},
         "acting as requester 'ocean-ngo' needs an admin key or its own key."),
        ("get", "/v1/feedback?requester_id=ocean-ngo", None, "another partner's feedback needs an admin key."),
        ("delete", "/v1/partners/ocean-school", None, "this request needs an admin key."),
        ("post", "/v1/projects/reef-kit/members", {"partner_id": "garden-ngo"}, "this request needs an admin key."),
        ("get", "/v1/partners?include_hidden=true", None, "include_hidden=true needs an admin key."),
    ]  # fmt: skip
    for method, path, payload, detail in refusals:
        response = service.request(method, path, json=payload, headers=me)
        assert (response.status_code, response.json()) == (403, {"detail": not_mine + detail}), (method, path)
    assert (ingested.store.counts(), ingested.store.revision(), ingested.store.list_feedback().total) == before

    # an admin key from the command line makes every write
    admin = {"Authorization": f"Bearer {admin_token}"}
    assert service.patch("/v1/partners/ocean-lab", json={"city": "Porto"}, headers=admin).status_code == 200
    assert service.get("/v1/feedback", params={"requester_id": "ocean-ngo"}, headers=admin).status_code == 200

    # revoked: refused at once, as any key that is not valid
    key_id = token.split("_")[1]
    assert _cli(home, "revoke", key_id)[0].startswith(f"revoked partner key {key_id} of partner 'ocean-school'")
    response = service.patch("/v1/partners/ocean-school", json={"city": "Nadi"}, headers=me)
    assert (response.status_code, response.json()["detail"]) == (
        401, "The API key is not valid; use one of the keys configured in MATCHER_API_KEYS.")  # fmt: skip
    assert "revoked" in _cli(home, "list")[0].splitlines()[1]
    assert ingested.store.get_record("partners", "ocean-school").item.city == "Lautoka"  # type: ignore[union-attr]


def test_the_raw_key_is_not_in_the_database_files(service: TestClient, ingested: Matcher) -> None:
    home = ingested.settings.home
    tokens = [_cli(home, "create", "--partner", "ocean-school")[0].strip(), _cli(home, "create", "--admin")[0].strip()]
    for token in tokens:  # both work...
        headers = {"Authorization": f"Bearer {token}"}
        assert service.get("/v1/partners/ocean-school/record", headers=headers).status_code == 200
    files = sorted(home.glob("matcher.db*"))  # the database, and its write-ahead log
    assert files and files[0].name == "matcher.db"
    stored = b"".join(f.read_bytes() for f in files)
    for token in tokens:  # ...yet only their hashes are stored
        assert token.encode() not in stored and token.split("_")[1].encode() in stored
        assert token.split("_", 2)[2].encode() not in stored
        assert hashlib.sha256(token.encode()).hexdigest().encode() in stored


def test_a_hidden_partner_sees_and_updates_itself_with_its_key(service: TestClient, ingested: Matcher) -> None:
    token = KeyRing(ingested.store.sessions).create("partner", "ocean-hidden").token
    me = {"Authorization": f"Bearer {token}"}
    assert service.get("/v1/partners/ocean-hidden").status_code == 404
    assert service.get("/v1/partners/ocean-hidden", headers=me).json()["name"] == "Secret Reef Foundation"
    assert service.get("/v1/partners/ocean-hidden/record", headers=me).json()["discoverable"] is False
    response = service.patch("/v1/partners/ocean-hidden", json={"discoverable": True}, headers=me)
    assert (response.status_code, response.json()["discoverable"]) == (200, True)
    assert service.get("/v1/partners/ocean-hidden").status_code == 200  # it opted in: now everyone sees it
    suggested = service.post("/v1/recommendations/collaborators", json={"text": REEF, "k": 20}).json()["data"]
    assert "ocean-hidden" in [m["partner_id"] for m in suggested]


def test_writes_without_a_key_name_the_missing_header_once_a_key_exists(ingested: Matcher) -> None:
    with client_for(ingested, api_keys=[]) as client:
        refused = client.patch("/v1/partners/ocean-lab", json={"city": "Porto"})
        assert refused.json()["detail"].startswith("This service takes no writes: no API key is configured.")
        KeyRing(ingested.store.sessions).create("admin")
        refused = client.patch("/v1/partners/ocean-lab", json={"city": "Porto"})
        assert (refused.status_code, refused.json()["detail"]) == (
            401, "Writes need an API key: send the header `Authorization: Bearer <key>`.")  # fmt: skip


def test_matcher_api_keys_stay_admin_keys(ingested: Matcher) -> None:
    with client_for(ingested) as client:  # MATCHER_API_KEYS set: KEY and SECOND_KEY
        assert client.patch("/v1/partners/ocean-lab", json={"city": "Porto"}, headers=AUTH).status_code == 200
        assert client.get("/v1/partners/ocean-hidden", headers=AUTH).status_code == 200
        body = {"requester_id": "garden-ngo", "partner_id": "ocean-hidden", "action": "accept"}
        assert client.post("/v1/feedback", json=body, headers=AUTH).status_code == 201


def test_the_command_line_refuses_bad_requests(tmp_path: Path) -> None:
    env = {"MATCHER_HOME": str(tmp_path / "home"), "MATCHER_DATABASE_URL": ""}
    for args, message in (
        (["create"], "give exactly one of --partner ID and --admin"),
        (["create", "--admin", "--partner", "p001"], "give exactly one of --partner ID and --admin"),
        (["create", "--partner", "p001"], "No partner with id 'p001'. Keys can be made for stored partners only"),
        (["revoke", "abc"], "No API key with id 'abc': `matcher keys list` shows the ids."),
    ):
        result = CliRunner().invoke(cli, ["keys", *args], env=env)
        assert result.exit_code == 2 and message in result.stderr, (args, result.stderr)
    result = CliRunner().invoke(cli, ["keys", "list"], env=env)
    assert (result.exit_code, result.stdout.strip()) == (
        0, "no API keys: make one with `matcher keys create --admin` or `--partner ID`")  # fmt: skip
