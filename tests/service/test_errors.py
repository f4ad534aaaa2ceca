"""service/errors.py: each route answers the library's typed refusals with one status each; any other exception, a
ValueError included, is a bug: 500, logged with the request id, never a client error."""

from __future__ import annotations

import logging

import pytest
from fastapi import HTTPException
from fastapi.testclient import TestClient

from matcher.editor import ConcurrentUpdateError, InvalidReferenceError
from matcher.errors import FilterError, MissingQueryError, UnknownIdError, UnknownThemeError
from matcher.recommender import Recommender
from matcher.store.errors import DuplicateRecordError, RecordNotFoundError, StaleVersionError
from matcher.team.constraints import TeamRequestError
from service.errors import refusals
from service.observability import RequestIdFilter


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (UnknownIdError("partner", "nope"), 404),
        (RecordNotFoundError("project", "nope"), 404),
        (DuplicateRecordError("partner", "kelp"), 409),
        (ConcurrentUpdateError("the partner 'kelp' kept changing"), 409),
        (MissingQueryError("give a text or a project_id to find collaborators for"), 422),
        (FilterError("the themes filter needs fitted themes"), 422),
        (TeamRequestError("size.min", "at least 1"), 422),
    ],
)
def test_each_refusal_has_its_status_and_keeps_its_message(error: Exception, status: int) -> None:
    with pytest.raises(HTTPException) as info, refusals():
        raise error
    assert info.value.status_code == status
    assert info.value.detail == str(error)


def test_a_stale_version_says_how_to_retry_in_http_words() -> None:
    error = StaleVersionError("partner", "kelp", expected=1, current=3)
    assert "If-Match" not in str(error) and "ETag" not in str(error)  # the library's words
    with pytest.raises(HTTPException) as info, refusals():
        raise error
    assert info.value.status_code == 412
    assert info.value.headers == {"ETag": '"3"'}
    assert info.value.detail == (
        "The partner 'kelp' is at version 3, not 1: it changed since you read it. Read it again (its ETag is the "
        "version) and retry with If-Match set to the new version."
    )


def test_a_field_naming_no_record_is_a_validation_error_of_that_field() -> None:
    with pytest.raises(HTTPException) as info, refusals():
        raise InvalidReferenceError("partner_id", "ghost", "no such id in partners")
    assert info.value.status_code == 422
    assert info.value.detail == [
        {"type": "invalid_reference", "loc": ["body", "partner_id"], "msg": "no such id in partners", "input": "ghost"}
    ]


def test_unknown_themes_point_to_the_themes_listing() -> None:
    with pytest.raises(HTTPException) as info, refusals():
        raise UnknownThemeError(["42"], ["0 (reef, coral, ocean)", "1 (garden, school, food)"])
    assert info.value.status_code == 422
    assert info.value.detail == (
        "unknown theme(s) 42; give theme ids or labels from GET /v1/themes: 0 (reef, coral, ocean); "
        "1 (garden, school, food)"
    )


@pytest.mark.parametrize("error", [ValueError("a bug"), KeyError("a bug"), RuntimeError("a bug")])
def test_anything_else_is_no_refusal(error: Exception) -> None:
    with pytest.raises(type(error)), refusals():
        raise error


def test_an_internal_value_error_is_a_500_with_the_request_id_logged(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(self: Recommender, partner_id: str, k: int = 10) -> None:
        raise ValueError("the index and the catalog disagree")  # a bug, not the client's fault

    monkeypatch.setattr(Recommender, "similar_partners", broken)
    caplog.handler.addFilter(RequestIdFilter())  # what configure_logging gives every handler
    with caplog.at_level(logging.ERROR):
        r = client.get("/v1/partners/ocean-ngo/similar", headers={"X-Request-ID": "bug-42"})

    assert r.status_code == 500
    assert r.headers["X-Request-ID"] == "bug-42"
    assert r.json() == {
        "detail": "Internal Server Error: a fault of the service, not of the request (request id bug-42)."
    }
    [record] = [rec for rec in caplog.records if rec.exc_info and rec.exc_info[0] is ValueError]
    assert record.request_id == "bug-42"  # type: ignore[attr-defined]
    assert record.getMessage() == "unhandled error answering GET /v1/partners/ocean-ngo/similar"
    assert client.get("/v1/partners/ocean-ngo").status_code == 200  # the service goes on
