"""Set recall of proposed teams against the same-length collaborators list, on the catalog with set scores."""

from __future__ import annotations

from matcher.team.constraints import ConsortiumRequest, TeamSize
from matcher.team.evaluate import HeldOutConsortium, TeamRecall, meets, real_constraints, team_recall
from tests.team.stub import stub

# uni1 led a project with an NGO from Kenya and a Brazilian school: the top-2 list (uni2, ngo1) finds neither; a team
# under the real consortium's constraints (a university, an NGO, a school, 3 countries) finds both.
REAL = HeldOutConsortium("a project", "uni1", ("uni1", "ngo2", "school1"))


def test_real_constraints_are_the_consortium_s_kinds_and_countries() -> None:
    constraints = real_constraints(stub(), REAL.members)
    assert [(b.kind, b.min) for b in constraints.kinds] == [("ngo", 1), ("school", 1), ("university", 1)]
    assert constraints.min_distinct_countries == 3
    assert constraints.max_per_country == 1
    # two from France (uni1, ngo1): at most 2 per country
    assert real_constraints(stub(), ("uni1", "ngo1", "uni2")).max_per_country == 2


def test_meets_judges_the_lead_and_the_others_as_one_team() -> None:
    request = ConsortiumRequest(text="x", size=TeamSize(3, 3), constraints=real_constraints(stub(), REAL.members))

    assert meets(stub(), request, "uni1", ["ngo2", "school1"]) is True
    assert meets(stub(), request, "uni1", ["school1", "ngo2"]) is True
    assert meets(stub(), request, "uni1", ["uni2", "ngo1"]) is False  # no school; two from France
    assert meets(stub(), request, "uni1", ["ngo2", "city1"]) is False  # a city for the school
    assert meets(stub(), request, "uni1", ["ngo2"]) is False  # a team of 2


def test_constrained_teams_recover_the_real_members_the_list_misses() -> None:
    result = team_recall(stub(), [REAL])
    assert (result.team, result.top_n, result.consortia, result.constraints_met) == (1.0, 0.0, 1, 1.0)
    # the top-2 list (uni2, ngo1) with the lead: no school, and two members from France
    assert (result.met_each, result.top_n_met_each, result.top_n_constraints_met) == ((1.0,), (0.0,), 0.0)

    # asked with its size only, the complementarity terms alone pick them: ngo2 and school1 each add a kind, a region
    # and a language that uni1 lacks (0.55 each), more than uni2's and ngo1's lead in relevance
    assert (result.size_only_each, result.size_only_met_each) == ((1.0,), (1.0,))


def test_consortia_without_known_members_are_skipped() -> None:
    result = team_recall(
        stub(),
        [HeldOutConsortium("x", "nobody", ("nobody", "uni2")), HeldOutConsortium("x", "uni1", ("uni1", "hidden"))],
    )
    assert result.consortia == 0 and result.team == 0.0


def test_a_list_that_happens_to_meet_the_real_constraints_counts_as_met() -> None:
    # uni1 led a project with uni2 (DE) and ngo1 (FR): exactly the top-2 list. The team meets the same constraints
    # (2 universities, an NGO, 2 countries, at most 2 per country) with ngo2, whose region and languages uni1 lacks
    result = team_recall(stub(), [HeldOutConsortium("a project", "uni1", ("uni1", "uni2", "ngo1"))])

    assert (result.team, result.top_n) == (0.5, 1.0)
    assert (result.met_each, result.top_n_met_each) == ((1.0,), (1.0,))
    # asked with its size only, the team is uni1 with ngo2 and school1: one university short of the real two
    assert (result.size_only_each, result.size_only_met_each) == ((0.0,), (0.0,))


def test_summary_gives_each_figure_with_its_interval_and_the_paired_ratio() -> None:
    result = TeamRecall(
        team=0.75,
        top_n=0.25,
        consortia=4,
        constraints_met=1.0,
        team_each=(1.0, 1.0, 0.5, 0.5),
        top_n_each=(0.5, 0.0, 0.5, 0.0),
        met_each=(1.0, 1.0, 1.0, 1.0),
        top_n_met_each=(0.0, 0.0, 0.0, 0.0),
        size_only_each=(0.5, 0.5, 0.5, 0.5),
        size_only_met_each=(1.0, 0.0, 1.0, 0.0),
    )

    summary = result.summary(resamples=200, seed=1)

    assert list(summary) == [
        "consortia",
        "set recall: proposed team",
        "set recall: collaborators list of the same length",
        "set recall: team ÷ list (paired)",
        "set recall: team asked with its size only",
        "real constraints met: proposed team",
        "real constraints met: lead + collaborators list",
        "real constraints met: team asked with its size only",
    ]
    assert summary["consortia"] == "4"
    assert summary["set recall: proposed team"].startswith("0.750 [0.500, 1.000]")
    assert summary["set recall: collaborators list of the same length"].startswith("0.250 [")
    assert summary["set recall: team ÷ list (paired)"].startswith("3.000 [")
    assert summary["real constraints met: proposed team"] == "1.000 [1.000, 1.000]"
    assert summary["real constraints met: lead + collaborators list"] == "0.000 [0.000, 0.000]"
    assert summary["set recall: team asked with its size only"] == "0.500 [0.500, 0.500]"
    assert summary["real constraints met: team asked with its size only"].startswith("0.500 [")


def test_consortia_larger_than_a_request_may_ask_for_are_skipped() -> None:
    from matcher.team.constraints import MAX_TEAM_SIZE
    from tests.team.stub import partner

    many = [partner(f"p{i:02d}", "ngo", ("FR", "DE")[i % 2]) for i in range(MAX_TEAM_SIZE + 1)]
    recommender = stub({p.id: 1.0 for p in many}, many)
    ids = tuple(p.id for p in many)

    result = team_recall(
        recommender,
        [HeldOutConsortium("x", "p00", ids), HeldOutConsortium("x", "p00", ids[:MAX_TEAM_SIZE])],
    )

    assert result.consortia == 1  # the 51-member one is left out; the 50-member one is proposed in full
    assert (result.team, result.top_n, result.constraints_met) == (1.0, 1.0, 1.0)
