"""Propose a whole team for a project: an exact 0/1 program over the ranker's top candidates.

Read as steps: check the ids -> the fixed members and the candidate pool -> compile the constraints -> check each
alone -> solve (relevance + complementarity, HiGHS with a time limit) -> explain (brings, alternatives, binding).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from time import monotonic
from typing import TYPE_CHECKING

import numpy as np

from matcher.results import Reason
from matcher.team import explain
from matcher.team.constraints import ConsortiumRequest, InfeasibleTeamError, SolverTimeoutError
from matcher.team.milp import BinaryProgram
from matcher.team.pool import candidate, check_ids, explained, fixed_members, ranked_pool
from matcher.team.results import Alternative, Binding, ConsortiumProposal, Coverage, MemberRole, TeamMember
from matcher.team.rules import Candidate, TeamRules

if TYPE_CHECKING:
    from matcher.recommender import Recommender

ALTERNATIVES = 2


@dataclass(frozen=True, slots=True)
class Weights:
    """Objective weight of each kind, region, language or project SDG that a candidate adds to the team (the fixed
    members lack it); a member's relevance is its ranker score scaled to 0.05..1 over the pool (every member adds
    value, so the team grows to its maximum size unless a constraint stops it)."""

    kind: float = 0.3
    region: float = 0.2
    language: float = 0.05
    sdg: float = 0.1


@dataclass(frozen=True, slots=True)
class _Objective:
    relevance: np.ndarray  # per candidate
    attributes: dict[tuple[str, object], float]  # (kind|region|language|sdg, value) -> weight
    offers: list[set[tuple[str, object]]]  # per candidate: the attributes it adds

    def value(self, chosen: list[int]) -> float:
        covered = set().union(*(self.offers[i] for i in chosen)) if chosen else set()
        return float(self.relevance[chosen].sum()) + sum(self.attributes[a] for a in covered)

    def with_each(self, rest: list[int], others: list[int]) -> list[float]:
        """``value([*rest, j])`` for each ``j`` of ``others``, the rest's part computed once."""
        covered = set().union(*(self.offers[i] for i in rest)) if rest else set()
        base = float(self.relevance[rest].sum()) + sum(self.attributes[a] for a in covered)
        return [
            base + float(self.relevance[j]) + sum(self.attributes[a] for a in self.offers[j] - covered) for j in others
        ]


def propose_consortium(
    recommender: Recommender,
    request: ConsortiumRequest,
    *,
    suppressed: frozenset[str] = frozenset(),
    weights: Weights | None = None,
) -> ConsortiumProposal:
    """The best team for ``request``. ``suppressed``: partners the requester declined for this project (as
    collaborator suggestions leave them out). Raises :class:`TeamRequestError` for bad ids,
    :class:`InfeasibleTeamError` naming the constraint that cannot be met, :class:`SolverTimeoutError`."""
    catalog = recommender.catalog
    check_ids(catalog, request)
    roles = fixed_members(catalog, request)
    fixed_ids = {pid for pid, _ in roles}
    exclude = (frozenset(request.exclude) | suppressed) - frozenset(request.include)
    pool = ranked_pool(recommender, request, exclude)
    ranked = [r for r in pool.ranked if r.partner_id not in fixed_ids]
    candidates = [candidate(catalog.partner(r.partner_id), r) for r in ranked]
    fixed = [candidate(catalog.partner(pid), pool.included.get(pid)) for pid, _ in roles]
    rules = TeamRules.compile(request, candidates, fixed)
    rules.diagnose_alone()
    project_sdgs = set(catalog.project(request.project_id).sdgs) if request.project_id else set()
    objective = _objective(candidates, fixed, set(request.constraints.sdgs) | project_sdgs, weights or Weights())

    program = BinaryProgram()
    x = program.variables(objective.relevance)
    _complementarity(program, x, objective)
    rules.add_rows(program, x)
    deadline = monotonic() + request.time_limit  # for every solve of this request, the diagnosis's included
    solution = program.solve(request.time_limit)
    if solution.infeasible:
        _diagnose_together(rules, deadline)
    if solution.values is not None:
        chosen = [i for i in range(len(candidates)) if solution.values[x[i]]]
        optimal = solution.optimal
    else:  # time limit without a feasible point: the greedy team, if it meets the constraints
        greedy = rules.greedy(list(range(len(candidates))))
        if greedy is None:
            raise SolverTimeoutError(
                "time_limit",
                f"no team meeting the constraints was found within {request.time_limit:g} s; "
                "allow more time or loosen the constraints",
            )
        chosen, optimal = greedy, False
    chosen.sort(key=lambda i: -objective.relevance[i])
    reasons = explained(recommender, [*(ranked[i] for i in chosen), *pool.included.values()])
    return _proposal(rules, roles, chosen, objective, optimal, request, project_sdgs, reasons)


