"""Rows of a compressed sparse matrix (CSR rows, or CSC columns) gathered with a few array operations.

scipy's fancy row indexing validates its arguments and chooses index types on every call (~0.1-0.2 ms, most of it
in the interpreter); a request gathers the candidates' rows of the membership matrix and the postings of the
query's projects, so that validation was a few percent of the time a request holds the interpreter lock.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def spans(indptr: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the rows ``keys`` of a compressed matrix with ``indptr`` sit in its ``indices`` and ``data``: their
    positions one row after the other, and each row's length."""
    keys = np.asarray(keys, dtype=np.int64)
    starts = indptr[keys]
    lengths = indptr[keys + 1] - starts
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()))
    return offsets, lengths


def take_rows(matrix: sp.csr_matrix, rows: np.ndarray) -> sp.csr_matrix:
    """``matrix[rows]`` (the same entries in the same order) for a CSR matrix and an array of row numbers."""
    offsets, lengths = spans(matrix.indptr, rows)
    indptr = np.zeros(len(lengths) + 1, dtype=matrix.indptr.dtype)
    np.cumsum(lengths, out=indptr[1:])
    gathered = (matrix.data[offsets], matrix.indices[offsets], indptr)
    return sp.csr_matrix(gathered, shape=(len(lengths), matrix.shape[1]))
