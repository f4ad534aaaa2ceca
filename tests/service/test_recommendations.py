"""POST /v1/recommendations/collaborators."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from matcher.embedding.coalescing import CoalescingEmbedder
from matcher.engine import Matcher
from tests.conftest import OCEAN_QUERY

URL = "/v1/recommendations/collaborators"
MATCH_KEYS = {"partner_id", "name", "type", "country", "score", "reasons", "score_breakdown", "explanations"}


def post(client: TestClient, body: Any) -> list[str]:
    r = client.post(URL, json=body)
    assert r.status_code == 200, r.text
    return [m["partner_id"] for m in r.json()["data"]]


def test_text_query_returns_explained_matches_best_first(client: TestClient) -> None:
    r = client.post(URL, json={"text": OCEAN_QUERY, "k": 5})

    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"data", "count", "understood"}
    assert body["count"] == len(body["data"]) == 5
    assert {m["partner_id"] for m in body["data"][:2]} == {"ocean-school", "ocean-ngo"}
    top = body["data"][0]
    assert set(top) == MATCH_KEYS
    assert top["reasons"] and all(isinstance(reason, str) for reason in top["reasons"])
    scores = [m["score"] for m in body["data"]]
    assert scores == sorted(scores, reverse=True)
    for m in body["data"]:
        assert abs(m["score"] - sum(m["score_breakdown"].values())) < 1e-3


def test_default_k_is_ten(client: TestClient) -> None:
    assert len(post(client, {"text": OCEAN_QUERY})) == 10


def test_requester_is_never_returned(client: TestClient) -> None:
    found = post(client, {"text": OCEAN_QUERY, "requester_id": "ocean-school", "k": 100})

    assert "ocean-school" not in found
    assert found[0] == "ocean-ngo"


def test_project_members_and_excluded_ids_are_never_returned(client: TestClient) -> None:
    found = post(client, {"project_id": "reef-kit", "exclude": ["teacher-uni"], "k": 100})

    assert found[0] == "ocean-lab"
    assert {"ocean-school", "ocean-ngo", "teacher-uni"}.isdisjoint(found)
    assert len(found) == 8  # 11 discoverable partners - 2 members - 1 excluded


def test_text_and_project_together(client: TestClient) -> None:
    found = post(client, {"text": "girls coding clubs", "project_id": "reef-kit", "k": 100})

    assert {"ocean-school", "ocean-ngo"}.isdisjoint(found)
    assert found[0] in {"stem-youth", "stem-company", "stem-uni"}  # the text wins for meaning


def test_opted_out_partner_is_never_returned(client: TestClient) -> None:
    hidden = "We fund coral reef and ocean literacy education in Pacific schools."

    assert "ocean-hidden" not in post(client, {"text": hidden, "k": 100})
    assert "ocean-hidden" not in post(client, {"text": hidden, "k": 100, "filters": {"countries": ["NZ"]}})


def test_filters(client: TestClient) -> None:
    body = {"text": OCEAN_QUERY, "k": 100, "filters": {"types": ["university"], "countries": ["fi"]}}

    assert post(client, body) == ["teacher-uni"]  # country codes are case-insensitive
    assert set(post(client, {"text": OCEAN_QUERY, "filters": {"languages": ["FR"]}})) == {"garden-city", "teacher-net"}
    assert set(post(client, {"text": OCEAN_QUERY, "filters": {"sdgs": [5]}})) == {
        "stem-uni",
        "stem-company",
        "stem-youth",
    }


def test_diversity(client: TestClient) -> None:
    text = "education projects with schools, universities and NGOs"
    plain = client.post(URL, json={"text": text, "k": 4}).json()["data"]
    diverse = client.post(URL, json={"text": text, "k": 4, "diversity": 1}).json()["data"]

    assert len({m["type"] for m in diverse}) > len({m["type"] for m in plain})


def test_unknown_requester_and_project_are_404(client: TestClient) -> None:
    r = client.post(URL, json={"text": "x", "requester_id": "nope"})
    assert r.status_code == 404
    assert r.json()["detail"] == "No partner with id 'nope'."

    r = client.post(URL, json={"project_id": "nope"})
    assert r.status_code == 404
    assert r.json()["detail"] == "No project with id 'nope'."


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"text": "x", "k": 0}, ["body", "k"]),
        ({"text": "x", "k": 101}, ["body", "k"]),
        ({"text": "x", "k": "many"}, ["body", "k"]),
        ({"text": "x", "k": 2.5}, ["body", "k"]),
        ({"k": 5}, ["body"]),
        ({"text": "   "}, ["body"]),
        ({"text": ""}, ["body", "text"]),
        ({"text": 5}, ["body", "text"]),
        ({"text": "x" * 20_001}, ["body", "text"]),
        ({"text": "x", "filters": {"types": ["skool"]}}, ["body", "filters"]),
        ({"text": "x", "filters": {"countries": ["France"]}}, ["body", "filters", "countries", 0]),
        ({"text": "x", "filters": {"languages": ["english"]}}, ["body", "filters", "languages", 0]),
        ({"text": "x", "filters": {"sdgs": [18]}}, ["body", "filters", "sdgs", 0]),
        ({"text": "x", "filters": {"sdgs": [0]}}, ["body", "filters", "sdgs", 0]),
        ({"text": "x", "filters": {"continents": ["Europe"]}}, ["body", "filters", "continents"]),
        ({"text": "x", "filters": None}, ["body", "filters"]),
        ({"text": "x", "exclude": "ocean-lab"}, ["body", "exclude"]),
        ({"text": "x", "exclude": [""]}, ["body", "exclude", 0]),
        ({"text": "x", "diversity": 1.5}, ["body", "diversity"]),
        ({"text": "x", "diversity": -0.1}, ["body", "diversity"]),
        ({"text": "x", "surprise": True}, ["body", "surprise"]),
        (["x"], ["body"]),
    ],
    ids=[
        "k=0",
        "k=101",
        "k-not-a-number",
        "k-fraction",
        "no-text-no-project",
        "blank-text",
        "empty-text",
        "text-not-a-string",
        "text-too-long",
        "unknown-type",
        "country-name",
        "language-name",
        "sdg-18",
        "sdg-0",
        "unknown-filter",
        "filters-null",
        "exclude-not-a-list",
        "exclude-empty-id",
        "diversity-above-1",
        "diversity-below-0",
        "unknown-field",
        "body-not-an-object",
    ],
)
def test_invalid_input_is_422_naming_the_field(client: TestClient, body: Any, loc: list[Any]) -> None:
    r = client.post(URL, json=body)

    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == loc


def test_422_messages_say_what_is_allowed(client: TestClient) -> None:
    unknown_type = client.post(URL, json={"text": "x", "filters": {"types": ["skool"]}}).json()["detail"][0]["msg"]
    no_subject = client.post(URL, json={"k": 3}).json()["detail"][0]["msg"]

    assert "unknown actor type(s) ['skool']; allowed: ngo, public_actor, city, school" in unknown_type
    assert "give `text` (a project description) or `project_id`, or both" in no_subject


def test_malformed_json_is_422(client: TestClient) -> None:
    r = client.post(URL, content=b'{"text": "ocean", ', headers={"content-type": "application/json"})

    assert r.status_code == 422
    assert r.json()["detail"][0]["type"] == "json_invalid"


def test_missing_body_is_422(client: TestClient) -> None:
    assert client.post(URL).status_code == 422


def test_odd_but_valid_text_is_not_an_error(client: TestClient) -> None:
    for text in ["\x00", "🌊🐠", "١٢٣", "<script>alert(1)</script>", "a" * 20_000]:
        r = client.post(URL, json={"text": text, "k": 3})
        assert r.status_code == 200, text
        assert "ocean-hidden" not in [m["partner_id"] for m in r.json()["data"]]


def test_the_text_limit_follows_the_max_text_length_setting(tiny_matcher) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from service.app import create_app

    tight = tiny_matcher.settings.model_copy(update={"max_text_length": 100})
    saved = tiny_matcher.settings
    tiny_matcher.settings = tight
    try:
        with TestClient(create_app(tight, matcher=tiny_matcher)) as client:
            ok = client.post("/v1/recommendations/collaborators", json={"text": "ocean " * 16})
            too_long = client.post("/v1/recommendations/collaborators", json={"text": "o" * 101})
    finally:
        tiny_matcher.settings = saved
    assert ok.status_code == 200
    assert too_long.status_code == 422
    assert too_long.json()["detail"][0]["msg"] == "String should have at most 100 characters"
    assert too_long.json()["detail"][0]["loc"] == ["body", "text"]


def test_concurrent_free_text_requests_each_get_their_own_answer(client: TestClient, tiny_matcher: Matcher) -> None:
    """Concurrent requests share query inferences (CoalescingEmbedder); each must still get its own ranking."""
    queries = [OCEAN_QUERY, "school gardens and food education", "girls in science and engineering careers",
               "training teachers for climate education"] * 4  # fmt: skip
    alone = {q: client.post(URL, json={"text": q, "k": 3}).json()["data"] for q in set(queries)}

    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(lambda q: client.post(URL, json={"text": q, "k": 3}), queries))

    assert all(r.status_code == 200 for r in together)
    for query, response in zip(queries, together, strict=True):
        assert [m["partner_id"] for m in response.json()["data"]] == [m["partner_id"] for m in alone[query]]
    assert {m["partner_id"] for m in alone[OCEAN_QUERY][:2]} == {"ocean-school", "ocean-ngo"}
    assert isinstance(tiny_matcher.embedder, CoalescingEmbedder)


def test_a_recommendation_counts_as_a_read_until_it_is_answered(
    client: TestClient, tiny_matcher: Matcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writes of this process wait for the reads in progress (matcher.priority): the service marks them."""
    readers = tiny_matcher.snapshots.readers
    seen: list[int] = []
    rank = type(tiny_matcher.recommender).rank

    def watched(self: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(readers.reads)
        return rank(self, *args, **kwargs)

    monkeypatch.setattr(type(tiny_matcher.recommender), "rank", watched)
    assert readers.reads == 0
    assert len(post(client, {"text": OCEAN_QUERY, "k": 3})) == 3
    assert seen == [1] and readers.reads == 0
    assert client.post(URL, json={"text": OCEAN_QUERY, "k": 0}).status_code == 422  # refused: nothing left counted
    assert readers.reads == 0