def _objective(candidates: list[Candidate], fixed: list[Candidate], sdgs: set[int], weights: Weights) -> _Objective:
    scores = np.array([c.score or 0.0 for c in candidates], dtype=np.float64)
    spread = float(scores.max() - scores.min()) if len(scores) else 0.0
    scaled = (scores - scores.min()) / spread if spread > 0 else np.ones(len(scores))
    # ties go to the better ranked
    relevance = 0.05 + 0.95 * scaled - 1e-6 * np.arange(len(scores)) / max(len(scores), 1)
    have = _attributes(fixed, sdgs)
    offers = [_attributes([c], sdgs) - have for c in candidates]
    weight_of = {"kind": weights.kind, "region": weights.region, "language": weights.language, "sdg": weights.sdg}
    attributes = {a: weight_of[a[0]] for offer in offers for a in offer if weight_of[a[0]] > 0}
    return _Objective(relevance, attributes, [{a for a in o if a in attributes} for o in offers])


def _attributes(members: list[Candidate], sdgs: set[int]) -> set[tuple[str, object]]:
    out: set[tuple[str, object]] = set()
    for m in members:
        out |= {("kind", m.type)} if m.type else set()
        out |= {("region", m.region)} if m.region else set()
        out |= {("language", lang) for lang in m.languages}
        out |= {("sdg", g) for g in m.sdgs & sdgs}
    return out


def _complementarity(program: BinaryProgram, x: list[int], objective: _Objective) -> None:
    """y per attribute the team lacks, worth its weight, y <= the chosen candidates that offer it."""
    for attribute, weight in objective.attributes.items():
        y = program.variable(weight)
        offering = [(x[i], -1.0) for i, offer in enumerate(objective.offers) if attribute in offer]
        program.row([(y, 1.0), *offering], hi=0)


def _diagnose_together(rules: TeamRules, deadline: float) -> None:
    """Name the minimum that cannot be met with the others, by how much (the most the others allow), with the
    solver time left before ``deadline`` (``monotonic()`` seconds); always raises, without a name when the time
    runs out first."""
    n = len(rules.candidates)
    for k, r in enumerate(rules.requirements):
        if not r.lo or r.lo <= r.fixed:
            continue
        if (left := deadline - monotonic()) <= 0:
            break
        program = BinaryProgram()
        x = program.variables(r.mask.astype(float))
        rules.add_rows(program, x, skip=k)
        best = program.solve(left)
        if best.values is not None and r.fixed + round(best.objective) < r.lo:
            most = r.fixed + round(best.objective)
            raise InfeasibleTeamError(
                r.field, f"{r.text}: at most {most} together with the other constraints", r.lo - most
            )
    if rules.min_countries and (left := deadline - monotonic()) > 0:
        program = BinaryProgram()
        x = program.variables([0.0] * n)
        rules.add_rows(program, x, countries=False)
        zs = rules.add_country_rows(program, x, weight=1.0, require=False)  # as many new countries as allowed
        best = program.solve(left)
        if zs and best.values is not None:
            most = len(rules.fixed_countries) + round(best.objective)
            if most < rules.min_countries:
                raise InfeasibleTeamError(
                    "constraints.min_distinct_countries",
                    f"at least {rules.min_countries} distinct countries: at most {most} together with the other "
                    "constraints",
                    rules.min_countries - most,
                )
    texts = "; ".join(dict.fromkeys(r.text for r in rules.requirements if r.lo or r.hi is not None))  # size: once
    raise InfeasibleTeamError("constraints", f"the constraints cannot all be met together ({texts})")


