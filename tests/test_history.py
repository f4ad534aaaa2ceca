"""Past-projects vectors computed when read (matcher.history): the normalised mean of each partner's projects."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from matcher.history import PastProjectVectors
from matcher.rows import VectorRows

# four partners, three projects: partner 0 took part in projects 0 and 1, partner 1 in none, partner 2 in project 2,
# partner 3 in all three; the link weights (min(1, 5 / (size - 1)) in a catalogue) must not weigh the mean
MEMBERSHIP = sp.csr_matrix(
    np.array([[1.0, 0.5, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.5, 1.0]], dtype=np.float32)
)
PROJECTS = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], dtype=np.float32)
EXPECTED = np.array(
    [[0.5**0.5, 0.5**0.5, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 1.0], [3**-0.5, 3**-0.5, 3**-0.5]], dtype=np.float32
)


def test_each_row_is_the_normalised_mean_of_the_partners_projects() -> None:
    history = PastProjectVectors(MEMBERSHIP, PROJECTS)
    assert history.shape == (4, 3) and len(history) == 4 and history.dtype == np.float32
    np.testing.assert_allclose(np.asarray(history), EXPECTED, atol=1e-7)
    np.testing.assert_array_equal(history.rows_with_projects(), [0, 2, 3])
    assert [history.has_projects(row) for row in range(4)] == [True, False, True, True]
    taken, block = history.gather(np.array([3, 1, 0]))  # each partner's projects' vectors, one row per entry
    np.testing.assert_array_equal(taken.indptr, [0, 3, 3, 5])
    np.testing.assert_array_equal(block, PROJECTS[[0, 1, 2, 0, 1]])


KEYS = [3, -1, 1, [3, 0], np.array([2, 2, 0]), np.array([True, False, False, True]), slice(1, None)]
KEYS += [(0, slice(0, 2)), (np.array([3, 1]), 2), np.array([], dtype=np.int64)]


@pytest.mark.parametrize("key", KEYS)
def test_rows_read_as_the_materialised_arrays_rows(key: object) -> None:
    history = PastProjectVectors(MEMBERSHIP, PROJECTS)
    got = history[key]
    want = EXPECTED[key]  # type: ignore[index]
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, atol=1e-7)


def test_a_row_out_of_range_is_an_index_error() -> None:
    history = PastProjectVectors(MEMBERSHIP, PROJECTS)
    with pytest.raises(IndexError):
        history[4]
    with pytest.raises(IndexError):
        history[[0, 7]]


def test_half_precision_project_rows_give_the_mean_of_the_stored_values() -> None:
    rng = np.random.default_rng(5)
    projects = rng.normal(size=(3, 8)).astype(np.float32)
    stored = VectorRows.of(projects, np.float16)
    history = PastProjectVectors(MEMBERSHIP, stored)
    rounded = np.asarray(stored)
    mean = rounded[[0, 1, 2]].mean(axis=0)
    np.testing.assert_allclose(history[3], mean / np.linalg.norm(mean), rtol=1e-5)
    assert history[[0, 3]].dtype == np.float32


def test_whole_array_arithmetic_materialises() -> None:
    history = PastProjectVectors(MEMBERSHIP, PROJECTS)
    ones = np.ones((4, 3), dtype=np.float32)
    np.testing.assert_allclose(ones + history, ones + EXPECTED, atol=1e-7)
    np.testing.assert_allclose(history + ones, ones + EXPECTED, atol=1e-7)
    query = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    np.testing.assert_allclose(history[[0, 1, 2, 3]] @ query, EXPECTED @ query, atol=1e-7)


def test_no_projects_gives_zero_rows() -> None:
    empty = sp.csr_matrix((2, 0), dtype=np.float32)
    history = PastProjectVectors(empty, np.zeros((0, 5), dtype=np.float32))
    assert history.shape == (2, 5)
    np.testing.assert_array_equal(history[[0, 1]], np.zeros((2, 5)))
    assert len(history.rows_with_projects()) == 0


def test_a_catalogues_history_is_the_mean_of_each_partners_project_texts_vectors() -> None:
    from matcher.catalog import build_catalog
    from tests.test_catalog_patch import EMBEDDER, base_dataset, lookup

    data = base_dataset()
    catalog = build_catalog(data, lookup, EMBEDDER.dim)
    texts = {p.id: p.text for p in data.projects}
    with_projects = 0
    for row, partner in enumerate(data.partners):
        projects = catalog.partner_projects.get(partner.id, [])
        if not projects:
            np.testing.assert_array_equal(catalog.history_vectors[row], 0.0)
            continue
        with_projects += 1
        mean = EMBEDDER.encode([texts[j] for j in projects]).mean(axis=0)
        np.testing.assert_allclose(catalog.history_vectors[row], mean / np.linalg.norm(mean), atol=1e-6)
    assert with_projects == len(catalog.history_vectors.rows_with_projects()) > 0


def test_the_cosines_with_a_vector_are_the_rows_products_with_it() -> None:
    rng = np.random.default_rng(8)
    block = rng.normal(size=(6, 5)).astype(np.float32)
    indptr = np.array([0, 2, 2, 3, 6])  # four partners: two projects, none, one, three
    vector = rng.normal(size=5).astype(np.float32)
    from matcher.history import mean_cosines, mean_directions

    rows = mean_directions(indptr, block)
    np.testing.assert_array_equal(rows[1], 0.0)
    np.testing.assert_allclose(rows[3], block[3:].mean(axis=0) / np.linalg.norm(block[3:].mean(axis=0)), rtol=1e-6)
    np.testing.assert_allclose(mean_cosines(indptr, block, vector), rows @ vector, rtol=1e-5, atol=1e-7)
    assert mean_cosines(indptr, block, vector)[1] == 0.0
