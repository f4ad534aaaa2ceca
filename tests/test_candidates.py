"""Candidate sources: a partner reachable only through geography still becomes a candidate."""

from __future__ import annotations

from matcher.catalog import build_catalog
from matcher.domain import Dataset, Partner
from matcher.evaluation.vectors import CachedVectors
from matcher.recommender import Recommender
from tests.evaluation.fakes import BagOfWordsEmbedder


def test_the_requesters_compatriots_are_candidates_even_without_shared_words() -> None:
    partners = [
        Partner(id=f"fr{i}", name=f"Ecole {i}", description=f"ocean reef school {i}", country="FR") for i in range(60)
    ]
    partners += [
        Partner(id="ke-requester", name="Nairobi Learning City", description="learning city", country="KE"),
        Partner(id="ke-quiet", name="Kisumu Collective", description="theatre puppets", country="KE"),
    ]
    embedder = BagOfWordsEmbedder()
    catalog = build_catalog(Dataset(partners=partners), CachedVectors(embedder), embedder.dim)
    rec = Recommender(catalog, embedder, candidates_per_source=40)
    query = rec.resolve("ocean reef school", None, requester_id="ke-requester")
    rows = {catalog.partners[r].id for r in rec.candidates.source_rows(query, 40).tolist()}
    assert "ke-quiet" in rows
    without_requester = rec.resolve("ocean reef school", None)
    assert "ke-quiet" not in {
        catalog.partners[r].id for r in rec.candidates.source_rows(without_requester, 40).tolist()
    }


def test_a_catalogue_without_projects_ranks_on_the_profiles_alone() -> None:
    partners = [Partner(id=f"fr{i}", name=f"Ecole {i}", description=f"ocean reef school {i}") for i in range(8)]
    partners += [Partner(id="puppets", name="Kisumu Collective", description="theatre puppets")]
    embedder = BagOfWordsEmbedder()
    catalog = build_catalog(Dataset(partners=partners), CachedVectors(embedder), embedder.dim)
    assert catalog.membership.shape == (9, 0)  # no project: no column to read the past-projects features from
    rec = Recommender(catalog, embedder)

    top = rec.collaborators(text="ocean reef school", k=9)

    assert top[-1].partner_id == "puppets" and {m.partner_id for m in top[:8]} == {f"fr{i}" for i in range(8)}
    assert all(m.score_breakdown["history_max"] == m.score_breakdown["project_vote"] == 0 for m in top)
