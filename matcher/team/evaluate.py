"""How well proposed teams recover real consortia: set recall against the top-n collaborators list.

For each held-out consortium (its text, its lead, its members), a team of the real size is proposed with the lead
as requester, under the constraints the real consortium satisfies (at least its count of each kind, at least its
number of countries, at most its most members from one country); its set recall (real members other than the lead
that the team contains) is compared with that of the collaborators list of the same length and of a team asked
with its size only, and so is how often each meets those constraints (the lead and the list taken as a team).
``matcher evaluate --teams`` wires it for held-out projects; :meth:`TeamRecall.summary` gives the figures with
bootstrap intervals.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from matcher.evaluation.bootstrap import Interval, mean_interval, ratio_interval, resample_indices
from matcher.team.consortium import propose_consortium
from matcher.team.constraints import (
    MAX_TEAM_SIZE,
    ConsortiumRequest,
    Constraints,
    KindBound,
    TeamRequestError,
    TeamSize,
)
from matcher.team.pool import candidate
from matcher.team.rules import TeamRules

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
    consortia whose real constraints a team met (the others were infeasible from the candidates: recall 0);
    ``top_n_constraints_met``: share whose lead and list, taken as a team, meet them."""

    team: float
    top_n: float
    consortia: int
    constraints_met: float
    team_each: tuple[float, ...] = ()  # per consortium, for intervals
    top_n_each: tuple[float, ...] = ()
    met_each: tuple[float, ...] = ()  # 1.0: the proposed team met the real constraints
    top_n_met_each: tuple[float, ...] = ()  # 1.0: the lead and the list met them
    top_n_constraints_met: float = 0.0
    size_only_each: tuple[float, ...] = ()  # set recall of a team asked with its size only (no constraints)
    size_only_met_each: tuple[float, ...] = ()  # 1.0: that team met the real constraints all the same

    def summary(self, *, resamples: int = 1000, seed: int = 0) -> dict[str, str]:
        """The figures as printed by ``matcher evaluate --teams``: means with bootstrap 95 % intervals over the
        consortia, every figure on the same resamples (so the ratio is paired)."""
        indices = resample_indices(self.consortia, resamples=resamples, seed=seed)

        def mean(values: tuple[float, ...]) -> Interval:
            return mean_interval(values, indices=indices)

        return {
            "consortia": str(self.consortia),
            "set recall: proposed team": str(mean(self.team_each)),
            "set recall: collaborators list of the same length": str(mean(self.top_n_each)),
            "set recall: team ÷ list (paired)": str(ratio_interval(self.team_each, [self.top_n_each], indices=indices)),
            "set recall: team asked with its size only": str(mean(self.size_only_each)),
            "real constraints met: proposed team": str(mean(self.met_each)),
            "real constraints met: lead + collaborators list": str(mean(self.top_n_met_each)),
            "real constraints met: team asked with its size only": str(mean(self.size_only_met_each)),
        }


def real_constraints(recommender: Recommender, members: Iterable[str]) -> Constraints:
    """What a real consortium satisfies: at least its count of each kind, at least its number of countries, at most
    its most members from one country."""
    partners = [recommender.catalog.partner(m) for m in members]
    kinds = Counter(p.type for p in partners if p.type)
    countries = Counter(p.country for p in partners if p.country)
    return Constraints(
        kinds=tuple(KindBound(kind, n) for kind, n in sorted(kinds.items())),
        min_distinct_countries=len(countries),
        max_per_country=max(countries.values()) if countries else None,
    )


def meets(recommender: Recommender, request: ConsortiumRequest, lead: str, others: Iterable[str]) -> bool:
    """Whether ``lead`` and ``others``, taken as a team, meet ``request``'s size and constraints (the rules the
    solver works under, :class:`~matcher.team.rules.TeamRules`)."""
    catalog = recommender.catalog
    candidates = [candidate(catalog.partner(p)) for p in others]
    rules = TeamRules.compile(request, candidates, [candidate(catalog.partner(lead))])
    return rules.allows(range(len(candidates)))


def _proposed(recommender: Recommender, request: ConsortiumRequest) -> list[str] | None:
    """The proposed members other than the requester; None when no team meets the request."""
    try:
        proposal = propose_consortium(recommender, request)
    except TeamRequestError:
        return None
    return [m.partner_id for m in proposal.members if m.partner_id != request.requester_id]


def team_recall(
    recommender: Recommender, consortia: Iterable[HeldOutConsortium], *, time_limit: float = 2.0
) -> TeamRecall:
    """For each consortium whose lead the catalog knows and that has other members it can propose: the top-n list,
    a team under the real constraints and a team asked with its size only, each scored by set recall and judged
    against the real constraints."""
    catalog = recommender.catalog
    team_scores: list[float] = []
    list_scores: list[float] = []
    met: list[float] = []
    list_met: list[float] = []
    size_only: list[float] = []
    size_only_met: list[float] = []
    for consortium in consortia:
        if consortium.lead not in catalog.partner_pos:
            continue
        known = [m for m in consortium.members if m in catalog.partner_pos and m != consortium.lead]
        wanted = [m for m in known if catalog.discoverable[catalog.partner_pos[m]]]  # others cannot be proposed
        size = len(wanted) + 1
        if not wanted or size > MAX_TEAM_SIZE:  # nothing to find, or a team larger than a request may ask for
            continue
        query = recommender.collaborator_query(text=consortium.text, requester_id=consortium.lead)
        top = [m.partner_id for m in recommender.rank(query, size - 1)]
        list_scores.append(len(set(top) & set(wanted)) / len(wanted))
        request = ConsortiumRequest(
            text=consortium.text,
            requester_id=consortium.lead,
            size=TeamSize(size, size),
            constraints=real_constraints(recommender, [consortium.lead, *wanted]),
            time_limit=time_limit,
        )
        list_met.append(float(meets(recommender, request, consortium.lead, top)))
        for recalls, meeting, asked in (
            (team_scores, met, request),
            (size_only, size_only_met, dataclasses.replace(request, constraints=Constraints())),
        ):
            team = _proposed(recommender, asked)
            recalls.append(len(set(team) & set(wanted)) / len(wanted) if team is not None else 0.0)
            meeting.append(float(team is not None and meets(recommender, request, consortium.lead, team)))
    n = len(team_scores)
    return TeamRecall(
        team=sum(team_scores) / n if n else 0.0,
        top_n=sum(list_scores) / n if n else 0.0,
        consortia=n,
        constraints_met=sum(met) / n if n else 0.0,
        team_each=tuple(team_scores),
        top_n_each=tuple(list_scores),
        met_each=tuple(met),
        top_n_met_each=tuple(list_met),
        top_n_constraints_met=sum(list_met) / n if n else 0.0,
        size_only_each=tuple(size_only),
        size_only_met_each=tuple(size_only_met),
    )
