"""Candidate sources: a partner reachable only through geography still becomes a candidate."""

from __future__ import annotations

from matcher.catalog import build_catalog
from matcher.domain import Dataset, Partner, Project, ProjectMember
from matcher.evaluation.vectors import CachedVectors
from matcher.ranking.candidates import SOURCES
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


def test_the_members_of_the_most_similar_past_projects_are_candidates() -> None:
    """Who did this kind of work: a partner whose own description says nothing of the query, but whose past project
    is the most similar one, is a candidate (the similar-projects source, searched in a helper thread beside the
    partner indexes: the members of exactly the projects the query's ``similar_projects`` names)."""
    partners = [Partner(id=f"fr{i}", name=f"Ecole {i}", description=f"ocean reef school {i}") for i in range(60)]
    partners += [Partner(id="quiet", name="Kisumu Collective", description="theatre puppets")]
    projects = [Project(id=f"p{i}", title=f"Festival {i}", description=f"puppet festival {i}") for i in range(5)]
    projects += [Project(id="glaciers", title="Glacier watch", description="glacier melt monitoring with pupils")]
    members = [ProjectMember("glaciers", "quiet", "lead")]
    members += [ProjectMember(f"p{i}", f"fr{i}", "lead") for i in range(5)]
    embedder = BagOfWordsEmbedder()
    dataset = Dataset(partners=partners, projects=projects, project_members=members)
    catalog = build_catalog(dataset, CachedVectors(embedder), embedder.dim)
    rec = Recommender(catalog, embedder, candidates_per_source=20)
    query = rec.resolve("glacier melt monitoring", None)

    def candidates(sources: set[str]) -> set[str]:
        rec.candidates.sources = frozenset(sources)
        return {catalog.partners[r].id for r in rec.candidates.source_rows(query, 20).tolist()}

    similar, _ = query.similar_projects(30)
    assert similar[0] == catalog.project_pos["glaciers"]
    members = {catalog.partners[r].id for r in catalog.members_of_projects(similar).tolist()}
    assert candidates({"similar_projects"}) == members and "quiet" in members
    assert "quiet" in candidates(set(SOURCES))
