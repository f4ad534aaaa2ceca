"""Set recall of proposed teams against the same-length collaborators list, on the catalog with set scores."""

from __future__ import annotations

import pytest

from matcher.team.evaluate import HeldOutConsortium, real_constraints, team_recall
from tests.team.stub import stub

# uni1 led a project with an NGO from Kenya and a Brazilian school: the top-2 list (uni2, ngo1) finds neither; a team
# under the real consortium's constraints (a university, an NGO, a school, 3 countries) finds both.
REAL = HeldOutConsortium("a project", "uni1", ("uni1", "ngo2", "school1"))


def test_real_constraints_are_the_consortium_s_kinds_and_countries() -> None:
    constraints = real_constraints(stub(), REAL.members)
    assert [(b.kind, b.min) for b in constraints.kinds] == [("ngo", 1), ("school", 1), ("university", 1)]
    assert constraints.min_distinct_countries == 3


def test_constrained_teams_recover_the_real_members_the_list_misses() -> None:
    result = team_recall(stub(), [REAL])
    assert (result.team, result.top_n, result.consortia, result.constraints_met) == (1.0, 0.0, 1, 1.0)

    # without constraints the complementarity terms alone pick them: ngo2 and school1 each add a kind, a region and a
    # language that uni1 lacks (0.55 each), more than uni2's and ngo1's lead in relevance
    unconstrained = team_recall(stub(), [REAL], constrained=False)
    assert unconstrained.team == pytest.approx(1.0)


def test_consortia_without_known_members_are_skipped() -> None:
    result = team_recall(
        stub(),
        [HeldOutConsortium("x", "nobody", ("nobody", "uni2")), HeldOutConsortium("x", "uni1", ("uni1", "hidden"))],
    )
    assert result.consortia == 0 and result.team == 0.0
