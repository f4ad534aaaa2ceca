"""Known answers of the tiny alliance: who to build a project with, which group to join, who to invite."""

from __future__ import annotations

import pytest

from matcher.errors import MissingQueryError, UnknownIdError
from matcher.ranking.query import Filters
from matcher.recommender import Recommender
from matcher.results import GroupMatch, PartnerMatch
from tests.conftest import OCEAN_QUERY

ALL_VISIBLE = {
    "ocean-school",
    "ocean-ngo",
    "ocean-lab",
    "garden-school",
    "garden-ngo",
    "garden-city",
    "stem-uni",
    "stem-company",
    "stem-youth",
    "teacher-net",
    "teacher-uni",
}
DIVERSE_QUERY = "education projects with schools, universities and NGOs"


def ids(matches: list[PartnerMatch]) -> list[str]:
    return [m.partner_id for m in matches]


def all_outputs(rec: Recommender) -> list[list[PartnerMatch]]:
    """Every kind of relevance-ordered partner list on the tiny fixture, with k larger than the catalog."""
    outputs = [rec.collaborators(text=OCEAN_QUERY, k=100)]
    outputs += [rec.collaborators(text="ocean", k=100, filters=Filters(sdgs=frozenset({14})))]
    outputs += [rec.collaborators(project_id=p.id, k=100) for p in rec.catalog.projects]
    outputs += [rec.similar_partners(p.id, k=100) for p in rec.catalog.partners]
    outputs += [rec.group_candidates(g.id, k=100) for g in rec.catalog.groups]
    return outputs


# -- known answers ----------------------------------------------------------------------------------------------------


def test_ocean_query_top_two_are_the_ocean_educators(recommender: Recommender) -> None:
    top = recommender.collaborators(text=OCEAN_QUERY, k=2)

    assert set(ids(top)) == {"ocean-school", "ocean-ngo"}


def test_each_theme_finds_its_partners(recommender: Recommender) -> None:
    assert set(ids(recommender.collaborators(text="girls learning to code, women in technology", k=3))) == {
        "stem-uni",
        "stem-company",
        "stem-youth",
    }
    assert set(ids(recommender.collaborators(text="school gardens: growing food and nutrition education", k=2))) == {
        "garden-school",
        "garden-ngo",
    }
    assert set(ids(recommender.collaborators(text="teachers' well-being and mental health", k=2))) == {
        "teacher-net",
        "teacher-uni",
    }


def test_project_query_excludes_members_and_ranks_the_sought_research_centre_first(
    recommender: Recommender,
) -> None:
    matches = recommender.collaborators(project_id="reef-kit", k=100)

    assert ids(matches)[0] == "ocean-lab"  # reef-kit is "seeking: a research centre on marine ecosystems"
    assert {"ocean-school", "ocean-ngo"}.isdisjoint(ids(matches))
    assert set(ids(matches)) == ALL_VISIBLE - {"ocean-school", "ocean-ngo"}


def test_members_of_every_project_are_never_suggested_for_it(recommender: Recommender) -> None:
    for project in recommender.catalog.projects:
        members = {p for p, _ in recommender.catalog.project_members[project.id]}
        suggested = set(ids(recommender.collaborators(project_id=project.id, k=100)))
        assert suggested == ALL_VISIBLE - members, project.id


def test_opted_out_partner_never_appears(recommender: Recommender) -> None:
    hidden_text = recommender.catalog.partner("ocean-hidden").description  # the query it would match best

    diverse = recommender.collaborators(text=OCEAN_QUERY, k=100, diversity=1.0)
    for matches in [*all_outputs(recommender), diverse, recommender.collaborators(text=hidden_text, k=100)]:
        assert "ocean-hidden" not in ids(matches)


def test_requester_is_never_suggested_to_itself(recommender: Recommender) -> None:
    matches = recommender.collaborators(text=OCEAN_QUERY, requester_id="ocean-school", k=100)

    assert "ocean-school" not in ids(matches)
    assert ids(matches)[0] == "ocean-ngo"
    assert set(ids(matches)) == ALL_VISIBLE - {"ocean-school"}


