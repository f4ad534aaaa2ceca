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
