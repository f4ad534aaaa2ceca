"""The pool on the real pipeline (the tiny store): scored once, explained only for the members shown, and the same
scores and reasons as the collaborators list gives the same partners."""

from __future__ import annotations

from matcher.recommender import Recommender
from matcher.team.consortium import propose_consortium
from matcher.team.constraints import ConsortiumRequest, TeamSize
from tests.conftest import OCEAN_QUERY


def test_score_is_rank_before_explaining(recommender: Recommender) -> None:
    query = recommender.collaborator_query(text=OCEAN_QUERY, requester_id="ocean-school")

    scored = recommender.score(query)
    ranked = recommender.rank(query, 5)

    top = [int(i) for i in scored.order[:5]]
    assert [m.partner_id for m in ranked] == [recommender.catalog.partners[int(scored.rows[i])].id for i in top]
    assert [m.score for m in ranked] == [scored.score_at(i) for i in top]
    assert list(scored.scores[scored.order]) == sorted(scored.scores, reverse=True)


def test_team_members_have_the_scores_and_reasons_of_the_collaborators_list(recommender: Recommender) -> None:
    request = ConsortiumRequest(text=OCEAN_QUERY, requester_id="ocean-school", size=TeamSize(4, 4))
    query = recommender.collaborator_query(text=OCEAN_QUERY, requester_id="ocean-school")
    listed = {m.partner_id: m for m in recommender.rank(query, 20)}

    proposal = propose_consortium(recommender, request)

    proposed = [m for m in proposal.members if m.role == "proposed"]
    assert len(proposed) == 3
    for member in proposed:
        assert member.score == listed[member.partner_id].score
        assert member.explanations == listed[member.partner_id].explanations
        assert member.explanations  # every proposed member says why
