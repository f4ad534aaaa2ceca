"""One consortium end to end on the sample alliance (data/sample, 170 partners): every constraint holds.

Marked slow: ingesting the sample embeds 242 texts (1-2 minutes on a busy 2-core machine). Run it with
``pytest -m slow tests/team/test_sample.py``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from matcher.embedding.base import Embedder
from matcher.engine import Matcher
from matcher.team.consortium import propose_consortium
from matcher.team.constraints import ConsortiumRequest, Constraints, KindBound, RegionBound, TeamSize
from matcher.team.regions import resolve_region
from tests.conftest import make_settings

SAMPLE = Path(__file__).parents[2] / "data" / "sample"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Iterator[Matcher]:
    if not SAMPLE.is_dir():
        pytest.skip("data/sample is not in this checkout")
    settings = make_settings(tmp_path_factory.mktemp("sample") / "home").model_copy(update={"auto_train": False})
    matcher = Matcher(settings, embedder=embedder).open()
    matcher.ingest(SAMPLE)
    yield matcher
    matcher.close()


@pytest.mark.slow
def test_a_west_african_ocean_consortium_meets_every_constraint(sample: Matcher) -> None:
    request = ConsortiumRequest(
        text="Ocean literacy and climate education in primary schools in West Africa, with teacher training",
        requester_id="p001",
        size=TeamSize(5, 5),
        constraints=Constraints(
            kinds=(KindBound("university", 1, 2), KindBound("school", 1)),
            min_distinct_countries=4,
            max_per_country=1,
            regions=(RegionBound("011", 1),),
            languages=("fr", "en", "pt"),
            sdgs=(4, 13, 14),
        ),
        exclude=("p097",),
    )
    catalog = sample.recommender.catalog
    proposal = propose_consortium(sample.recommender, request)

    members = proposal.members
    partners = [catalog.partner(m.partner_id) for m in members]
    assert proposal.optimal is True
    assert len(members) == 5 and members[0].partner_id == "p001" and members[0].role == "requester"
    assert "p097" not in {m.partner_id for m in members}
    assert all(p.discoverable for p in partners)
    kinds = Counter(p.type for p in partners)
    assert 1 <= kinds["university"] <= 2 and kinds["school"] >= 1
    countries = Counter(p.country for p in partners)
    assert len(countries) >= 4 and max(countries.values()) == 1
    west_africa = resolve_region("011")
    assert west_africa is not None and any(p.country in west_africa.countries for p in partners)
    assert {"fr", "en", "pt"} <= {lang for p in partners for lang in p.languages}
    assert {4, 13, 14} <= {g for p in partners for g in p.sdgs}
    for m in members[1:]:
        assert m.score is not None and m.reasons and m.brings
        assert 1 <= len(m.alternatives) <= 2
        assert all(a.objective_change <= 1e-9 for a in m.alternatives)  # the team is optimal: no swap improves it
    assert proposal.coverage.countries == sorted(countries)
