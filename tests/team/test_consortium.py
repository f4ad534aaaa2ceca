"""Consortium proposals on a hand-made catalog with set scores: every answer is known."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from matcher.team.consortium import Weights, propose_consortium
from matcher.team.constraints import (
    ConsortiumRequest,
    Constraints,
    InfeasibleTeamError,
    KindBound,
    RegionBound,
    TeamRequestError,
    TeamSize,
)
from matcher.team.results import ConsortiumProposal
from tests.team.stub import PARTNERS, SCORES, StubCatalog, StubRecommender, partner, stub

RELEVANCE_ONLY = Weights(kind=0, region=0, language=0, sdg=0)


def propose(size: int = 3, weights: Weights = RELEVANCE_ONLY, recommender: Any = None, **kw: Any) -> ConsortiumProposal:
    request = ConsortiumRequest(text="a project", size=TeamSize(size, size), **kw)
    return propose_consortium(recommender or stub(), request, weights=weights)


def ids(proposal: ConsortiumProposal) -> list[str]:
    return [m.partner_id for m in proposal.members]


def test_without_constraints_the_team_is_the_top_ranked_and_never_an_opted_out_partner() -> None:
    proposal = propose()

    assert ids(proposal) == ["uni1", "uni2", "ngo1"]
    assert proposal.optimal is True
    assert [m.role for m in proposal.members] == ["proposed"] * 3
    assert proposal.members[0].reasons == ["set score 10"]
    assert proposal.coverage.kinds == {"ngo": 1, "university": 2}
    assert proposal.coverage.countries == ["DE", "FR"]


def test_kind_maximum_binds_and_alternatives_keep_it() -> None:
    proposal = propose(constraints=Constraints(kinds=(KindBound("university", max=1),)))

    assert ids(proposal) == ["uni1", "ngo1", "ngo2"]
    assert [b.constraint for b in proposal.binding] == ["size.max", "constraints.kinds[0].max"]
    alternatives = {m.partner_id: [a.partner_id for a in m.alternatives] for m in proposal.members}
    assert alternatives == {"uni1": ["uni2", "school1"], "ngo1": ["school1", "city1"], "ngo2": ["school1", "city1"]}
    assert proposal.members[1].alternatives[0].objective_change < 0


def test_kind_minimum_and_language_pull_in_a_lower_ranked_member() -> None:
    proposal = propose(constraints=Constraints(kinds=(KindBound("school", min=1),), languages=("pt",)))

    assert ids(proposal) == ["uni1", "uni2", "school1"]
    school = proposal.members[2]
    assert [b.code for b in school.brings] == ["only_kind", "covers_language", "only_in_region"]
    assert [b.text for b in school.brings][:2] == ["the only school", "covers Portuguese"]


def test_distinct_countries_and_per_country_maximum() -> None:
    proposal = propose(constraints=Constraints(min_distinct_countries=3, max_per_country=1))

    assert ids(proposal) == ["uni1", "uni2", "ngo2"]
    assert {b.constraint for b in proposal.binding} >= {"constraints.min_distinct_countries"}


def test_region_by_m49_code_and_what_its_member_brings() -> None:
    proposal = propose(constraints=Constraints(regions=(RegionBound("011", 1),)))

    assert ids(proposal) == ["uni1", "uni2", "city1"]
    assert "the only member in Western Africa" in [b.text for b in proposal.members[2].brings]


def test_include_exclude_and_conflicts() -> None:
    included = propose(include=("youth1",))
    assert ids(included) == ["youth1", "uni1", "uni2"]
    assert included.members[0].role == "included" and included.members[0].score == 3.0
    assert included.members[0].alternatives == []

    assert ids(propose(exclude=("uni1",))) == ["uni2", "ngo1", "ngo2"]
    assert ids(propose(conflicts=(("uni1", "uni2"),))) == ["uni1", "ngo1", "ngo2"]
    assert ids(propose(include=("uni2",), conflicts=(("uni1", "uni2"),))) == ["uni2", "ngo1", "ngo2"]


def test_feedback_suppressed_partners_are_left_out() -> None:
    request = ConsortiumRequest(text="a project", size=TeamSize(2, 2))
    proposal = propose_consortium(stub(), request, suppressed=frozenset({"uni1"}), weights=RELEVANCE_ONLY)
    assert ids(proposal) == ["uni2", "ngo1"]


def test_requester_and_project_members_are_in_the_team_and_count() -> None:
    from matcher.domain import Project

    recommender = stub(
        projects=[Project("proj", "Reef", "coral reefs", sdgs=(13,))],
        project_members={"proj": [("ngo1", "lead"), ("uni2", "member")]},
    )
    request = ConsortiumRequest(
        project_id="proj",
        size=TeamSize(3, 3),
        constraints=Constraints(kinds=(KindBound("university", max=1),)),
    )
    proposal = propose_consortium(recommender, request, weights=RELEVANCE_ONLY)

    assert ids(proposal) == ["ngo1", "uni2", "ngo2"]  # the project's university fills the only university place
    assert [m.role for m in proposal.members] == ["project_member", "project_member", "proposed"]
    assert "covers SDG 13" in [b.text for b in proposal.members[2].brings]


def test_complementarity_prefers_a_new_kind_region_and_language() -> None:
    proposal = propose(size=2, weights=Weights())

    # uni1 + uni2 would be the most relevant pair; ngo2 adds a kind, a region (Sub-Saharan Africa) and Swahili
    assert ids(proposal) == ["uni1", "ngo2"]
    relevance = 1.0 + 0.05 + 0.95 * 5 / 8
    complementarity = 2 * 0.3 + 2 * 0.2 + 3 * 0.05
    assert proposal.objective == pytest.approx(relevance + complementarity, abs=1e-4)


def test_ties_go_to_the_better_ranked_candidate() -> None:
    tied = dict(SCORES, ngo2=8.0)
    constraints = Constraints(kinds=(KindBound("university", max=1),))
    first = propose(size=2, recommender=stub(tied), constraints=constraints)
    swapped = [*PARTNERS[:2], PARTNERS[3], PARTNERS[2], *PARTNERS[4:]]
    second = propose(size=2, recommender=stub(tied, swapped), constraints=constraints)

    assert ids(first) == ["uni1", "ngo1"]
    assert ids(second) == ["uni1", "ngo2"]


def test_a_quota_the_pool_cannot_meet_names_the_constraint_and_the_shortfall() -> None:
    with pytest.raises(InfeasibleTeamError) as caught:
        propose(size=5, constraints=Constraints(kinds=(KindBound("university", min=4),)))

    assert caught.value.field == "constraints.kinds[0].min"
    assert caught.value.shortfall == 1
    assert str(caught.value) == (
        "constraints.kinds[0].min: at least 4 universities: only 3 candidates match the filters"
    )


def test_constraints_that_conflict_only_together_are_named() -> None:
    with pytest.raises(InfeasibleTeamError) as caught:
        propose(
            constraints=Constraints(kinds=(KindBound("university", min=2),)),
            exclude=("uni3",),
            conflicts=(("uni1", "uni2"),),
        )

    assert caught.value.field == "constraints.kinds[0].min"
    assert caught.value.shortfall == 1
    assert "at most 1 together with the other constraints" in str(caught.value)


def test_a_language_nobody_speaks_and_too_few_countries() -> None:
    with pytest.raises(InfeasibleTeamError, match="a member who speaks Japanese: only 0 candidates match"):
        propose(constraints=Constraints(languages=("ja",)))
    few = stub(partners=PARTNERS[:3])
    with pytest.raises(InfeasibleTeamError, match=r"at least 3 distinct countries: .* only 2") as caught:
        propose(recommender=few, constraints=Constraints(min_distinct_countries=3))
    assert caught.value.shortfall == 1


def test_bindings_and_refusals_name_the_list_item_and_the_side_of_the_size() -> None:
    # a team of 3 that speaks English and Portuguese and works on SDGs 4 and 11: uni1 (English, SDG 4), school1 (the
    # best Portuguese speaker, SDG 4) and city1 (the only SDG 11); English, Portuguese and SDG 11 are just met
    proposal = propose(constraints=Constraints(languages=("en", "pt"), sdgs=(4, 11)))

    assert ids(proposal) == ["uni1", "school1", "city1"]
    assert [(b.constraint, b.text) for b in proposal.binding] == [
        ("size.max", "a team of 3"),
        ("constraints.languages[0]", "a member who speaks English"),
        ("constraints.languages[1]", "a member who speaks Portuguese"),
        ("constraints.sdgs[1]", "a member working on SDG 11"),
    ]
    with pytest.raises(InfeasibleTeamError) as language:
        propose(constraints=Constraints(languages=("en", "ja")))
    assert (
        str(language.value)
        == "constraints.languages[1]: a member who speaks Japanese: only 0 candidates match the filters"
    )
    with pytest.raises(InfeasibleTeamError) as goal:
        propose(constraints=Constraints(sdgs=(4, 16)))
    assert str(goal.value) == "constraints.sdgs[1]: a member working on SDG 16: only 0 candidates match the filters"
    with pytest.raises(InfeasibleTeamError) as size:
        propose(size=5, recommender=stub(partners=PARTNERS[:3]))
    assert str(size.value) == "size.min: a team of 5: only 3 candidates match the filters"
    assert size.value.shortfall == 2


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: TeamSize(0, 5), "size.min"),
        (lambda: TeamSize(4, 3), "size"),
        (lambda: Constraints(kinds=(KindBound("wizard", 1),)).check(TeamSize(3, 3)), "constraints.kinds[0].kind"),
        (lambda: Constraints(kinds=(KindBound("school", 2, 1),)).check(TeamSize(3, 3)), "constraints.kinds[0]"),
        (
            lambda: Constraints(regions=(RegionBound("Atlantis"),)).check(TeamSize(3, 3)),
            "constraints.regions[0].region",
        ),
        (lambda: Constraints(min_distinct_countries=6).check(TeamSize(3, 5)), "constraints.min_distinct_countries"),
        (lambda: Constraints(sdgs=(18,)).check(TeamSize(3, 3)), "constraints.sdgs"),
        (lambda: ConsortiumRequest(text="x", include=("a",), exclude=("a",)), "include"),
        (lambda: ConsortiumRequest(text="x", conflicts=(("a", "a"),)), "conflicts[0]"),
        (lambda: ConsortiumRequest(), "text"),
        (lambda: propose(include=("nobody",)), "include"),
        (lambda: propose(conflicts=(("uni1", "hidden"),)), "conflicts"),
    ],
)
def test_bad_input_raises_a_typed_error_naming_the_field(build: Any, field: str) -> None:
    with pytest.raises(TeamRequestError) as caught:
        build()
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


def test_the_time_limit_returns_a_feasible_team_that_is_not_proven_optimal() -> None:
    rng = np.random.default_rng(7)
    kinds = ["university", "ngo", "school", "city", "company", "youth_movement"]
    countries = ["FR", "DE", "KE", "BR", "SN", "US", "IN", "PT", "JP", "MX", "NG", "CA"]
    langs = ["en", "fr", "pt", "es", "de", "sw"]
    many = [
        partner(f"p{i:03d}", str(rng.choice(kinds)), str(rng.choice(countries)), ";".join(rng.choice(langs, 2)))
        for i in range(300)
    ]
    scores = {p.id: float(rng.random()) for p in many}
    request = ConsortiumRequest(
        text="a project",
        size=TeamSize(8, 12),
        constraints=Constraints(
            kinds=(KindBound("university", 2, 3), KindBound("school", 1, 2), KindBound("city", 1, 2)),
            min_distinct_countries=8,
            max_per_country=1,
            languages=("fr", "pt", "sw"),
        ),
        conflicts=tuple((f"p{i:03d}", f"p{i + 1:03d}") for i in range(0, 298, 2)),
        candidates=300,
        time_limit=0.001,
    )
    proposal = propose_consortium(stub(scores, many), request)

    assert proposal.optimal is False
    team = [m for m in proposal.members]
    assert 8 <= len(team) <= 12
    kinds_in = [m.type for m in team]
    assert 2 <= kinds_in.count("university") <= 3 and 1 <= kinds_in.count("school") <= 2
    assert len({m.country for m in team}) == len(team) >= 8
    spoken = {lang for m in team for lang in many[int(m.partner_id[1:])].languages}
    assert {"fr", "pt", "sw"} <= spoken
    chosen = {m.partner_id for m in team}
    assert not any({a, b} <= chosen for a, b in request.conflicts)


def test_the_diagnosis_shares_the_request_s_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each solve takes 10 s of a fake clock. With 25 s, the diagnosis tries the size (no team without the
    university minimum either) in the 15 s left, then the university minimum in the last 5 s and names it; with 5 s,
    none are left after the solve that proved the request infeasible, and the answer names no single constraint."""
    import matcher.team.consortium as consortium
    from matcher.team.milp import BinaryProgram

    now = [0.0]
    limits: list[float] = []
    solve = BinaryProgram.solve

    def slow_solve(program: BinaryProgram, time_limit: float) -> Any:
        limits.append(time_limit)
        now[0] += 10.0
        return solve(program, time_limit)

    monkeypatch.setattr(BinaryProgram, "solve", slow_solve)
    monkeypatch.setattr(consortium, "monotonic", lambda: now[0])
    impossible: dict[str, Any] = {
        "constraints": Constraints(kinds=(KindBound("university", min=2),)),
        "exclude": ("uni3",),
        "conflicts": (("uni1", "uni2"),),
    }

    with pytest.raises(InfeasibleTeamError) as named:
        propose(time_limit=25.0, **impossible)
    assert limits == [25.0, 15.0, 5.0]
    assert named.value.field == "constraints.kinds[0].min"

    limits.clear()
    with pytest.raises(InfeasibleTeamError) as unnamed:
        propose(time_limit=5.0, **impossible)
    assert limits == [5.0]
    assert str(unnamed.value) == (
        "constraints: the constraints cannot all be met together (a team of 3; at least 2 universities)"
    )


