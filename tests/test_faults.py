"""Bad input and faults: malformed JSON, wrong types, oversize bodies and texts, unknown ids, duplicates, concurrent
updates of one partner, and ``matcher ingest`` killed with SIGKILL at three points (old data or new, never a mix)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from matcher.engine import Matcher
from matcher.io.importer import read_directory
from matcher.io.writer import write_dataset
from matcher.settings import Settings
from tests.conftest import TINY
from tests.service.writes_support import AUTH, client_for
from tests.store.fixtures import postgres_skip_reason, store_url  # noqa: F401 - fixtures
from tests.store.support import HashEmbedder, generated_dataset, sorted_dataset

ROOT = Path(__file__).resolve().parent.parent
PARTNER = {"id": "kelp", "name": "Kelp Lab", "description": "Kelp forest restoration."}


@pytest.fixture
def writer(ingested: Matcher) -> Iterator[TestClient]:
    with client_for(ingested, max_body_bytes=50_000) as client:
        yield client


def test_malformed_json_is_refused_and_nothing_is_written(writer: TestClient, ingested: Matcher) -> None:
    revision = ingested.store.revision()
    for path in ("/v1/partners", "/v1/feedback", "/v1/recommendations/collaborators"):
        response = writer.post(
            path, content=b'{"id": "kelp", "name": ', headers={**AUTH, "content-type": "application/json"}
        )
        assert response.status_code == 422, path
        assert response.json()["detail"][0]["type"] == "json_invalid"
    not_an_object = writer.post("/v1/partners", json=["kelp"], headers=AUTH)
    assert not_an_object.status_code == 422
    assert ingested.store.revision() == revision


def test_wrong_types_name_the_field_and_the_rule(writer: TestClient) -> None:
    response = writer.post(
        "/v1/partners", json={**PARTNER, "name": ["Kelp"], "sdgs": {"goal": 4}, "discoverable": "perhaps"}, headers=AUTH
    )
    assert response.status_code == 422
    assert {(e["loc"][-1], e["msg"]) for e in response.json()["detail"]} == {
        ("name", "expected a text value"),
        ("sdgs", "expected a text value"),
        ("discoverable", "allowed: true or false (or empty for the default, true)"),
    }
    query = writer.post("/v1/recommendations/collaborators", json={"text": "reefs", "k": "ten"})
    assert query.status_code == 422 and query.json()["detail"][0]["loc"] == ["body", "k"]
    role = writer.post("/v1/projects/reef-kit/members", json={"partner_id": "ocean-lab", "role": 3}, headers=AUTH)
    assert role.json()["detail"][0]["msg"] == "allowed: lead or member (empty means member)"


def test_oversize_bodies_get_413_with_the_limit(writer: TestClient, ingested: Matcher) -> None:
    revision = ingested.store.revision()
    big = {**PARTNER, "description": "kelp " * 12_000}  # 60 kB > the 50 kB limit of this client
    declared = writer.post("/v1/partners", json=big, headers=AUTH)
    assert declared.status_code == 413
    assert declared.json()["detail"].startswith("The request body is too large (")
    assert "the limit is 50000 bytes (MATCHER_MAX_BODY_BYTES)" in declared.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit applies while reading
        yield json.dumps(big).encode()

    streamed = writer.post("/v1/partners", content=chunks(), headers={**AUTH, "content-type": "application/json"})
    assert streamed.status_code == 413
    assert "the limit is 50000 bytes (MATCHER_MAX_BODY_BYTES)" in streamed.json()["detail"]
    assert ingested.store.revision() == revision


def test_oversize_texts_get_422_with_the_limit(ingested: Matcher) -> None:
    with client_for(ingested) as client:  # the default 1 MB body limit: the text rule speaks first
        created = client.post("/v1/partners", json={**PARTNER, "description": "k" * 20_001}, headers=AUTH)
        assert created.status_code == 422
        assert created.json()["detail"][0]["msg"] == "at most 20000 characters are allowed (got 20001)"
        patched = client.patch("/v1/partners/ocean-lab", json={"name": "n" * 301}, headers=AUTH)
        assert patched.json()["detail"][0]["msg"] == "at most 300 characters are allowed (got 301)"
        query = client.post("/v1/recommendations/collaborators", json={"text": "q" * 20_001})
        assert query.status_code == 422
        assert query.json()["detail"][0]["msg"] == "String should have at most 20000 characters"


@pytest.mark.parametrize(
    ("method", "path", "body", "detail"),
    [
        ("put", "/v1/partners/ghost", {"name": "N", "description": "D"}, "No partner with id 'ghost'."),
        ("patch", "/v1/projects/ghost", {"title": "T"}, "No project with id 'ghost'."),
        ("delete", "/v1/action-groups/ghost", None, "No action group with id 'ghost'."),
        ("get", "/v1/projects/ghost", None, "No project with id 'ghost'."),
        ("get", "/v1/partners/ghost/record", None, "No partner with id 'ghost'."),
        ("get", "/v1/action-groups/ghost/members", None, "No action group with id 'ghost'."),
        ("post", "/v1/projects/ghost/members", {"partner_id": "ocean-lab"}, "No project with id 'ghost'."),
        ("patch", "/v1/projects/reef-kit/members/ghost", {"role": "lead"}, "No partner with id 'ghost'."),
        ("delete", "/v1/projects/reef-kit/members/ocean-lab", None,
         "The partner 'ocean-lab' is not a member of the project 'reef-kit'."),
        ("get", "/v1/projects/ghost/collaborators", None, "No project with id 'ghost'."),
    ],
)  # fmt: skip
def test_unknown_ids_get_404_naming_them(
    writer: TestClient, method: str, path: str, body: dict[str, str] | None, detail: str
) -> None:
    response = writer.request(method, path, json=body, headers=AUTH)
    assert response.status_code == 404
    assert response.json() == {"detail": detail}


def test_duplicate_creates_get_409(writer: TestClient, ingested: Matcher) -> None:
    for path, body in (
        ("/v1/partners", {"id": "ocean-lab", "name": "N", "description": "D"}),
        ("/v1/projects", {"id": "reef-kit", "title": "T", "description": "D"}),
        ("/v1/action-groups", {"id": "youth-empowerment", "name": "N", "description": "D"}),
        ("/v1/projects/reef-kit/members", {"partner_id": "ocean-ngo"}),
        ("/v1/action-groups/youth-empowerment/members", {"partner_id": "stem-youth"}),
    ):
        response = writer.post(path, json=body, headers=AUTH)
        assert response.status_code == 409, path
        assert "already exists" in response.json()["detail"]
    assert ingested.store.get_record("partners", "ocean-lab").version == 1  # type: ignore[union-attr]


def test_concurrent_patches_of_one_partner_lose_no_update(writer: TestClient, ingested: Matcher) -> None:
    """Eight clients each change their own field of one partner five times, all at once: every last value stays."""
    values = {
        "name": lambda n: f"Coastal Lab {n}",
        "description": lambda n: f"Coastal ecosystems, season {n}.",
        "type": lambda n: ["ngo", "university"][n % 2],
        "country": lambda n: ["ES", "FR"][n % 2],  # not PT, its value now: every patch changes something
        "city": lambda n: f"Lisbon {n}",
        "languages": lambda n: [["pt"], ["en"]][n % 2],
        "website": lambda n: f"https://lab{n}.example",
        "sdgs": lambda n: [[13], [14]][n % 2],
    }
    rounds = 5
    start = threading.Barrier(len(values))
    statuses: list[int] = []

    def client(field: str) -> None:
        start.wait()
        for n in range(rounds):
            response = writer.patch("/v1/partners/ocean-lab", json={field: values[field](n)}, headers=AUTH)
            statuses.append(response.status_code)

    threads = [threading.Thread(target=client, args=(field,)) for field in values]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * len(values) * rounds
    final = writer.get("/v1/partners/ocean-lab/record", headers=AUTH).json()
    for field, value in values.items():
        assert final[field] == value(rounds - 1), field
    assert final["version"] == 1 + len(values) * rounds
    assert ingested.catalog.partner("ocean-lab").name == f"Coastal Lab {rounds - 1}"  # the snapshot followed


def test_concurrent_conditional_writes_let_exactly_one_win(writer: TestClient) -> None:
    start = threading.Barrier(2)
    statuses: list[int] = []

    def put(city: str) -> None:
        body = {"name": "Coastal Research Lab", "description": "Coastal ecosystems.", "city": city}
        start.wait()
        statuses.append(
            writer.put("/v1/partners/ocean-lab", json=body, headers={**AUTH, "If-Match": '"1"'}).status_code
        )

    threads = [threading.Thread(target=put, args=(city,)) for city in ("Porto", "Faro")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 412]
    assert writer.get("/v1/partners/ocean-lab/record", headers=AUTH).json()["version"] == 2


# -- SIGKILL in the middle of `matcher ingest` -------------------------------------------------------------------------
CHILD = textwrap.dedent(
    """
    import os, sys
    sys.path.insert(0, os.environ["MATCHER_TEST_ROOT"])
    import matcher.engine
    from tests.store.support import HashEmbedder, announce_and_hang

    matcher.engine.create_embedder = lambda settings: HashEmbedder()
    phase, marker = os.environ["KILL_PHASE"], os.environ["KILL_MARKER"]
    if phase == "transaction":  # inside the one transaction: old rows deleted, new partners inserted, members not yet
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        @event.listens_for(Engine, "before_cursor_execute")
        def hang(conn, cursor, statement, *args):
            if statement.lstrip().upper().startswith("INSERT INTO PROJECT_MEMBERS"):
                announce_and_hang(marker, phase)
    elif phase == "index":  # committed, the index files not yet written
        matcher.engine.Matcher._save_index = lambda self, index, hashes: announce_and_hang(marker, phase)
    elif phase == "embedding":
        os.environ["MATCHER_TEST_PAUSE_EMBED"] = marker
    from matcher.cli import app
    app(["ingest", sys.argv[1]])
    """
)


def _settings(home: Path, url: str) -> Settings:
    return Settings(home=home, database_url=url, seed_dir=None, auto_train=False, ranker="default")


@pytest.mark.parametrize("phase", ["embedding", "transaction", "index"])
def test_ingest_killed_with_sigkill_leaves_old_or_new_never_a_mix(phase: str, store_url: str, tmp_path: Path) -> None:  # noqa: F811
    home = tmp_path / "home"
    old = Matcher(_settings(home, store_url), embedder=HashEmbedder()).open()
    old.ingest(TINY)
    old.close()
    new_dir = tmp_path / "new"
    write_dataset(generated_dataset(300), new_dir)

    marker = tmp_path / "marker"
    env = {
        **os.environ,
        "MATCHER_TEST_ROOT": str(ROOT),
        "KILL_PHASE": phase,
        "KILL_MARKER": str(marker),
        "MATCHER_HOME": str(home),
        "MATCHER_DATABASE_URL": store_url,
        "MATCHER_AUTO_TRAIN": "false",
        "MATCHER_RANKER": "default",
        "MATCHER_LOG_LEVEL": "WARNING",
    }
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(new_dir)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            if child.poll() is not None:
                pytest.fail(f"`matcher ingest` ended before the {phase} phase: {child.stderr.read().decode()}")  # type: ignore[union-attr]
            assert time.monotonic() < deadline, f"`matcher ingest` never reached the {phase} phase"
            time.sleep(0.05)
        assert marker.read_text() == phase
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()

    restarted = Matcher(_settings(home, store_url), embedder=HashEmbedder()).open()
    restarted.refresh()
    expected = read_directory(new_dir if phase == "index" else TINY).dataset
    assert restarted.store.load_dataset() == sorted_dataset(expected)
    assert sorted(restarted.recommender.index.ids()) == sorted(p.id for p in expected.partners)
    manifest = json.loads((home / "index" / "partners.manifest.json").read_text())
    assert manifest["hashes"] == restarted.store.content_hashes("partners")
    found = restarted.recommender.collaborators(text="ocean coral reef school garden education", k=50)
    assert {m.partner_id for m in found} <= {p.id for p in expected.partners}
    restarted.close()
