"""The request path at scale, on the tiny fixture: filters as array lookups, deeper search when a filter leaves
too few candidates, features from precomputed arrays, sparse collaboration ties."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from matcher.domain import Partner
from matcher.ranking.query import Filters
from matcher.recommender import Recommender
from tests.conftest import OCEAN_QUERY


def python_filter(p: Partner, f: Filters) -> bool:
    """The filter rule, one partner at a time (the reference for the vectorised mask)."""
    return (
        (not f.countries or p.country in f.countries)
        and (not f.types or p.type in f.types)
        and (not f.languages or bool(f.languages.intersection(p.languages)))
        and (not f.sdgs or bool(f.sdgs.intersection(p.sdgs)))
    )


FILTERS = [
    Filters(countries=frozenset({"FJ", "PT", "XX"})),
    Filters(types=frozenset({"university", "school"})),
    Filters(languages=frozenset({"fr", "pt"})),
    Filters(sdgs=frozenset({14, 5})),
    Filters(types=frozenset({"ngo"}), languages=frozenset({"en"}), sdgs=frozenset({4, 14, 99})),
    Filters(countries=frozenset({"ZZ"})),
]


@pytest.mark.parametrize("filters", FILTERS)
def test_filter_mask_equals_the_rule_partner_by_partner(recommender: Recommender, filters: Filters) -> None:
    expected = [python_filter(p, filters) for p in recommender.catalog.partners]

    assert recommender.candidates.filter_mask(filters).tolist() == expected


def twin(recommender: Recommender, **attributes: int) -> Recommender:
    """A recommender over the same catalog and indexes with other candidate-generation knobs."""
    other = Recommender(
        recommender.catalog, recommender.embedder, index=recommender.index, history_index=recommender.history_index
    )
    for name, value in attributes.items():
        setattr(other.candidates, "per_source" if name == "candidates_per_source" else name, value)
    return other


def test_a_thin_filtered_pool_is_searched_deeper(recommender: Recommender) -> None:
    filters = Filters(languages=frozenset({"en"}))  # 10 of 12 partners
    exhaustive = recommender.collaborators(text=OCEAN_QUERY, k=5, filters=filters)
    deeper = twin(recommender, exhaustive_filter_limit=0, candidates_per_source=1, min_filtered_candidates=6)
    deepest = twin(recommender, exhaustive_filter_limit=0, candidates_per_source=1, min_filtered_candidates=10)

    found = deeper.collaborators(text=OCEAN_QUERY, k=5, filters=filters)  # depth 1 -> 4: six or more candidates
    everything = deepest.collaborators(text=OCEAN_QUERY, k=5, filters=filters)  # depth 1 -> 4 -> 16: all of them

    assert len(found) == 5 and all("en" in recommender.catalog.partner(m.partner_id).languages for m in found)
    assert found[0].partner_id == exhaustive[0].partner_id == "ocean-school"
    assert [m.partner_id for m in everything] == [m.partner_id for m in exhaustive]


def test_without_deeper_search_a_thin_pool_gives_fewer_results(recommender: Recommender) -> None:
    filters = Filters(languages=frozenset({"en"}))
    shallow = twin(recommender, exhaustive_filter_limit=0, candidates_per_source=1, min_filtered_candidates=0)

    assert len(shallow.collaborators(text=OCEAN_QUERY, k=5, filters=filters)) < 5  # what the deeper search fixes


def test_coworker_ties_equal_the_dense_formula(recommender: Recommender) -> None:
    c = recommender.catalog
    for size in (1, 2, 3):
        for anchors in itertools.combinations([p.id for p in c.partners[:6]], size):
            rows = [c.partner_pos[a] for a in anchors]
            seed = np.zeros(len(c.partners), dtype=np.float32)
            seed[rows] = 1.0
            dense = np.asarray(c.membership @ (c.membership.T @ seed)).ravel()
            dense[rows] = 0.0
            np.testing.assert_allclose(c.coworker_weights(list(anchors)), dense, atol=1e-6)
            tied, weights = c.coworker_ties(rows)
            assert tied.tolist() == np.flatnonzero(dense).tolist()
            np.testing.assert_allclose(weights, dense[tied], atol=1e-6)


def test_features_match_their_definitions(recommender: Recommender) -> None:
    from matcher.ranking.features import FEATURES, VOTING_PROJECTS, compute_features

    c = recommender.catalog
    query = recommender.resolve(
        OCEAN_QUERY, None, requester_id="ocean-school", team=frozenset({"ocean-school"}), sdgs=frozenset({14, 4})
    )
    rows = np.arange(len(c.partners))
    features = compute_features(c, query, rows)
    col = {name: j for j, name in enumerate(FEATURES)}
    requester = c.partner("ocean-school")
    for row, partner in enumerate(c.partners):
        projects = c.partner_projects.get(partner.id, [])
        best = max((float(c.project_vectors[c.project_pos[p]] @ query.vector) for p in projects), default=0.0)
        assert features[row, col["history_max"]] == pytest.approx(best, abs=1e-5)
        # dense_history: the cosine with the normalised mean of the partner's projects' vectors (0 without one)
        mean = np.mean([c.project_vectors[c.project_pos[p]] for p in projects], axis=0) if projects else None
        history = 0.0 if mean is None else float(mean @ query.comparison_vector) / float(np.linalg.norm(mean))
        assert features[row, col["dense_history"]] == pytest.approx(history, abs=1e-5)
        assert features[row, col["sdg_overlap"]] == pytest.approx(len({14, 4} & set(partner.sdgs)) / 2)
        assert features[row, col["same_country"]] == float(partner.country == requester.country)
        assert features[row, col["type_complement"]] == float(partner.type is not None and partner.type != "school")
        assert 0.0 <= features[row, col["popularity"]] <= 1.0 and 0.0 <= features[row, col["recency"]] <= 1.0
    # lexical_relative: the lexical cosine over the best lexical cosine among these candidates (was always 0 once)
    lexical = features[:, col["lexical"]]
    assert lexical.max() > 0
    np.testing.assert_allclose(features[:, col["lexical_relative"]], lexical / lexical.max(), atol=1e-6)
    # project_vote: the share of the summed similarity of the most similar past projects that the partner was in
    assert query.project_lexical is not None and query.projects is not None
    similarity = query.project_lexical + query.projects.dense(np.arange(len(c.projects)))
    voting = [p for p in np.argsort(-similarity, kind="stable")[:VOTING_PROJECTS] if similarity[p] > 0]
    total = sum(float(similarity[p]) for p in voting)
    for row, partner in enumerate(c.partners):
        mine = {c.project_pos[p] for p in c.partner_projects.get(partner.id, [])}
        expected = sum(float(similarity[p]) for p in voting if p in mine) / total
        assert features[row, col["project_vote"]] == pytest.approx(expected, abs=1e-5)
    assert features[:, col["project_vote"]].max() > 0
    assert np.count_nonzero(features[:, col["dense_history"]]) > len(c.partners) // 4
    # the same candidates in another order, a few left out: each row's features are its own (but the two relative
    # to the best among the candidates)
    rng = np.random.default_rng(4)
    some = rng.permutation(len(c.partners))[: len(c.partners) * 2 // 3]
    own = [j for j, name in enumerate(FEATURES) if not name.endswith("_relative")]
    np.testing.assert_allclose(compute_features(c, query, some)[:, own], features[some][:, own], atol=1e-6)


@pytest.mark.parametrize("size", [10, 1_000, 100_000])
@pytest.mark.parametrize("n", [1, 5, 200])
def test_top_positive_equals_a_full_sort(size: int, n: int) -> None:
    from matcher.lexical import top_positive

    rng = np.random.default_rng(size + n)
    scores = rng.random(size).astype(np.float32) - 0.3  # ~30% non-positive
    scores[rng.integers(0, size, size // 10)] = 0.5  # many ties
    positive = np.flatnonzero(scores > 0)
    expected = positive[np.argsort(-scores[positive], kind="stable")][:n]

    got = top_positive(scores, n)

    assert np.array_equal(scores[got], scores[expected])  # same scores, best first
    assert set(got.tolist()) <= set(positive.tolist()) and len(got) == len(expected)
    if len(np.unique(scores[expected])) == len(expected):
        assert np.array_equal(got, expected)


def test_top_positive_falls_back_when_the_sample_bound_passes_too_few() -> None:
    """Scores concentrated in a few documents the sample misses: the sampled bound finds none; still exact."""
    from matcher.lexical import top_positive

    scores = np.zeros(100_000, dtype=np.float32)
    scores[1::97] = np.linspace(0.1, 0.9, len(scores[1::97]), dtype=np.float32)
    positive = np.flatnonzero(scores > 0)
    expected = positive[np.argsort(-scores[positive], kind="stable")][:200]

    assert np.array_equal(top_positive(scores, 200), expected)
    assert top_positive(np.zeros(50_000, dtype=np.float32), 10).size == 0
    assert top_positive(scores, 0).size == 0


def test_lexical_feature_and_source_read_the_querys_tfidf_cosines(recommender: Recommender) -> None:
    from matcher.ranking.features import FEATURES, compute_features

    lexical = recommender.catalog.lexical
    query = recommender.resolve(OCEAN_QUERY, None)
    documents = lexical.columns_.toarray()  # (partners, terms), rows of unit norm
    expected = documents @ query.terms.toarray().ravel()  # the dense cosine, computed independently

    np.testing.assert_allclose(query.lexical_scores, expected, atol=1e-6)
    rows = np.arange(len(recommender.catalog.partners))
    feature = compute_features(recommender.catalog, query, rows)[:, FEATURES.index("lexical")]
    np.testing.assert_allclose(feature, expected, atol=1e-6)
    best = [recommender.catalog.partners[r].id for r in lexical.top(query.terms, 4, scores=query.lexical_scores)]
    assert set(best[:3]) <= {"ocean-school", "ocean-ngo", "ocean-lab", "ocean-hidden"}  # opt-out filters come later
    assert np.array_equal(lexical.top(query.terms, 3, scores=query.lexical_scores), lexical.top(query.terms, 3))


def test_key_terms_are_the_strongest_shared_terms(recommender: Recommender) -> None:
    lexical = recommender.catalog.lexical
    query = recommender.resolve(OCEAN_QUERY, None)
    rows = list(range(len(recommender.catalog.partners)))
    documents = lexical.columns_.toarray()
    q = query.terms.toarray().ravel()

    together = lexical.shared_terms_of_rows(query.terms, rows)

    for row, picked in zip(rows, together, strict=True):
        weights = q * documents[row]  # each term's part of the cosine, computed independently
        shared = {str(lexical.terms_[t]) for t in np.flatnonzero(weights > 0)}
        assert set(picked) <= shared and (len(picked) > 0) == (len(shared) > 0)
        if shared:
            assert picked[0] == str(lexical.terms_[int(np.argmax(weights))])
    assert together == [lexical.shared_terms(query.terms, r) for r in rows]  # one row at a time: the same
    assert "ocean" in " ".join(together[recommender.catalog.partner_pos["ocean-school"]])
    assert lexical.shared_terms_of_rows(query.terms, []) == []
