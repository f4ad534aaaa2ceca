"""GET /v1/health, and the app factory's lifespan."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from matcher.embedding.base import Embedder
from matcher.engine import Matcher
from service.app import create_app
from tests.conftest import OCEAN_QUERY, TINY, make_settings


def test_health(client: TestClient) -> None:
    r = client.get("/v1/health")

    assert r.status_code == 200
    expected = {
        "status": "ok",
        "partners": 12,
        "discoverable_partners": 11,  # ocean-hidden opted out
        "projects": 4,
        "action_groups": 2,
        "model": "all-MiniLM-L6-v2:torch-fp32",
        "index": "faiss:Flat",
    }
    assert {key: r.json().get(key) for key in expected} == expected


def test_unknown_route_is_404(client: TestClient) -> None:
    assert client.get("/v1/nothing-here").status_code == 404


def test_empty_store_serves_empty_answers(tmp_path: Path, embedder: Embedder) -> None:
    matcher = Matcher(make_settings(tmp_path / "home"), embedder=embedder).open()
    with TestClient(create_app(matcher.settings, matcher=matcher)) as client:
        health = client.get("/v1/health").json()
        r = client.post("/v1/recommendations/collaborators", json={"text": "ocean"})

    assert (health["partners"], health["projects"], health["action_groups"]) == (0, 0, 0)
    assert r.status_code == 200
    assert (r.json()["data"], r.json()["count"]) == ([], 0)
    matcher.close()


def test_lifespan_opens_the_store_and_seeds_it_when_empty(
    tmp_path: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("matcher.engine.create_embedder", lambda settings: embedder)
    settings = make_settings(tmp_path / "home").model_copy(update={"seed_dir": TINY})

    with TestClient(create_app(settings)) as client:
        health = client.get("/v1/health").json()
        top = client.post("/v1/recommendations/collaborators", json={"text": OCEAN_QUERY, "k": 2}).json()

    assert health["partners"] == 12
    assert {m["partner_id"] for m in top["data"]} == {"ocean-school", "ocean-ngo"}
    assert (tmp_path / "home" / "matcher.db").exists()
    assert (tmp_path / "home" / "index" / "partners.faiss").exists()
