"""Rows of a sparse matrix gathered without scipy's indexing: the same entries in the same order."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from matcher.sparse_rows import spans, take_rows


@pytest.fixture
def matrix() -> sp.csr_matrix:
    rng = np.random.default_rng(0)
    dense = (rng.random((40, 25)) < 0.15) * rng.random((40, 25)).astype(np.float32)
    dense[[3, 17, 30]] = 0  # rows without entries
    return sp.csr_matrix(dense.astype(np.float32))


@pytest.mark.parametrize(
    "rows",
    [[0, 1, 2], [3], [17, 3, 30], [39, 0, 39, 5, 5], [], list(range(40))[::-1]],
    ids=["first", "empty-row", "only-empty", "repeated", "none", "all-reversed"],
)
def test_take_rows_is_scipys_row_indexing(matrix: sp.csr_matrix, rows: list[int]) -> None:
    picked = np.asarray(rows, dtype=np.int64)
    ours, theirs = take_rows(matrix, picked), matrix[picked]
    assert ours.shape == theirs.shape == (len(rows), 25)
    np.testing.assert_array_equal(ours.indptr, theirs.indptr)
    np.testing.assert_array_equal(ours.indices, theirs.indices)
    np.testing.assert_array_equal(ours.data, theirs.data)
    assert ours.dtype == np.float32


def test_spans_are_the_positions_of_each_rows_entries(matrix: sp.csr_matrix) -> None:
    offsets, lengths = spans(matrix.indptr, np.array([5, 3, 5]))
    five = np.arange(matrix.indptr[5], matrix.indptr[6])
    np.testing.assert_array_equal(offsets, np.concatenate([five, five]))
    np.testing.assert_array_equal(lengths, [len(five), 0, len(five)])
    columns = sp.csc_matrix(matrix)  # a CSC matrix's columns the same way
    offsets, _ = spans(columns.indptr, np.array([7]))
    np.testing.assert_array_equal(np.sort(columns.indices[offsets]), np.flatnonzero(matrix[:, 7].toarray()))
