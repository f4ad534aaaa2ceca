"""Accepted suggestions become collaboration signals: they tie the two partners in the graph feature."""

from __future__ import annotations

from matcher.engine import Matcher
from matcher.ranking.features import FEATURES


def _graph(matcher: Matcher, requester: str, partner: str) -> float:
    matches = matcher.recommender.collaborators(text="school gardens and food education", requester_id=requester, k=12)
    by_id = {m.partner_id: m for m in matches}
    assert partner in by_id, f"{partner} should be among the suggestions"
    return by_id[partner].score_breakdown["graph"]


def test_an_accepted_suggestion_ties_the_partners_in_the_graph(ingested: Matcher) -> None:
    assert "graph" in FEATURES
    assert _graph(ingested, "stem-youth", "garden-city") == 0.0
    ingested.store.add_feedback("stem-youth", "garden-city", "accept")
    ingested.refresh()
    assert _graph(ingested, "stem-youth", "garden-city") > 0.0
    # a dismissal is not a tie
    ingested.store.add_feedback("stem-youth", "garden-ngo", "dismiss")
    assert ingested.store.accepted_pairs() == [("stem-youth", "garden-city", None)]
