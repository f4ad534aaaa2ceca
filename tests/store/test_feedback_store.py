"""Feedback in the store: the latest reaction in a scope decides; accepts are collaboration signals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from matcher.store import Store


def test_feedback_is_stored_with_a_utc_timestamp(store: Store) -> None:
    before = datetime.now(UTC) - timedelta(seconds=5)
    saved = store.add_feedback("a", "b", "dismiss", project_id="kit", reason="not our field")
    assert (saved.requester_id, saved.partner_id, saved.action, saved.project_id) == ("a", "b", "dismiss", "kit")
    assert saved.reason == "not our field" and saved.group_id is None
    assert saved.created_at is not None and saved.created_at.tzinfo == UTC
    assert before <= saved.created_at <= datetime.now(UTC) + timedelta(seconds=5)
    assert store.list_feedback().items == [saved]
    assert store.revision() == 0  # feedback does not change the catalog


def test_unknown_action_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="unknown feedback action 'like'; allowed: accept, decline, dismiss"):
        store.add_feedback("a", "b", "like")  # type: ignore[arg-type]


def test_suppression_is_per_requester_and_project_and_the_latest_wins(store: Store) -> None:
    store.add_feedback("a", "b", "dismiss", project_id="kit")
    store.add_feedback("a", "c", "decline", project_id="kit")
    store.add_feedback("a", "d", "accept", project_id="kit")
    store.add_feedback("a", "e", "dismiss")  # a free-text query, no project
    store.add_feedback("z", "f", "dismiss", project_id="kit")
    store.add_feedback("a", "g", "dismiss", group_id="teachers")
    assert store.suppressed_partners("a", project_id="kit") == {"b", "c"}
    assert store.suppressed_partners("a") == {"e"}
    assert store.suppressed_partners("a", project_id="other") == frozenset()
    assert store.suppressed_partners("z", project_id="kit") == {"f"}
    assert store.suppressed_partners(None, group_id="teachers") == {"g"}

    store.add_feedback("a", "b", "accept", project_id="kit")  # changed their mind
    assert store.suppressed_partners("a", project_id="kit") == {"c"}


def test_accepted_pairs_are_the_latest_accepts(store: Store) -> None:
    store.add_feedback("a", "b", "accept", project_id="kit")
    store.add_feedback("a", "c", "accept")
    store.add_feedback("a", "c", "decline")
    store.add_feedback("x", "y", "accept", group_id="teachers")  # joining a group is not a pair of partners
    assert store.accepted_pairs() == [("a", "b", "kit")]


def test_export_filters_and_pages(store: Store) -> None:
    for n in range(7):
        store.add_feedback("a" if n % 2 else "b", f"p{n}", "dismiss" if n % 3 else "accept")
    page = store.list_feedback(requester_id="a", offset=1, limit=2)
    assert page.total == 3 and [f.partner_id for f in page.items] == ["p3", "p5"]
    assert [f.partner_id for f in store.list_feedback(action="accept").items] == ["p0", "p3", "p6"]
    assert store.list_feedback(since=datetime.now(UTC) + timedelta(hours=1)).total == 0