def _proposal(
    rules: TeamRules,
    roles: list[tuple[str, str]],
    chosen: list[int],
    objective: _Objective,
    optimal: bool,
    request: ConsortiumRequest,
    project_sdgs: set[int],
    reasons: dict[str, tuple[Reason, ...]],
) -> ConsortiumProposal:
    team = rules.team(chosen)
    base = objective.value(chosen)
    members: list[TeamMember] = []
    for position, (member, role) in enumerate(
        [*zip(rules.fixed, [r for _, r in roles], strict=True), *((rules.candidates[i], "proposed") for i in chosen)]
    ):
        alternatives: list[Alternative] = []
        if role == "proposed":
            out = chosen[position - len(rules.fixed)]
            alternatives = _alternatives(rules, chosen, out, objective, base)
        members.append(
            TeamMember(
                partner_id=member.partner_id,
                name=member.name,
                type=member.type,
                country=member.country,
                role=_role(role),
                score=member.score,
                explanations=list(reasons.get(member.partner_id, ())),
                brings=_brings(member, team, request, project_sdgs),
                alternatives=alternatives,
            )
        )
    return ConsortiumProposal(
        members=members,
        coverage=_coverage(team),
        binding=_binding(rules, chosen),
        objective=round(base, 6),
        optimal=optimal,
        candidates=len(rules.candidates),
    )


def _role(role: str) -> MemberRole:
    roles: dict[str, MemberRole] = {
        "requester": "requester",
        "project_member": "project_member",
        "included": "included",
        "proposed": "proposed",
    }
    return roles[role]


def _alternatives(
    rules: TeamRules, chosen: list[int], out: int, objective: _Objective, base: float
) -> list[Alternative]:
    rest = [i for i in chosen if i != out]
    others = rules.swaps(chosen, out)
    options = [(value - base, j) for value, j in zip(objective.with_each(rest, others), others, strict=True)]
    options.sort(key=lambda t: (-t[0], t[1]))
    found = []
    for change, j in options[:ALTERNATIVES]:
        c = rules.candidates[j]
        found.append(Alternative(c.partner_id, c.name, c.type, c.country, c.score or 0.0, round(change, 6)))
    return found


def _brings(member: Candidate, team: list[Candidate], request: ConsortiumRequest, project_sdgs: set[int]) -> list:
    brings = []
    others = [m for m in team if m.partner_id != member.partner_id]
    if member.type and others and all(m.type != member.type for m in others):
        brings.append(explain.only_kind(member.type))
    for language in request.constraints.languages:
        if language in member.languages:
            brings.append(explain.covers_language(language))
    for goal in sorted((set(request.constraints.sdgs) | project_sdgs) & member.sdgs):
        brings.append(explain.covers_sdg(goal))
    regions = [b.resolved for b in request.constraints.regions]
    alone = [
        r.name for r in regions if member.country in r.countries and all(m.country not in r.countries for m in others)
    ]
    if not alone and member.region and others and all(m.region != member.region for m in others):
        alone = [member.region]
    brings.extend(explain.only_in_region(name) for name in alone)
    return brings


def _coverage(team: list[Candidate]) -> Coverage:
    return Coverage(
        kinds=dict(sorted(Counter(m.type for m in team if m.type).items())),
        countries=sorted({m.country for m in team if m.country}),
        regions=sorted({m.region for m in team if m.region}),
        languages=sorted({lang for m in team for lang in m.languages}),
        sdgs=sorted({g for m in team for g in m.sdgs}),
    )


def _binding(rules: TeamRules, chosen: list[int]) -> list[Binding]:
    """Constraints the team sits on while the pool offered more: the minimums the proposed members just meet, the
    maximums they just reach. The size's minimum is never one: a larger team never scores less (every member adds
    value), so it holds no team back."""
    out = []
    picked = set(chosen)
    for r in rules.requirements:
        if r.field == "size.min":
            continue
        count = r.count(chosen)
        spare = any(r.mask[i] for i in range(len(rules.candidates)) if i not in picked)
        if r.lo and r.lo > r.fixed and count == r.lo:
            out.append(Binding(r.field, r.text, count, r.lo))
        elif r.hi is not None and count == r.hi and spare:
            out.append(Binding(r.field, r.text, count, r.hi))
    per_country = [b for b in out if b.constraint == "constraints.max_per_country"]
    if len(per_country) > 1:  # one entry: "at most 1 per country (DE, GH, RW)"
        countries = ", ".join(b.text.rsplit("(", 1)[1].rstrip(")") for b in per_country)
        text = per_country[0].text.rsplit(" (", 1)[0] + f" ({countries})"
        out = [b for b in out if b not in per_country]
        out.append(Binding("constraints.max_per_country", text, per_country[0].value, per_country[0].bound))
    distinct = rules.distinct_countries(chosen)
    if rules.min_countries and len(rules.fixed_countries) < rules.min_countries == distinct:
        text = f"at least {rules.min_countries} distinct countries"
        out.append(Binding("constraints.min_distinct_countries", text, distinct, rules.min_countries))
    return out