def _ngos_and_universities(universities: int) -> tuple[list[Any], dict[str, float]]:
    """20 NGOs scored 100..81 above ``universities`` universities scored 50, 49, ...: the top 10 hold no university."""
    ngos = [partner(f"ngo{i:02d}", "ngo", "FR") for i in range(20)]
    unis = [partner(f"uni{i:02d}", "university", "DE") for i in range(universities)]
    scores = {p.id: 100.0 - i for i, p in enumerate(ngos)} | {p.id: 50.0 - i for i, p in enumerate(unis)}
    return ngos + unis, scores


def test_a_quota_the_top_misses_is_topped_up_from_the_candidates_scored_below_it() -> None:
    partners, scores = _ngos_and_universities(12)
    recommender = StubRecommender(StubCatalog(partners), scores)
    request = ConsortiumRequest(
        text="a project",
        size=TeamSize(3, 3),
        constraints=Constraints(kinds=(KindBound("university", min=1),)),
        candidates=10,
    )

    proposal = propose_consortium(recommender, request, weights=RELEVANCE_ONLY)

    assert ids(proposal) == ["ngo00", "ngo01", "uni00"]  # the best university, found among the scored candidates
    assert recommender.calls == 1  # no second scoring: 12 universities below the top 10, more than the 10 wanted
    assert proposal.candidates == 20  # the top 10 and the 10 best universities


