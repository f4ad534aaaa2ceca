"""How well proposed teams recover real consortia: set recall against the top-n collaborators list.

For each held-out consortium (its text, its lead, its members), a team of the real size is proposed with the lead
as requester, under the constraints the real consortium satisfies (its kinds, at least its number of countries);
its set recall (real members other than the lead that the team contains) is compared with that of the
collaborators list of the same length. ``matcher evaluate`` wires it for held-out projects.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from matcher.team.consortium import propose_consortium
from matcher.team.constraints import ConsortiumRequest, Constraints, KindBound, TeamRequestError, TeamSize

if TYPE_CHECKING:
    from matcher.recommender import Recommender


@dataclass(frozen=True, slots=True)
class HeldOutConsortium:
    text: str
    lead: str
    members: tuple[str, ...]  # every member, the lead included


@dataclass(frozen=True, slots=True)
class TeamRecall:
    """Mean set recall of proposed teams and of same-length collaborator lists; ``constraints_met``: share of
    consortia whose real constraints a team met (the others were infeasible from the candidates: recall 0)."""

    team: float
    top_n: float
    consortia: int
    constraints_met: float
    team_each: tuple[float, ...] = ()  # per consortium, for intervals
    top_n_each: tuple[float, ...] = ()


def real_constraints(recommender: Recommender, members: Iterable[str]) -> Constraints:
    """What a real consortium satisfies: at least its count of each kind, at least its number of countries."""
    partners = [recommender.catalog.partner(m) for m in members]
    kinds = Counter(p.type for p in partners if p.type)
    return Constraints(
        kinds=tuple(KindBound(kind, n) for kind, n in sorted(kinds.items())),
        min_distinct_countries=len({p.country for p in partners if p.country}),
    )


def team_recall(
    recommender: Recommender,
    consortia: Iterable[HeldOutConsortium],
    *,
    constrained: bool = True,
    time_limit: float = 2.0,
) -> TeamRecall:
    catalog = recommender.catalog
    team_scores: list[float] = []
    list_scores: list[float] = []
    met = 0
    for consortium in consortia:
        if consortium.lead not in catalog.partner_pos:
            continue
        known = [m for m in consortium.members if m in catalog.partner_pos and m != consortium.lead]
        wanted = [m for m in known if catalog.discoverable[catalog.partner_pos[m]]]  # others cannot be proposed
        if not wanted:
            continue
        size = len(wanted) + 1
        query = recommender.collaborator_query(text=consortium.text, requester_id=consortium.lead)
        top = {m.partner_id for m in recommender.rank(query, size - 1)}
        list_scores.append(len(top & set(wanted)) / len(wanted))
        constraints = real_constraints(recommender, [consortium.lead, *wanted]) if constrained else Constraints()
        request = ConsortiumRequest(
            text=consortium.text,
            requester_id=consortium.lead,
            size=TeamSize(size, size),
            constraints=constraints,
            time_limit=time_limit,
        )
        try:
            proposal = propose_consortium(recommender, request)
        except TeamRequestError:
            team_scores.append(0.0)
            continue
        met += 1
        team = {m.partner_id for m in proposal.members}
        team_scores.append(len(team & set(wanted)) / len(wanted))
    n = len(team_scores)
    return TeamRecall(
        team=sum(team_scores) / n if n else 0.0,
        top_n=sum(list_scores) / n if n else 0.0,
        consortia=n,
        constraints_met=met / n if n else 0.0,
        team_each=tuple(team_scores),
        top_n_each=tuple(list_scores),
    )
