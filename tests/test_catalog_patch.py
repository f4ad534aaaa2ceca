"""patch_catalog gives the catalog build_catalog builds from the same data with the same TF-IDF vocabulary: every
array and map equal (vectors bit for bit), whatever the sequence of changes (seeded random sequences)."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence

import hypothesis
import hypothesis.strategies as st
import numpy as np
import pytest
import scipy.sparse as sp

from matcher.catalog import Catalog, build_catalog
from matcher.catalog_patch import CatalogUpdate, patch_catalog
from matcher.domain import ActionGroup, Dataset, GroupMember, Partner, Project, ProjectMember
from tests.store.support import HashEmbedder, generated_dataset

EMBEDDER = HashEmbedder()
WORDS = "ocean reef garden climate coding music health water forest energy kelp school youth girls solar".split()


def lookup(texts: Sequence[str]) -> np.ndarray:
    return EMBEDDER.encode(list(texts))


def base_dataset() -> Dataset:
    data = generated_dataset(30, seed=3)
    groups = [ActionGroup("g-ocean", "Ocean group", "Blue schools."), ActionGroup("g-solar", "Solar", "Energy.")]
    members = [GroupMember("g-ocean", data.partners[i].id) for i in (1, 4, 7)]
    return dataclasses.replace(data, action_groups=groups, group_members=members)


def diff(old: Dataset, new: Dataset, ties: Sequence[tuple[str, str]] | None) -> CatalogUpdate:
    """What a store would report for the change from ``old`` to ``new``."""

    def changes(before: list, after: list) -> dict:  # type: ignore[type-arg]
        a, b = {x.id: x for x in before}, {x.id: x for x in after}
        out = {key: b.get(key) for key in a.keys() | b.keys() if a.get(key) != b.get(key)}
        return out

    def project_lists(data: Dataset) -> dict[str, list[tuple[str, str]]]:
        out: dict[str, list[tuple[str, str]]] = {}
        for m in data.project_members:
            out.setdefault(m.project_id, []).append((m.partner_id, m.role))
        return out

    def group_sets(data: Dataset) -> dict[str, frozenset[str]]:
        out: dict[str, set[str]] = {}
        for m in data.group_members:
            out.setdefault(m.group_id, set()).add(m.partner_id)
        return {k: frozenset(v) for k, v in out.items()}

    pa, pb = project_lists(old), project_lists(new)
    ga, gb = group_sets(old), group_sets(new)
    return CatalogUpdate(
        partners=changes(old.partners, new.partners),
        projects=changes(old.projects, new.projects),
        groups=changes(old.action_groups, new.action_groups),
        project_members={k: pb.get(k, []) for k in pa.keys() | pb.keys() if pa.get(k) != pb.get(k)},
        group_members={k: gb.get(k, frozenset()) for k in ga.keys() | gb.keys() if ga.get(k) != gb.get(k)},
        ties=ties,
    )


def mutate(data: Dataset, rng: random.Random, serial: int) -> Dataset:
    """One random write, as the API allows it (a deleted record takes its memberships along)."""
    partners, projects, groups = list(data.partners), list(data.projects), list(data.action_groups)
    pm, gm = list(data.project_members), list(data.group_members)
    text = " ".join(rng.sample(WORDS, 4))
    move = rng.randrange(11)
    if move == 0 or len(partners) < 5:
        partners.append(Partner(f"new-{serial:03d}", f"New {serial}", text, country=rng.choice(["FR", "ZW", None])))
    elif move == 1:
        gone = rng.choice(partners).id
        partners = [p for p in partners if p.id != gone]
        pm = [m for m in pm if m.partner_id != gone]
        gm = [m for m in gm if m.partner_id != gone]
    elif move == 2:
        i = rng.randrange(len(partners))
        partners[i] = dataclasses.replace(partners[i], description=text)
    elif move == 3:
        i = rng.randrange(len(partners))
        partners[i] = dataclasses.replace(
            partners[i], city="Bergen", country=rng.choice(["NO", "KE"]), type="university", languages=("fr",)
        )
    elif move == 4:
        i = rng.randrange(len(partners))
        partners[i] = dataclasses.replace(partners[i], discoverable=not partners[i].discoverable, sdgs=(13,))
    elif move == 5:
        projects.append(Project(f"proj-{serial:03d}", f"Project {serial}", text, start_date=None))
    elif move == 6 and projects:
        gone = rng.choice(projects).id
        projects = [p for p in projects if p.id != gone]
        pm = [m for m in pm if m.project_id != gone]
    elif move == 7 and projects:
        i = rng.randrange(len(projects))
        import datetime

        projects[i] = dataclasses.replace(
            projects[i], description=text, start_date=datetime.date(2020, 1 + serial % 12, 1)
        )
    elif move == 8 and projects:
        project = rng.choice(projects).id
        partner = rng.choice(partners).id
        existing = [m for m in pm if m.project_id == project and m.partner_id == partner]
        if existing:
            pm.remove(existing[0])
        else:
            pm.append(ProjectMember(project, partner, rng.choice(["lead", "member"])))
    elif move == 9:
        group = rng.choice(groups).id
        partner = rng.choice(partners).id
        if GroupMember(group, partner) in gm:
            gm.remove(GroupMember(group, partner))
        else:
            gm.append(GroupMember(group, partner))
    else:
        i = rng.randrange(len(groups))
        groups[i] = dataclasses.replace(groups[i], name=f"Renamed {text}")
    return Dataset(
        partners=sorted(partners, key=lambda p: p.id),
        projects=sorted(projects, key=lambda p: p.id),
        action_groups=sorted(groups, key=lambda g: g.id),
        project_members=sorted(pm, key=lambda m: (m.project_id, m.partner_id)),
        group_members=sorted(gm, key=lambda m: (m.group_id, m.partner_id)),
    )


def _coded(codes: np.ndarray, table: dict[str, int]) -> list[str | None]:
    names = {code: name for name, code in table.items()}
    return [names.get(int(c)) for c in codes]


def _affinity(catalog: Catalog, matrix: np.ndarray, codes: dict[str, int]) -> dict[tuple[str, str], float]:
    return {(a, b): float(matrix[i, j]) for a, i in codes.items() for b, j in codes.items() if matrix[i, j] != 0}


def assert_same(
    patched: Catalog, built: Catalog, queries: Sequence[str] = ("ocean reef school", "solar energy")
) -> None:
    assert patched.dataset == built.dataset
    assert patched.partner_pos == built.partner_pos and patched.project_pos == built.project_pos
    assert patched.group_pos == built.group_pos
    assert patched.project_members == built.project_members
    assert patched.partner_projects == built.partner_projects
    assert patched.group_members == built.group_members and patched.partner_groups == built.partner_groups
    for name in (
        "partner_vectors",
        "project_vectors",
        "group_vectors",
        "history_vectors",
        "discoverable",
        "popularity",
    ):
        np.testing.assert_array_equal(getattr(patched, name), getattr(built, name), err_msg=name)
    np.testing.assert_array_equal(patched.last_active, built.last_active)
    assert patched.regions == built.regions
    for name in ("membership", "ties", "project_terms", "group_terms"):
        a, b = getattr(patched, name), getattr(built, name)
        assert a.shape == b.shape, name
        np.testing.assert_array_equal(a.toarray(), b.toarray(), err_msg=name)
    assert patched.tie_pairs == built.tie_pairs
    assert {k: v.tolist() for k, v in patched.country_rows.items()} == {
        k: v.tolist() for k, v in built.country_rows.items()
    }
    pa, ba = patched.attributes, built.attributes
    assert _coded(pa.country, pa.country_codes) == _coded(ba.country, ba.country_codes)
    assert _coded(pa.kind, pa.kind_codes) == _coded(ba.kind, ba.kind_codes)
    same_region = lambda a: (a.region[:, None] == a.region[None, :]) & (a.region[:, None] > 0)  # noqa: E731
    np.testing.assert_array_equal(same_region(pa), same_region(ba))
    np.testing.assert_array_equal(pa.sdgs, ba.sdgs)
    assert {k: v.tolist() for k, v in pa.language_rows.items()} == {k: v.tolist() for k, v in ba.language_rows.items()}
    np.testing.assert_array_equal(pa.popularity, ba.popularity)
    np.testing.assert_array_equal(pa.recency, ba.recency)
    assert pa.written.tolist() == ba.written.tolist()
    for a, b, table_a, table_b in (
        (patched.country_pairs, built.country_pairs, pa.country_codes, ba.country_codes),
        (patched.kind_pairs, built.kind_pairs, pa.kind_codes, ba.kind_codes),
    ):  # the pair counts patched per project: those of all links (exact zeros stay exact)
        got, want = _affinity(patched, a, table_a), _affinity(built, b, table_b)
        assert got.keys() == want.keys()
        np.testing.assert_allclose([got[k] for k in want], list(want.values()), rtol=1e-12, atol=1e-12)
    for a, b, table_a, table_b in (
        (patched.country_affinity, built.country_affinity, pa.country_codes, ba.country_codes),
        (patched.kind_affinity, built.kind_affinity, pa.kind_codes, ba.kind_codes),
    ):
        got, want = _affinity(patched, a, table_a), _affinity(built, b, table_b)
        assert got.keys() == want.keys()
        np.testing.assert_allclose([got[k] for k in want], list(want.values()), rtol=1e-6, atol=1e-7)
    assert patched.walk is not None and built.walk is not None
    np.testing.assert_array_equal(patched.walk.to_partners.toarray(), built.walk.to_partners.toarray())
    np.testing.assert_array_equal(patched.walk.to_projects.toarray(), built.walk.to_projects.toarray())
    rows = np.arange(len(built.partners))
    for text in queries:
        terms = built.lexical.transform([text])
        np.testing.assert_array_equal(patched.lexical.scores(terms), built.lexical.scores(terms))
        np.testing.assert_array_equal(patched.lexical.scores(terms, rows), built.lexical.scores(terms, rows))
        listed = rows.tolist()
        assert patched.lexical.shared_terms_of_rows(terms, listed) == built.lexical.shared_terms_of_rows(terms, listed)


@pytest.mark.parametrize("seed", range(6))
def test_random_changes_patch_to_the_catalog_a_rebuild_gives(seed: int) -> None:
    rng = random.Random(seed)
    data = base_dataset()
    first = build_catalog(data, lookup, EMBEDDER.dim, ties=[(data.partners[0].id, data.partners[2].id)])
    catalog = first
    for step in range(25):
        new = mutate(data, rng, step)
        ids = [p.id for p in new.partners]
        ties = [(ids[0], ids[-1]), (ids[1], ids[3])] if step % 5 == 0 else None
        catalog = patch_catalog(catalog, diff(data, new, ties), lookup)
        data = new
        rebuilt = build_catalog(data, lookup, EMBEDDER.dim, ties=catalog.tie_pairs, lexical=first.lexical)
        assert_same(catalog, rebuilt)
    assert first.dataset == base_dataset()  # the old catalog is never modified


def test_an_unchanged_part_is_shared_not_copied() -> None:
    data = base_dataset()
    catalog = build_catalog(data, lookup, EMBEDDER.dim)
    city = dataclasses.replace(data.partners[3], city="Bergen")
    patched = patch_catalog(catalog, CatalogUpdate(partners={city.id: city}), lookup)
    assert patched.partner(city.id).city == "Bergen" and catalog.partner(city.id).city is None
    for name in ("partner_vectors", "project_vectors", "membership", "ties", "lexical", "walk"):
        assert getattr(patched, name) is getattr(catalog, name), name  # and so the past-projects vectors read from them
    text = dataclasses.replace(data.partners[3], description="Kelp forests.")
    patched = patch_catalog(catalog, CatalogUpdate(partners={text.id: text}), lookup)
    assert patched.membership is catalog.membership and patched.project_vectors is catalog.project_vectors
    assert not np.array_equal(patched.partner_vectors[3], catalog.partner_vectors[3])
    assert isinstance(patched.membership, sp.csr_matrix)


@hypothesis.settings(max_examples=12, deadline=None, derandomize=True)
@hypothesis.given(st.lists(st.integers(min_value=0, max_value=2**32 - 1), min_size=1, max_size=10))
def test_generated_change_sequences_patch_to_the_catalog_a_rebuild_gives(moves: list[int]) -> None:
    """Hypothesis draws the sequences (each number seeds one random write); the comparison is at the end."""
    data = base_dataset()
    first = build_catalog(data, lookup, EMBEDDER.dim)
    catalog = first
    for step, move in enumerate(moves):
        new = mutate(data, random.Random(move), step)
        ids = [p.id for p in new.partners]
        catalog = patch_catalog(catalog, diff(data, new, [(ids[0], ids[-1])] if move % 3 == 0 else None), lookup)
        data = new
    assert_same(catalog, build_catalog(data, lookup, EMBEDDER.dim, ties=catalog.tie_pairs, lexical=first.lexical))


def test_a_membership_write_builds_the_new_walk_before_any_query_needs_it() -> None:
    data = base_dataset()
    catalog = build_catalog(data, lookup, EMBEDDER.dim)
    project, partner = data.projects[0].id, data.partners[5].id
    members = [*catalog.project_members.get(project, []), (partner, "member")]
    patched = patch_catalog(catalog, CatalogUpdate(project_members={project: members}), lookup)
    assert patched.walk is not None and patched.walk is not catalog.walk
    assert patched.walk.built  # by the writer, not by the first request on the new catalog
    assert patched.country_affinity is not catalog.country_affinity  # the affinities are patched at once
    assert patched.dataset.project_members != data.project_members
    rebuilt = build_catalog(patched.dataset, lookup, EMBEDDER.dim, lexical=catalog.lexical)
    assert rebuilt.walk is not None
    anchor = [patched.partner_pos[partner]]
    scores = patched.walk.scores(anchor)
    assert scores is not None
    np.testing.assert_array_equal(scores, rebuilt.walk.scores(anchor))
    city = dataclasses.replace(data.partners[3], city="Bergen")  # no link changed: the same walk, already built
    assert patch_catalog(patched, CatalogUpdate(partners={city.id: city}), lookup).walk is patched.walk


def test_caches_of_what_did_not_change_are_kept() -> None:
    data = base_dataset()
    catalog = build_catalog(data, lookup, EMBEDDER.dim)
    terms = catalog.lexical.transform(["ocean reef school"])
    catalog.project_lexical(terms)  # fills the column-major copies
    catalog.members_of_projects(np.array([0]))
    text = dataclasses.replace(data.partners[3], description="Des forêts de varech et des récifs de corail.")
    patched = patch_catalog(catalog, CatalogUpdate(partners={text.id: text}), lookup)
    assert patched.by_column["project_terms"] is catalog.by_column["project_terms"]  # projects untouched
    assert patched.by_column["membership"] is catalog.by_column["membership"]
    # the changed text's language detected again by the writer, the others' kept; the old snapshot's are its own
    assert catalog.text_languages(np.array([3]))[0] == "en" and patched.text_languages(np.array([3]))[0] == "fr"
    others = np.setdiff1d(np.arange(len(catalog.partners)), [3])
    assert patched.text_languages(others).tolist() == catalog.text_languages(others).tolist()
    project = data.projects[0].id
    members = [*catalog.project_members.get(project, []), (data.partners[5].id, "member")]
    linked = patch_catalog(patched, CatalogUpdate(project_members={project: members}), lookup)
    by_column = linked.by_column["membership"]  # the links changed: copied again, by the writer
    assert by_column is not catalog.by_column["membership"] and isinstance(by_column, sp.csc_matrix)
    assert (by_column != linked.membership).nnz == 0
    assert linked.by_column["project_terms"] is catalog.by_column["project_terms"]
    assert linked.text_languages(np.arange(len(linked.partners))).tolist() == patched.attributes.written.tolist()
    rows = linked.members_of_projects(np.array([linked.project_pos[project]]))
    assert linked.partner_pos[data.partners[5].id] in rows.tolist()
