"""GET /v1/me: who a key belongs to (how the web page signs a partner in)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from matcher.embedding.base import Embedder
from matcher.store.keys import KeyRing
from service.auth import BAD_KEY, NO_KEY
from tests.conftest import open_copy
from tests.service.writes_support import AUTH, client_for


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, tiny_home: Path, embedder: Embedder) -> Iterator[Any]:
    matcher = open_copy(tiny_home, tmp_path_factory.mktemp("me") / "home", embedder)
    ring = KeyRing(matcher.store.sessions)
    lab, hidden, revoked = (ring.create("partner", p) for p in ("ocean-lab", "ocean-hidden", "stem-uni"))
    ring.revoke(revoked.key.id)
    with client_for(matcher) as client:
        yield client, lab.token, hidden.token, revoked.token
    matcher.close()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_partner_key_names_its_partner_even_a_hidden_one(world: Any) -> None:
    client, lab, hidden, _ = world
    r = client.get("/v1/me", headers=bearer(lab))
    assert r.status_code == 200
    assert r.json() == {"scope": "partner", "partner_id": "ocean-lab", "name": "Coastal Research Lab"}
    assert client.get("/v1/me", headers=bearer(hidden)).json() == {
        "scope": "partner", "partner_id": "ocean-hidden", "name": "Secret Reef Foundation",
    }  # fmt: skip


def test_an_admin_key_is_no_partner(world: Any) -> None:
    client = world[0]
    assert client.get("/v1/me", headers=AUTH).json() == {"scope": "admin", "partner_id": None, "name": None}


def test_no_key_an_unknown_key_and_a_revoked_key_are_401(world: Any) -> None:
    client, _, _, revoked = world
    r = client.get("/v1/me")
    assert (r.status_code, r.json()) == (401, {"detail": NO_KEY})
    assert r.headers["www-authenticate"] == "Bearer"
    for token in ("mk_nope_nope", "not-a-key", revoked):
        r = client.get("/v1/me", headers=bearer(token))
        assert (r.status_code, r.json()) == (401, {"detail": BAD_KEY}), token
