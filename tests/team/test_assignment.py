"""Action-group assignment on a hand-made catalog with set group scores, checked against exhaustive search."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from matcher.domain import ActionGroup
from matcher.team.assignment import PREFERENCE_BONUS, apply_assignments, assign_groups
from matcher.team.constraints import (
    AssignmentRequest,
    GroupSpec,
    InfeasibleTeamError,
    KindBound,
    TeamRequestError,
)
from matcher.team.results import AssignmentProposal
from tests.team.stub import StubCatalog, StubRecommender, partner

PARTNERS = [
    partner("s1", "school", "FR"),
    partner("s2", "school", "KE"),
    partner("y1", "youth_movement", "BR"),
    partner("y2", "youth_movement", "IN"),
    partner("n1", "ngo", "FR"),
    partner("u1", "university", "DE"),  # already in edu
    partner("hidden", "ngo", "FR", discoverable=False),
]
GROUPS = [ActionGroup("edu", "Education", "schools"), ActionGroup("youth", "Youth", "young people")]
SCORES = {
    ("edu", "s1"): 0.9, ("edu", "s2"): 0.8, ("edu", "y1"): 0.3, ("edu", "y2"): 0.2, ("edu", "n1"): 0.6,
    ("youth", "s1"): 0.4, ("youth", "s2"): 0.5, ("youth", "y1"): 0.9, ("youth", "y2"): 0.85, ("youth", "n1"): 0.5,
    ("edu", "hidden"): 1.0, ("youth", "hidden"): 1.0,
}  # fmt: skip
FREE = ["s1", "s2", "y1", "y2", "n1"]


def recommender() -> StubRecommender:
    catalog = StubCatalog(PARTNERS, groups=GROUPS, group_members={"edu": {"u1"}})
    return StubRecommender(catalog, {}, SCORES)


def placements(proposal: AssignmentProposal) -> dict[str, str]:
    return {a.partner_id: a.group_id for a in proposal.assignments}


def best_by_exhaustive_search(request: AssignmentRequest) -> float:
    """The best objective over every way to put each free partner in no group, edu or youth (one group at most)."""
    low, high = 0.2, 0.9
    kinds = {p.id: p.type for p in PARTNERS}
    specs = {g.group_id: g for g in request.groups}
    best = -1.0
    for choice in itertools.product([None, "edu", "youth"], repeat=len(FREE)):
        placed = dict(zip(FREE, choice, strict=True))
        ok = True
        for gid, spec in specs.items():
            members = [p for p, g in placed.items() if g == gid]
            everyone = members + (["u1"] if gid == "edu" else [])
            ok &= spec.min <= len(members) <= (spec.max if spec.max is not None else 99)
            for bound in spec.kinds:
                n = sum(kinds[m] == bound.kind for m in everyone)
                ok &= n >= bound.min and (bound.max is None or n <= bound.max)
        if not ok:
            continue
        value = sum(0.05 + 0.95 * (SCORES[(g, p)] - low) / (high - low) for p, g in placed.items() if g)
        value += PREFERENCE_BONUS * sum((p, g) in set(request.preferences) for p, g in placed.items())
        best = max(best, value)
    return best


def test_by_default_every_free_discoverable_partner_joins_its_best_group() -> None:
    proposal = assign_groups(recommender(), AssignmentRequest())

    assert placements(proposal) == {"s1": "edu", "s2": "edu", "n1": "edu", "y1": "youth", "y2": "youth"}
    assert proposal.optimal is True and proposal.unassigned == []
    edu = proposal.groups[0]
    assert (edu.existing, edu.added, edu.size) == (1, ["s1", "s2", "n1"], 4)
    assert edu.kinds == {"ngo": 1, "school": 2, "university": 1}
    assert proposal.assignments[0].reasons == ["set score 0.9"]


@pytest.mark.parametrize(
    "groups",
    [
        (GroupSpec("edu", max=2), GroupSpec("youth", kinds=(KindBound("school", 1),))),
        (GroupSpec("edu", min=1, max=1), GroupSpec("youth", min=3)),
        (GroupSpec("edu", kinds=(KindBound("youth_movement", 1),)), GroupSpec("youth", max=1)),
    ],
)
def test_bounds_and_quotas_give_the_exhaustive_optimum(groups: tuple[GroupSpec, ...]) -> None:
    request = AssignmentRequest(groups=groups)
    proposal = assign_groups(recommender(), request)

    assert proposal.objective == pytest.approx(best_by_exhaustive_search(request), abs=1e-6)
    for k, spec in enumerate(groups):
        added = proposal.groups[k].added
        assert spec.min <= len(added) <= (spec.max if spec.max is not None else 99)


def test_a_quota_moves_a_school_and_binds() -> None:
    groups = (GroupSpec("edu", max=2), GroupSpec("youth", kinds=(KindBound("school", 1),)))
    proposal = assign_groups(recommender(), AssignmentRequest(groups=groups))

    assert placements(proposal) == {"s1": "edu", "n1": "edu", "s2": "youth", "y1": "youth", "y2": "youth"}
    assert [b.constraint for b in proposal.binding] == ["groups[0].max", "groups[1].kinds[0].min"]
    assert proposal.binding[1].text == "at least 1 school in Youth"


def test_preferences_exclusions_and_declined_candidacies() -> None:
    request = AssignmentRequest(preferences=(("s2", "youth"),), exclusions=(("n1", "edu"),))
    proposal = assign_groups(recommender(), request, suppressed={"youth": frozenset({"y2"})})

    assert placements(proposal) == {"s1": "edu", "s2": "youth", "n1": "youth", "y1": "youth", "y2": "edu"}
    assert [a.preferred for a in proposal.assignments if a.partner_id == "s2"] == [True]


def test_given_partners_and_several_groups_each() -> None:
    request = AssignmentRequest(partners=("s1", "y1"), min_groups_per_partner=2, max_groups_per_partner=2)
    proposal = assign_groups(recommender(), request)
    assert sorted((a.partner_id, a.group_id) for a in proposal.assignments) == [
        ("s1", "edu"), ("s1", "youth"), ("y1", "edu"), ("y1", "youth"),
    ]  # fmt: skip


def test_impossible_bounds_name_the_bound_and_the_shortfall() -> None:
    with pytest.raises(InfeasibleTeamError) as caught:
        assign_groups(recommender(), AssignmentRequest(groups=(GroupSpec("edu", min=6),)))
    assert caught.value.field == "groups[0].min"
    assert caught.value.shortfall == 1
    assert str(caught.value) == "groups[0].min: at least 6 new members in Education: only 5 partners can join it"

    with pytest.raises(InfeasibleTeamError, match="at least 3 youth movements in Youth: 0 already in it and 2"):
        assign_groups(
            recommender(), AssignmentRequest(groups=(GroupSpec("youth", kinds=(KindBound("youth_movement", 3),)),))
        )
    with pytest.raises(InfeasibleTeamError, match="the groups' minimums add up to 6 new members, but 5 partners"):
        assign_groups(recommender(), AssignmentRequest(groups=(GroupSpec("edu", min=3), GroupSpec("youth", min=3))))


def test_the_default_bounds_are_named_by_their_request_fields() -> None:
    # no groups listed: every group with default_min/default_max; 5 free partners, 2 groups
    proposal = assign_groups(recommender(), AssignmentRequest(default_max=2))

    assert [(b.constraint, b.text) for b in proposal.binding] == [
        ("default_max", "at most 2 new members in Education"),
        ("default_max", "at most 2 new members in Youth"),
    ]
    assert len(proposal.unassigned) == 1
    with pytest.raises(InfeasibleTeamError) as caught:
        assign_groups(recommender(), AssignmentRequest(default_min=6))
    assert str(caught.value) == "default_min: at least 6 new members in Education: only 5 partners can join it"


@pytest.mark.parametrize(
    ("request_args", "field"),
    [
        ({"groups": (GroupSpec("nope"),)}, "groups[0].group_id"),
        ({"partners": ("hidden",)}, "partners"),
        ({"partners": ("s1",), "preferences": (("y1", "edu"),)}, "preferences[0]"),
        ({"exclusions": (("s1", "nope"),)}, "exclusions[0]"),
    ],
)
def test_unknown_ids_are_request_errors(request_args: dict[str, Any], field: str) -> None:
    with pytest.raises(TeamRequestError) as caught:
        assign_groups(recommender(), AssignmentRequest(**request_args))
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: AssignmentRequest(groups=(GroupSpec("edu", min=3, max=2),)), "groups[0]"),
        (lambda: AssignmentRequest(default_min=3, default_max=2), "default_max"),
        (lambda: AssignmentRequest(default_min=-1), "default_min"),
        (lambda: AssignmentRequest(max_groups_per_partner=0), "max_groups_per_partner"),
        (lambda: AssignmentRequest(min_groups_per_partner=2), "min_groups_per_partner"),
        (lambda: AssignmentRequest(preferences=(("a", "g"),), exclusions=(("a", "g"),)), "preferences"),
        (lambda: AssignmentRequest(groups=(GroupSpec("edu"), GroupSpec("edu"))), "groups"),
    ],
)
def test_contradictory_requests_are_refused(build: Any, field: str) -> None:
    with pytest.raises(TeamRequestError) as caught:
        build()
    assert caught.value.field == field


def test_apply_writes_each_membership_through_the_editor() -> None:
    class Editor:
        def __init__(self) -> None:
            self.written: list[tuple[str, str]] = []

        def add_group_member(self, group_id: str, partner_id: str) -> None:
            self.written.append((group_id, partner_id))

    editor = Editor()
    proposal = assign_groups(recommender(), AssignmentRequest(partners=("s1", "y1")))
    applied = apply_assignments(editor, proposal)  # type: ignore[arg-type]

    assert proposal.applied is False and applied.applied is True
    assert editor.written == [("edu", "s1"), ("youth", "y1")]