def test_a_quota_the_scored_candidates_miss_is_topped_up_by_a_narrower_scoring() -> None:
    partners, scores = _ngos_and_universities(3)
    recommender = StubRecommender(StubCatalog(partners), scores, depth=15)  # 15 candidates a query: NGOs only
    request = ConsortiumRequest(
        text="a project",
        size=TeamSize(3, 3),
        constraints=Constraints(kinds=(KindBound("university", min=2),)),
        candidates=10,
    )

    proposal = propose_consortium(recommender, request, weights=RELEVANCE_ONLY)

    assert ids(proposal) == ["ngo00", "uni00", "uni01"]
    assert recommender.calls == 2  # the query scored again, for universities only
    assert proposal.candidates == 13


@pytest.mark.parametrize(
    "constraints",
    [Constraints(min_distinct_countries=3), Constraints(max_per_country=1)],
    ids=["min_distinct_countries", "max_per_country"],
)
def test_countries_the_top_lacks_are_topped_up_from_the_candidates_scored_below_it(constraints: Constraints) -> None:
    # 20 French NGOs above a German and two Kenyan partners: the top 10 come from France alone, and a team of 3 needs
    # 3 countries (at least 3 distinct, or at most 1 per country)
    partners, scores = _ngos_and_universities(0)
    others = [partner("de1", "ngo", "DE"), partner("ke1", "ngo", "KE"), partner("ke2", "ngo", "KE")]
    recommender = StubRecommender(StubCatalog(partners + others), scores | {"de1": 10.0, "ke1": 9.0, "ke2": 8.0})
    request = ConsortiumRequest(text="a project", size=TeamSize(3, 3), constraints=constraints, candidates=10)

    proposal = propose_consortium(recommender, request, weights=RELEVANCE_ONLY)

    assert ids(proposal) == ["ngo00", "de1", "ke1"]
    assert recommender.calls == 1
    assert proposal.candidates == 12  # the top 10 and the best of each further country