def test_past_coworker_is_explained(recommender: Recommender) -> None:
    matches = {m.partner_id: m for m in recommender.collaborators(text=OCEAN_QUERY, requester_id="ocean-school", k=5)}

    assert matches["ocean-ngo"].reasons[0].startswith("worked with ")
    assert matches["ocean-ngo"].reasons[0].endswith(" on Reef in a Box")
    assert not any(
        r.startswith("worked with") for m in matches.values() if m.partner_id != "ocean-ngo" for r in m.reasons
    )
    assert matches["ocean-ngo"].score_breakdown["graph"] > 0
    first = matches["ocean-ngo"].explanations[0]
    assert (first.code, first.params) == ("worked_with_you", {"project": "Reef in a Box", "more": 0})


def test_explanations_name_sdgs_and_kinds_as_codes(recommender: Recommender) -> None:
    catalog = recommender.catalog
    matches = recommender.collaborators(project_id="reef-kit", k=100)  # SDGs 14 and 4; lead ocean-school (FJ)

    shared = {}
    for m in matches:
        partner = catalog.partner(m.partner_id)
        codes = {e.code: e.params for e in m.explanations}
        shared[m.partner_id] = codes.get("shared_sdgs")
        if partner.type in {"school", "ngo"}:  # the team's kinds
            assert "type_complement" not in codes
        else:
            assert codes["type_complement"] == {"type": partner.type}
        assert "same_country" not in codes  # no other partner is in Fiji
        assert set(codes) <= {
            "worked_with_you", "worked_with_partner", "shared_sdgs", "key_terms", "text_similarity",
            "similar_projects", "type_complement", "related_profile", "same_theme", "as_asked", "network_proximity",
        }  # fmt: skip
    assert shared["ocean-lab"] == {"sdgs": [14]}  # 14;13
    assert shared["garden-school"] == {"sdgs": [4]}  # 2;4
    assert shared["teacher-uni"] == {"sdgs": [4]}  # 4;13
    assert shared["stem-company"] is None  # 5;8
    coworker = next(m for m in matches if m.partner_id == "teacher-uni").explanations[0]  # with ocean-ngo, a member
    assert (coworker.code, coworker.params) == (
        "worked_with_partner",
        {"partner": "Marine Classroom Trust", "project": "Caring for Teachers", "more": 0},
    )


def test_similar_partners_excludes_itself_and_finds_its_theme(recommender: Recommender) -> None:
    matches = recommender.similar_partners("ocean-school", k=100)

    assert ids(matches)[0] == "ocean-ngo"
    assert "ocean-school" not in ids(matches)
    assert set(ids(matches)) == ALL_VISIBLE - {"ocean-school"}


def test_exclude_is_respected(recommender: Recommender) -> None:
    matches = recommender.collaborators(text=OCEAN_QUERY, exclude={"ocean-school", "garden-ngo", "not-an-id"}, k=100)

    assert ids(matches)[0] == "ocean-ngo"
    assert set(ids(matches)) == ALL_VISIBLE - {"ocean-school", "garden-ngo"}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(types=frozenset({"university"})), {"stem-uni", "teacher-uni"}),
        (Filters(types=frozenset({"school", "ngo"})), {"ocean-school", "ocean-ngo", "garden-school", "garden-ngo"}),
        (Filters(countries=frozenset({"FR"})), {"garden-city"}),
        (Filters(countries=frozenset({"FJ", "AU", "NZ"})), {"ocean-school", "ocean-ngo"}),  # NZ is ocean-hidden
        (Filters(languages=frozenset({"fr"})), {"garden-city", "teacher-net"}),
        (Filters(languages=frozenset({"pt", "sw"})), {"ocean-lab", "garden-ngo", "garden-school"}),
        (Filters(sdgs=frozenset({14})), {"ocean-school", "ocean-ngo", "ocean-lab"}),
        (Filters(sdgs=frozenset({5})), {"stem-uni", "stem-company", "stem-youth"}),
        (Filters(types=frozenset({"university"}), countries=frozenset({"FI"})), {"teacher-uni"}),
        (Filters(types=frozenset({"university"}), sdgs=frozenset({14})), set()),
    ],
    ids=["university", "school-or-ngo", "FR", "FJ-AU-NZ", "fr", "pt-or-sw", "sdg14", "sdg5", "uni-in-FI", "none"],
)
def test_filters_are_applied_exactly(recommender: Recommender, filters: Filters, expected: set[str]) -> None:
    # the text points elsewhere on purpose: filtered partners are found even when the text does not bring them up
    matches = recommender.collaborators(text="girls learning to code", k=100, filters=filters)

    assert set(ids(matches)) == expected


