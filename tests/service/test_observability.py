"""What an operator sees: security headers and a request id on every response, the request id in every log line
(text or JSON), Prometheus metrics, Swagger UI served from the package (no CDN), and a stale ranker retrained in the
background while /v1/health says so."""

from __future__ import annotations

import io
import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from matcher import learning
from matcher.domain import Dataset
from matcher.engine import Matcher
from matcher.io.importer import read_directory
from matcher.io.writer import write_dataset
from service.app import create_app
from tests.store.support import HashEmbedder, sqlite_settings

SAMPLE = Path(__file__).parents[2] / "data" / "sample"
HEX_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def service(tiny_matcher: Matcher) -> Iterator[TestClient]:
    """A service of its own over the shared tiny alliance (read-only), so its metrics count only this test."""
    with TestClient(create_app(tiny_matcher.settings, matcher=tiny_matcher)) as client:
        yield client


def test_every_response_has_the_security_headers_and_a_request_id(service: TestClient) -> None:
    answers = {
        "health": service.get("/v1/health"),
        "unknown id": service.get("/v1/partners/nobody"),
        "invalid": service.post("/v1/recommendations/collaborators", json={"k": 0}),
        "too large": service.post(
            "/v1/recommendations/collaborators", content=b"x" * 1_000_001, headers={"content-type": "application/json"}
        ),
        "no key": service.post("/v1/partners", json={}),
        "no route": service.get("/nowhere"),
        "static file": service.get("/static/swagger/swagger-ui.css"),
        "docs": service.get("/docs"),
        "metrics": service.get("/metrics"),
        "page": service.get("/"),
    }

    assert {name: r.status_code for name, r in answers.items()} == {
        "health": 200, "unknown id": 404, "invalid": 422, "too large": 413, "no key": 401, "no route": 404,
        "static file": 200, "docs": 200, "metrics": 200, "page": 200,
    }  # fmt: skip
    for name, response in answers.items():
        assert response.headers["x-content-type-options"] == "nosniff", name
        assert response.headers["referrer-policy"] == "no-referrer", name
        assert HEX_ID.fullmatch(response.headers["x-request-id"]), name
    assert len({r.headers["x-request-id"] for r in answers.values()}) == len(answers)  # one per request


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("abc-123", True),
        ("4bf92f3577b34da6a3ce929d0e0e4736", True),
        ("trace:01HZX.Y_z~+/=", True),
        ("r" * 128, True),
        ("r" * 129, False),
        ("has space", False),
        ("semi;colon", False),
        ("", False),
        ("é", False),
    ],
)
def test_a_sane_client_request_id_is_kept_else_one_is_generated(service: TestClient, sent: str, kept: bool) -> None:
    response = service.get("/v1/health", headers={"X-Request-ID": sent.encode("utf-8")})  # type: ignore[dict-item]

    if kept:
        assert response.headers["x-request-id"] == sent
    else:
        assert HEX_ID.fullmatch(response.headers["x-request-id"])


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_log_lines_carry_the_request_id(tiny_matcher: Matcher, log_format: str) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)
    try:
        app = create_app(tiny_matcher.settings.model_copy(update={"log_format": log_format}), matcher=tiny_matcher)

        @app.get("/logs-something")
        def logs_something() -> dict[str, str]:
            logging.getLogger("matcher.test").warning("something happened")
            return {}

        with TestClient(app) as client:
            response = client.get("/logs-something", headers={"X-Request-ID": "req-42"})
            logging.getLogger("matcher.test").info("outside a request")
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)

    assert response.headers["x-request-id"] == "req-42"
    lines = [line for line in stream.getvalue().splitlines() if "matcher.test" in line]
    if log_format == "text":
        assert lines == [
            "WARNING matcher.test [req-42]: something happened",
            "INFO matcher.test [-]: outside a request",
        ]
    else:
        records = [json.loads(line) for line in lines]
        assert [(r["level"], r["logger"], r["message"], r["request_id"]) for r in records] == [
            ("WARNING", "matcher.test", "something happened", "req-42"),
            ("INFO", "matcher.test", "outside a request", "-"),
        ]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", records[0]["time"])


def metric_samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_in_prometheus_format(service: TestClient, tiny_matcher: Matcher) -> None:
    for _ in range(3):
        assert service.get("/v1/partners/ocean-lab").status_code == 200
    assert service.get("/v1/partners/nobody").status_code == 404
    assert service.get("/static/swagger/LICENSE").status_code == 200

    response = service.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    samples = metric_samples(response.text)

    def labels(route: str, status: str) -> tuple[tuple[str, str], ...]:
        return (("method", "GET"), ("route", route), ("status", status))

    card = "/v1/partners/{partner_id}"
    assert samples[("matcher_http_requests_total", labels(card, "200"))] == 3.0
    assert samples[("matcher_http_requests_total", labels(card, "404"))] == 1.0  # the template, never the id
    assert samples[("matcher_http_requests_total", labels("/static/{path}", "200"))] == 1.0
    assert samples[("matcher_http_request_duration_seconds_count", labels(card, "200"))] == 3.0
    assert samples[("matcher_http_request_duration_seconds_bucket", (("le", "+Inf"), *labels(card, "200")))] == 3.0
    assert samples[("matcher_http_request_duration_seconds_sum", labels(card, "200"))] > 0
    assert samples[("matcher_snapshot_revision", ())] == tiny_matcher.revision > 0
    assert samples[("matcher_store_revision", ())] == tiny_matcher.store.revision()
    assert samples[("matcher_ranker_info", (("name", tiny_matcher.recommender.ranker.name),))] == 1.0
    assert samples[("matcher_ranker_stale", ())] == 0.0
    assert samples[("matcher_ranker_retraining", ())] == 0.0
    assert samples[("matcher_index_vectors", (("index", "partners"),))] == 12.0
    assert samples[("matcher_index_vectors", (("index", "history"),))] == 8.0
    projects = float(len(tiny_matcher.catalog.projects))
    assert samples[("matcher_index_vectors", (("index", "projects"),))] == projects > 0
    assert samples[("matcher_index_recall_at_10", (("index", "partners"),))] == 1.0
    assert not any(key[0].startswith("matcher_http") and "nobody" in str(key) for key in samples)
    stats = tiny_matcher.snapshot_stats
    assert samples[("matcher_snapshot_rebuilds_total", ())] == stats.rebuilds >= 1
    assert samples[("matcher_snapshot_rebuild_seconds", ())] == pytest.approx(stats.rebuild_seconds)
    assert 0 <= samples[("matcher_snapshot_age_seconds", ())] < 24 * 3600


