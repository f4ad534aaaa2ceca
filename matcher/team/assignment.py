"""Spread partners over action groups: maximise the summed group-candidate score under per-group bounds and quotas.

Steps: resolve the groups and partners -> score every allowed (partner, group) pair with the group-candidate ranker
-> check each bound alone -> solve (HiGHS, time limit) -> the assignments, each group's composition, binding bounds.
``apply_assignments`` writes the memberships through the :class:`~matcher.editor.Editor`, as the members API does.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from matcher.results import Reason
from matcher.team import explain
from matcher.team.constraints import (
    AssignmentRequest,
    GroupSpec,
    InfeasibleTeamError,
    SolverTimeoutError,
    TeamRequestError,
)
from matcher.team.milp import BinaryProgram
from matcher.team.results import Assignment, AssignmentProposal, Binding, GroupComposition
from matcher.vocab import region_of

if TYPE_CHECKING:
    from matcher.editor import Editor
    from matcher.recommender import Recommender

PREFERENCE_BONUS = 0.5  # added to a preferred pair's scaled score (0.05..1)


@dataclass(frozen=True, slots=True)
class _Pair:
    partner_id: str
    group: int  # index into the groups
    score: float
    weight: float
    preferred: bool
    explanations: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class _Group:
    spec: GroupSpec
    field: str  # "groups[0]" or "default"
    name: str
    existing: frozenset[str]

    def bound(self, side: str) -> str:
        """The request field of the group's ``min`` or ``max``: "groups[0].min", or "default_min" for every group
        when the request lists none."""
        return f"default_{side}" if self.field == "default" else f"{self.field}.{side}"


def assign_groups(
    recommender: Recommender,
    request: AssignmentRequest,
    *,
    suppressed: Mapping[str, frozenset[str]] | None = None,
) -> AssignmentProposal:
    """The best assignment for ``request`` (a dry run: nothing is written). ``suppressed``: per group, partners whose
    candidacy was declined or dismissed (never assigned there)."""
    catalog = recommender.catalog
    groups = _groups(recommender, request)
    partners = _partners(recommender, request)
    _check_pairs(request, set(partners), {g.spec.group_id for g in groups})
    pairs = _pairs(recommender, request, groups, partners, suppressed or {})
    _diagnose_alone(recommender, request, groups, partners, pairs)

    program = BinaryProgram()
    x = program.variables(p.weight for p in pairs)
    _rows(recommender, request, groups, partners, pairs, x, program)
    solution = program.solve(request.time_limit)
    if solution.infeasible:
        bounds = "; ".join(f"{g.name}: {g.spec.min}..{g.spec.max if g.spec.max is not None else 'any'}" for g in groups)
        raise InfeasibleTeamError("groups", f"the group bounds and quotas cannot all be met together ({bounds})")
    if solution.values is not None:
        chosen = [i for i in range(len(pairs)) if solution.values[x[i]]]
        optimal = solution.optimal
    else:
        greedy = _greedy(request, groups, partners, pairs)
        if greedy is None:
            raise SolverTimeoutError(
                "time_limit",
                f"no assignment meeting the bounds was found within {request.time_limit:g} s; allow more time",
            )
        chosen, optimal = greedy, False
    picked = [pairs[i] for i in chosen]
    assignments = [
        Assignment(
            partner_id=p.partner_id,
            name=catalog.partner(p.partner_id).name,
            type=catalog.partner(p.partner_id).type,
            country=catalog.partner(p.partner_id).country,
            group_id=groups[p.group].spec.group_id,
            group_name=groups[p.group].name,
            score=p.score,
            preferred=p.preferred,
            explanations=list(p.explanations),
        )
        for p in sorted(picked, key=lambda p: (p.group, -p.score, p.partner_id))
    ]
    placed = {p.partner_id for p in picked}
    return AssignmentProposal(
        assignments=assignments,
        groups=[
            _composition(recommender, g, [p.partner_id for p in picked if p.group == k]) for k, g in enumerate(groups)
        ],
        unassigned=[p for p in partners if p not in placed],
        binding=_binding(recommender, groups, pairs, picked),
        objective=round(sum(p.weight for p in picked), 6),
        optimal=optimal,
    )


def apply_assignments(editor: Editor, proposal: AssignmentProposal) -> AssignmentProposal:
    """Write every assignment as a group membership (the members API's code path); returns it marked applied."""
    for a in proposal.assignments:
        editor.add_group_member(a.group_id, a.partner_id)
    return dataclasses.replace(proposal, applied=True)


# -- inputs -----------------------------------------------------------------------------------------------------------
def _groups(recommender: Recommender, request: AssignmentRequest) -> list[_Group]:
    c = recommender.catalog
    specs = [(f"groups[{i}]", s) for i, s in enumerate(request.groups)] or [
        ("default", GroupSpec(g.id, request.default_min, request.default_max)) for g in c.groups
    ]
    out = []
    for where, spec in specs:
        if spec.group_id not in c.group_pos:
            raise TeamRequestError(f"{where}.group_id", f"unknown action group id {spec.group_id!r}")
        existing = frozenset(c.group_members.get(spec.group_id, set()))
        out.append(_Group(spec, where, c.group(spec.group_id).name, existing))
    if not out:
        raise TeamRequestError("groups", "there are no action groups to assign partners to")
    return out


def _partners(recommender: Recommender, request: AssignmentRequest) -> list[str]:
    c = recommender.catalog
    if not request.partners:
        return [p.id for p in c.partners if p.discoverable and not c.partner_groups.get(p.id)]
    unknown = sorted(p for p in request.partners if p not in c.partner_pos or not c.discoverable[c.partner_pos[p]])
    if unknown:
        raise TeamRequestError("partners", f"unknown partner id(s) {unknown}; give ids of discoverable partners")
    return list(request.partners)


def _check_pairs(request: AssignmentRequest, partners: set[str], groups: set[str]) -> None:
    for name, pairs in (("preferences", request.preferences), ("exclusions", request.exclusions)):
        for i, (partner_id, group_id) in enumerate(pairs):
            if partner_id not in partners:
                raise TeamRequestError(f"{name}[{i}]", f"partner {partner_id!r} is not among the partners to assign")
            if group_id not in groups:
                raise TeamRequestError(f"{name}[{i}]", f"group {group_id!r} is not among the groups to fill")


def _pairs(
    recommender: Recommender,
    request: AssignmentRequest,
    groups: list[_Group],
    partners: list[str],
    suppressed: Mapping[str, frozenset[str]],
) -> list[_Pair]:
    """Every allowed (partner, group) pair with its score; a partner the ranker did not rank for a group gets the
    group's lowest score."""
    wanted = set(partners)
    excluded = set(request.exclusions)
    preferred = set(request.preferences)
    raw: list[tuple[str, int, float, tuple[Reason, ...]]] = []
    k = len(recommender.catalog.partners)
    for gi, group in enumerate(groups):
        gid = group.spec.group_id
        ranked = {m.partner_id: m for m in recommender.group_candidates(gid, k=k)}
        floor = min((m.score for m in ranked.values()), default=0.0)
        banned = group.existing | suppressed.get(gid, frozenset())
        for pid in partners:
            if pid in banned or (pid, gid) in excluded or pid not in wanted:
                continue
            match = ranked.get(pid)
            raw.append((pid, gi, match.score if match else floor, tuple(match.explanations) if match else ()))
    scores = [s for _, _, s, _ in raw]
    low, spread = (min(scores), max(scores) - min(scores)) if scores else (0.0, 0.0)
    out = []
    for pid, gi, score, reasons in raw:
        scaled = 0.05 + 0.95 * ((score - low) / spread if spread > 0 else 1.0)
        is_preferred = (pid, groups[gi].spec.group_id) in preferred
        out.append(_Pair(pid, gi, score, scaled + (PREFERENCE_BONUS if is_preferred else 0.0), is_preferred, reasons))
    return out


# -- the program ------------------------------------------------------------------------------------------------------
def _region(recommender: Recommender, partner_id: str) -> str | None:
    return region_of(recommender.catalog.partner(partner_id).country)


def _kind(recommender: Recommender, partner_id: str) -> str | None:
    return recommender.catalog.partner(partner_id).type


def _rows(
    recommender: Recommender,
    request: AssignmentRequest,
    groups: list[_Group],
    partners: list[str],
    pairs: list[_Pair],
    x: list[int],
    program: BinaryProgram,
) -> None:
    for gi, group in enumerate(groups):
        mine = [i for i, p in enumerate(pairs) if p.group == gi]
        spec = group.spec
        program.row([(x[i], 1.0) for i in mine], spec.min, spec.max if spec.max is not None else math.inf)
        for bound in spec.kinds:
            have = sum(_kind(recommender, m) == bound.kind for m in group.existing)
            of_kind = [(x[i], 1.0) for i in mine if _kind(recommender, pairs[i].partner_id) == bound.kind]
            hi = bound.max - have if bound.max is not None else math.inf
            program.row(of_kind, bound.min - have if bound.min else -math.inf, hi)
        if spec.min_regions:
            have_regions = {r for r in (_region(recommender, m) for m in group.existing) if r}
            zs = []
            offered = {r for r in (_region(recommender, pairs[i].partner_id) for i in mine) if r}
            for region in sorted(offered - have_regions):
                z = program.variable(0.0)
                members = [(x[i], -1.0) for i in mine if _region(recommender, pairs[i].partner_id) == region]
                program.row([(z, 1.0), *members], hi=0)
                zs.append(z)
            program.row([(z, 1.0) for z in zs], lo=spec.min_regions - len(have_regions))
    for pid in partners:
        joins = [(x[i], 1.0) for i, p in enumerate(pairs) if p.partner_id == pid]
        program.row(joins, request.min_groups_per_partner, request.max_groups_per_partner)


def _diagnose_alone(
    recommender: Recommender, request: AssignmentRequest, groups: list[_Group], partners: list[str], pairs: list[_Pair]
) -> None:
    """Raise :class:`InfeasibleTeamError` for the first bound that cannot be met even on its own."""
    for gi, group in enumerate(groups):
        spec, where = group.spec, group.field
        available = [p.partner_id for p in pairs if p.group == gi]
        if len(available) < spec.min:
            raise InfeasibleTeamError(
                group.bound("min"),
                f"at least {spec.min} new members in {group.name}: only {len(available)} partners can join it",
                spec.min - len(available),
            )
        for i, bound in enumerate(spec.kinds):
            have = sum(_kind(recommender, m) == bound.kind for m in group.existing)
            can = sum(_kind(recommender, p) == bound.kind for p in available)
            if have + can < bound.min:
                raise InfeasibleTeamError(
                    f"{where}.kinds[{i}].min",
                    f"at least {explain.kind_count(bound.min, bound.kind)} in {group.name}: "
                    f"{have} already in it and {can} among the partners to assign",
                    bound.min - have - can,
                )
            if bound.max is not None and have > bound.max:
                raise InfeasibleTeamError(
                    f"{where}.kinds[{i}].max",
                    f"at most {explain.kind_count(bound.max, bound.kind)} in {group.name}: {have} already in it",
                    have - bound.max,
                )
        regions = {_region(recommender, m) for m in [*group.existing, *available]} - {None}
        if len(regions) < spec.min_regions:
            raise InfeasibleTeamError(
                f"{where}.min_regions",
                f"at least {spec.min_regions} regions in {group.name}: its members and the partners to assign "
                f"come from only {len(regions)}",
                spec.min_regions - len(regions),
            )
    need = sum(g.spec.min for g in groups)
    capacity = len(partners) * request.max_groups_per_partner
    if need > capacity:
        raise InfeasibleTeamError(
            "groups",
            f"the groups' minimums add up to {need} new members, but {len(partners)} partners joining at most "
            f"{request.max_groups_per_partner} group(s) each give {capacity}",
            need - capacity,
        )
    for pid in partners:
        options = sum(p.partner_id == pid for p in pairs)
        if options < request.min_groups_per_partner:
            raise InfeasibleTeamError(
                "min_groups_per_partner",
                f"every partner in at least {request.min_groups_per_partner} group(s): {pid} can join only {options}",
                request.min_groups_per_partner - options,
            )


def _greedy(
    request: AssignmentRequest, groups: list[_Group], partners: list[str], pairs: list[_Pair]
) -> list[int] | None:
    """Best pairs first within the maximums; None unless every minimum is met too (quotas are left to the solver)."""
    per_group: Counter[int] = Counter()
    per_partner: Counter[str] = Counter()
    chosen = []
    for i in sorted(range(len(pairs)), key=lambda i: -pairs[i].weight):
        p, spec = pairs[i], groups[pairs[i].group].spec
        if (spec.max is None or per_group[p.group] < spec.max) and per_partner[
            p.partner_id
        ] < request.max_groups_per_partner:
            chosen.append(i)
            per_group[p.group] += 1
            per_partner[p.partner_id] += 1
    quotas = any(g.spec.kinds or g.spec.min_regions for g in groups)
    met = all(per_group[k] >= g.spec.min for k, g in enumerate(groups)) and all(
        per_partner[p] >= request.min_groups_per_partner for p in partners
    )
    return chosen if met and not quotas else None


# -- the answer -------------------------------------------------------------------------------------------------------
def _composition(recommender: Recommender, group: _Group, added: list[str]) -> GroupComposition:
    everyone = [*sorted(group.existing), *added]
    kinds = Counter(k for k in (_kind(recommender, m) for m in everyone) if k)
    regions = sorted({r for r in (_region(recommender, m) for m in everyone) if r})
    return GroupComposition(
        group_id=group.spec.group_id,
        name=group.name,
        existing=len(group.existing),
        added=added,
        size=len(everyone),
        kinds=dict(sorted(kinds.items())),
        regions=regions,
    )


def _binding(recommender: Recommender, groups: list[_Group], pairs: list[_Pair], picked: list[_Pair]) -> list[Binding]:
    """Group maximums reached while more partners could join, minimums and kind quotas met exactly."""
    out = []
    chosen = {(p.partner_id, p.group) for p in picked}
    for gi, group in enumerate(groups):
        spec, where = group.spec, group.field
        count = sum(p.group == gi for p in picked)
        spare = any(p.group == gi and (p.partner_id, gi) not in chosen for p in pairs)
        if spec.max is not None and count == spec.max and spare:
            text = f"at most {spec.max} new members in {group.name}"
            out.append(Binding(group.bound("max"), text, count, spec.max))
        if spec.min and count == spec.min:
            text = f"at least {spec.min} new members in {group.name}"
            out.append(Binding(group.bound("min"), text, count, spec.min))
        members = [*group.existing, *(p.partner_id for p in picked if p.group == gi)]
        for i, bound in enumerate(spec.kinds):
            n = sum(_kind(recommender, m) == bound.kind for m in members)
            if bound.min and n == bound.min:
                text = f"at least {explain.kind_count(bound.min, bound.kind)} in {group.name}"
                out.append(Binding(f"{where}.kinds[{i}].min", text, n, bound.min))
            if bound.max is not None and n == bound.max:
                text = f"at most {explain.kind_count(bound.max, bound.kind)} in {group.name}"
                out.append(Binding(f"{where}.kinds[{i}].max", text, n, bound.max))
        regions = len({_region(recommender, m) for m in members} - {None})
        if spec.min_regions and regions == spec.min_regions:
            text = f"at least {spec.min_regions} regions in {group.name}"
            out.append(Binding(f"{where}.min_regions", text, regions, spec.min_regions))
    return out