def test_scores_are_sorted_and_add_up_to_their_breakdown(recommender: Recommender) -> None:
    for matches in all_outputs(recommender):
        scores = [m.score for m in matches]
        assert scores == sorted(scores, reverse=True)
        for m in matches:
            assert abs(m.score - sum(m.score_breakdown.values())) < 1e-3
            assert m.reasons, m.partner_id


def test_k_limits_the_number_of_results(recommender: Recommender) -> None:
    assert len(recommender.collaborators(text=OCEAN_QUERY, k=3)) == 3
    assert len(recommender.collaborators(text=OCEAN_QUERY, k=100)) == 11


def test_diversity_spreads_actor_kinds(recommender: Recommender) -> None:
    plain = recommender.collaborators(text=DIVERSE_QUERY, k=4)
    diverse = recommender.collaborators(text=DIVERSE_QUERY, k=4, diversity=1.0)

    assert len({m.type for m in diverse}) > len({m.type for m in plain})
    assert diverse[0].partner_id == plain[0].partner_id  # the best match stays first
    everyone = recommender.collaborators(text=DIVERSE_QUERY, k=100, diversity=1.0)
    assert sorted(ids(everyone)) == sorted(ALL_VISIBLE)  # re-ordered, nobody lost or repeated
    for m in everyone:
        assert abs(m.score - sum(m.score_breakdown.values())) < 1e-3


# -- action groups ----------------------------------------------------------------------------------------------------


def test_group_candidates_exclude_members(recommender: Recommender) -> None:
    teachers = recommender.group_candidates("teachers-for-the-planet", k=100)
    youth = recommender.group_candidates("youth-empowerment", k=100)

    assert set(ids(teachers)) == ALL_VISIBLE - {"teacher-uni", "ocean-ngo"}
    assert set(ids(youth)) == ALL_VISIBLE - {"stem-youth"}
    assert set(ids(youth[:2])) == {"stem-uni", "stem-company"}  # girls and young women in technology


def test_groups_for_partner_excludes_joined_groups(recommender: Recommender) -> None:
    groups: list[GroupMatch] = recommender.groups_for_partner("teacher-uni", k=10)

    assert [g.group_id for g in groups] == ["youth-empowerment"]


def test_groups_for_partner_follows_past_coworkers(recommender: Recommender) -> None:
    groups = recommender.groups_for_partner("ocean-school", k=10)

    assert [g.group_id for g in groups] == ["teachers-for-the-planet", "youth-empowerment"]
    assert groups[0].name == "Teachers for the Planet"
    assert groups[0].reasons[0] == "1 of your past partners are members (Marine Classroom Trust)"
    assert groups[0].explanations[0].code == "past_partners_in_group"
    assert groups[0].explanations[0].params == {"count": 1, "partners": ["Marine Classroom Trust"]}
    assert [e.code for e in groups[1].explanations] == ["profile_similarity"]
    assert groups[0].score_breakdown["graph"] > 0
    assert groups[0].score > groups[1].score
    for g in groups:
        assert abs(g.score - sum(g.score_breakdown.values())) < 1e-3


def test_groups_for_partner_by_theme(recommender: Recommender) -> None:
    assert recommender.groups_for_partner("stem-company", k=1)[0].group_id == "youth-empowerment"
    assert len(recommender.groups_for_partner("stem-company", k=1)) == 1


# -- unknown ids and bad input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda r: r.collaborators(text="x", requester_id="nope"), "No partner with id 'nope'."),
        (lambda r: r.collaborators(project_id="nope"), "No project with id 'nope'."),
        (lambda r: r.similar_partners("nope"), "No partner with id 'nope'."),
        (lambda r: r.groups_for_partner("nope"), "No partner with id 'nope'."),
        (lambda r: r.group_candidates("nope"), "No action group with id 'nope'."),
    ],
    ids=["requester", "project", "similar", "groups-for", "candidates"],
)
def test_unknown_ids_raise_with_a_clear_message(recommender: Recommender, call: object, message: str) -> None:
    with pytest.raises(UnknownIdError) as info:
        call(recommender)  # type: ignore[operator]

    assert str(info.value) == message


def test_query_without_text_or_project_is_rejected(recommender: Recommender) -> None:
    with pytest.raises(MissingQueryError, match="give a text or a project_id"):
        recommender.collaborators(text="", k=5)