def test_metrics_count_query_embeddings_and_cache_hits(service: TestClient, tiny_matcher: Matcher) -> None:
    def counts() -> tuple[float, float, float, float]:
        samples = metric_samples(service.get("/metrics").text)
        return (
            samples[("matcher_query_embeddings_total", ())],
            samples[("matcher_query_cache_lookups_total", (("result", "hit"),))],
            samples[("matcher_query_cache_lookups_total", (("result", "miss"),))],
            samples[("matcher_query_embedding_seconds_total", ())],
        )

    before = counts()
    body = {"text": "a query text the metrics test alone sends, twice", "k": 3}
    assert service.post("/v1/recommendations/collaborators", json=body).status_code == 200
    assert service.post("/v1/recommendations/collaborators", json=body).status_code == 200
    after = counts()

    assert (after[0] - before[0], after[1] - before[1], after[2] - before[2]) == (1.0, 1.0, 1.0)  # embedded once
    assert after[3] > before[3]


def test_docs_load_swagger_ui_from_the_service_not_a_cdn(service: TestClient) -> None:
    page = service.get("/docs")

    assert page.status_code == 200
    assert re.findall(r"https?://", page.text) == []
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sorted(assets) == [
        "/static/swagger/favicon-32x32.png",
        "/static/swagger/swagger-ui-bundle.js",
        "/static/swagger/swagger-ui.css",
    ]
    for asset in assets:
        response = service.get(asset)
        assert response.status_code == 200 and len(response.content) > 500, asset
    assert "SwaggerUIBundle" in service.get("/static/swagger/swagger-ui-bundle.js").text
    assert "Apache License" in service.get("/static/swagger/LICENSE").text
    assert service.get("/openapi.json").status_code == 200
    assert service.get("/redoc").status_code == 404  # ReDoc would load from a CDN: not offered


def small_alliance(directory: Path) -> Path:
    """The sample's first 14 projects with two or more members and their partners: enough history to learn a
    ranker (12 projects), small enough to learn it in seconds."""
    sample = read_directory(SAMPLE).dataset
    teams: dict[str, list[str]] = {}
    for member in sample.project_members:
        teams.setdefault(member.project_id, []).append(member.partner_id)
    projects = [p for p in sample.projects if len(teams.get(p.id, [])) >= 2][:14]
    kept = {p.id for p in projects}
    partners = {partner for project in kept for partner in teams[project]}
    write_dataset(
        Dataset(
            partners=[p for p in sample.partners if p.id in partners],
            projects=projects,
            action_groups=[],
            project_members=[m for m in sample.project_members if m.project_id in kept],
            group_members=[],
        ),
        directory,
    )
    return directory


def test_a_stale_ranker_is_retrained_in_the_background(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An ingest killed after its commit leaves the ranker of the previous data: at start the service sees the
    revision in the model card differ, keeps serving, retrains in the background and says so in /v1/health."""
    settings = sqlite_settings(tmp_path / "home").model_copy(update={"auto_train": True})
    matcher = Matcher(settings, embedder=HashEmbedder()).open()
    learning.ingest(matcher, small_alliance(tmp_path / "import"))  # trains, saves the ranker with the store revision
    assert not matcher.ranker_is_stale()
    trained_on = json.loads(settings.ranker_path.with_suffix(".json").read_text())["store revision"]
    assert trained_on == matcher.store.revision()
    dataset = matcher.store.load_dataset()
    gone = dataset.partners[-1].id  # a new data set is committed; the training after it is "killed"
    dataset.partners = [p for p in dataset.partners if p.id != gone]
    dataset.project_members = [m for m in dataset.project_members if m.partner_id != gone]
    dataset.group_members = [m for m in dataset.group_members if m.partner_id != gone]
    matcher.store.replace_dataset(dataset, model=matcher.embedder.name, vectors={})
    assert matcher.ranker_is_stale()

    gate = threading.Event()
    train = learning.train

    def gated_train(*args: object, **kwargs: object) -> object:
        assert gate.wait(60)
        return train(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(learning, "train", gated_train)
    with TestClient(create_app(settings, matcher=matcher)) as client:
        during = client.get("/v1/health").json()["ranker"]
        gate.set()
        deadline = time.monotonic() + 120
        while client.get("/v1/health").json()["ranker"]["retraining"] and time.monotonic() < deadline:
            time.sleep(0.2)
        after = client.get("/v1/health").json()["ranker"]

    assert during == {"name": during["name"], "stale": True, "retraining": True}
    assert during["name"] != "default-weights"  # the previous learned ranker serves meanwhile
    assert after["stale"] is False and after["retraining"] is False
    assert not matcher.ranker_is_stale()
    assert json.loads(settings.ranker_path.with_suffix(".json").read_text())["store revision"] == (
        matcher.store.revision()
    )
    assert matcher.revision == matcher.store.revision()  # the snapshot serving the new ranker
    matcher.close()
