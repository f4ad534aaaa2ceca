"""TeamRules.swaps, the vectorised check behind each member's alternatives, against its definition: every candidate
``j`` outside the team with which ``allows`` accepts the team less ``out``, plus ``j``."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.team.constraints import ConsortiumRequest, Constraints, KindBound, TeamSize
from matcher.team.rules import Candidate, TeamRules

KINDS = ["university", "ngo", "school", "city"]
COUNTRIES = ["FR", "DE", "KE", "BR", "SN", None]


def _candidate(rng: np.random.Generator, i: int) -> Candidate:
    return Candidate(
        partner_id=f"p{i}",
        name=f"P{i}",
        type=str(rng.choice(KINDS)),
        country=COUNTRIES[int(rng.integers(len(COUNTRIES)))],
        languages=frozenset(),
        sdgs=frozenset(),
        score=float(rng.random()),
    )


@pytest.mark.parametrize("seed", range(12))
def test_swaps_are_exactly_the_candidates_that_keep_every_constraint(seed: int) -> None:
    rng = np.random.default_rng(seed)
    candidates = [_candidate(rng, i) for i in range(40)]
    fixed = [_candidate(rng, 100)]
    request = ConsortiumRequest(
        text="x",
        size=TeamSize(5, 6),
        constraints=Constraints(
            kinds=(KindBound("university", 1, 2), KindBound("school", 1)),
            min_distinct_countries=int(rng.integers(2, 6)),
            max_per_country=int(rng.integers(1, 3)),
        ),
        conflicts=tuple((f"p{a}", f"p{b}") for a, b in rng.integers(0, 40, (8, 2)) if a != b),
    )
    rules = TeamRules.compile(request, candidates, fixed)
    chosen = rules.greedy(sorted(range(40), key=lambda i: -(candidates[i].score or 0)))
    if chosen is None:
        pytest.skip(f"seed {seed}: the greedy team does not meet the constraints")
    assert rules.allows(chosen)

    for out in chosen:
        rest = [i for i in chosen if i != out]
        expected = [j for j in range(40) if j not in chosen and rules.allows([*rest, j])]
        assert rules.swaps(chosen, out) == expected
