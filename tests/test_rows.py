"""VectorRows: a new snapshot's vectors share the old one's buffer; the old rows never change under a reader."""

from __future__ import annotations

import numpy as np

from matcher.rows import VectorBuffer, VectorRows, as_read, moved_rows


def test_moved_rows_share_the_buffer_and_leave_the_old_rows_alone() -> None:
    base = np.arange(12, dtype=np.float32).reshape(4, 3)
    first = VectorRows.of(base)
    np.testing.assert_array_equal(np.asarray(first), base)
    # row 1 changed, a new row inserted at 2, old row 3 removed
    old_row = np.array([0, 1, -1, 2])
    second = moved_rows(first, old_row, {1: np.full(3, 7.0), 2: np.full(3, 9.0)})
    assert second.buffer is first.buffer  # shared, not copied
    np.testing.assert_array_equal(np.asarray(first), base)  # the old snapshot reads what it read
    expected = np.stack([base[0], np.full(3, 7.0), np.full(3, 9.0), base[2]]).astype(np.float32)
    np.testing.assert_array_equal(np.asarray(second), expected)
    np.testing.assert_array_equal(second[[3, 0]], expected[[3, 0]])
    np.testing.assert_array_equal(second[2, 1:], [9.0, 9.0])
    assert second.shape == (4, 3) and len(second) == 4 and second.dtype == np.float32
    assert [list(r) for r in second] == expected.tolist()
    np.testing.assert_array_equal(second @ np.ones(3), expected.sum(axis=1))
    np.testing.assert_array_equal(second + second, 2 * expected)


def test_a_full_buffer_moves_the_live_rows_to_a_new_one() -> None:
    rows = VectorRows.of(np.eye(4, dtype=np.float32))
    room = len(rows.buffer.data) - rows.buffer.used
    same = np.arange(4)
    for n in range(room):
        rows = moved_rows(rows, same, {n % 4: np.full(4, float(n))})
    full = rows.buffer
    grown = moved_rows(rows, same, {0: np.full(4, -1.0)})
    assert grown.buffer is not full and grown.buffer.used == 4  # only the live rows came along
    np.testing.assert_array_equal(np.asarray(grown)[1:], np.asarray(rows)[1:])
    np.testing.assert_array_equal(grown[0], np.full(4, -1.0))


def _shuffled_rows(n: int, dim: int, seed: int) -> tuple[VectorRows, np.ndarray]:
    """Rows after a full build and two writes that moved, replaced and added rows: buffer order != row order."""
    rng = np.random.default_rng(seed)
    rows = VectorRows.of(rng.standard_normal((n, dim)).astype(np.float32))
    for _ in range(2):
        old_row = np.insert(rng.permutation(len(rows))[:-1], 1, -1)  # one row gone, one new, all moved
        fresh = {1: rng.standard_normal(dim).astype(np.float32), 3: rng.standard_normal(dim).astype(np.float32)}
        rows = moved_rows(rows, old_row, fresh)
    assert rows.buffer.used > len(rows) and not np.array_equal(rows.slots, np.arange(len(rows)))
    return rows, np.asarray(rows)


def test_a_product_with_a_vector_or_matrix_is_the_materialised_arrays() -> None:
    rows, dense = _shuffled_rows(300, 64, seed=1)
    rng = np.random.default_rng(2)
    vector, matrix = rng.standard_normal(64).astype(np.float32), rng.standard_normal((64, 5)).astype(np.float32)
    # the same dot product of each row, computed over the buffer's rows: equal to float32 rounding (BLAS sums
    # a row in a different order depending on where the row sits), the same shape and dtype
    for other in (vector, matrix, vector.astype(np.float64)):
        got, want = rows @ other, dense @ other
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    weights, stacked = rng.standard_normal(300).astype(np.float32), rng.standard_normal((3, 300)).astype(np.float32)
    for other in (weights, stacked):
        got, want = other @ rows, other @ dense
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
    # rows with a known answer: the product picks the right buffer row for each snapshot row
    onehot = np.zeros(64, dtype=np.float32)
    onehot[7] = 1.0
    np.testing.assert_array_equal(rows @ onehot, dense[:, 7])


def test_a_buffer_mostly_of_older_rows_still_gives_the_product() -> None:
    rows, dense = _shuffled_rows(40, 8, seed=3)
    few = moved_rows(rows, np.array([5, 2]), {})  # 2 live rows of a buffer of 40+
    assert few.buffer is rows.buffer and few.buffer.used > 2 * len(few)
    vector = np.arange(8, dtype=np.float32)
    np.testing.assert_array_equal(few @ vector, dense[[5, 2]] @ vector)
    np.testing.assert_array_equal(np.ones(2, dtype=np.float32) @ few, dense[[5, 2]].sum(axis=0))


def mostly_zero(n: int, rows: np.ndarray, vectors: np.ndarray) -> VectorRows:
    """``n`` rows, row ``rows[i]`` being ``vectors[i]``, every other row one shared zero row of the buffer."""
    buffer = VectorBuffer(vectors.shape[1], len(rows) + 1)
    zero, written = buffer.append(np.zeros((1, vectors.shape[1]), np.float32)), buffer.append(vectors)
    assert zero is not None and written is not None
    slots = np.full(n, zero[0], dtype=np.int64)
    slots[rows] = written
    return VectorRows(buffer, slots)


def test_rows_sharing_one_buffer_row_read_as_the_full_array() -> None:
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((3, 4)).astype(np.float32)
    rows = mostly_zero(6, np.array([4, 1, 5]), vectors)
    expected = np.zeros((6, 4), dtype=np.float32)
    expected[[4, 1, 5]] = vectors

    assert rows.buffer.used == 4  # one zero row and the three vectors, not six rows
    np.testing.assert_array_equal(np.asarray(rows), expected)
    np.testing.assert_array_equal(rows[[0, 4]], expected[[0, 4]])
    query = rng.standard_normal(4).astype(np.float32)
    np.testing.assert_allclose(rows @ query, expected @ query, rtol=1e-6)
    np.testing.assert_array_equal(np.flatnonzero(np.any(rows != 0, axis=1)), [1, 4, 5])
    moved = moved_rows(rows, np.array([5, 0, -1]), {2: np.ones(4, np.float32)})  # a write after the build
    np.testing.assert_array_equal(np.asarray(moved), np.vstack([expected[[5, 0]], np.ones((1, 4))]))


def test_comparing_with_a_number_gives_the_materialised_arrays_answer() -> None:
    vectors = np.array([[0.0, 1.0], [2.0, 0.0]], dtype=np.float32)
    rows = mostly_zero(4, np.array([3, 1]), vectors)
    dense = np.asarray(rows)

    np.testing.assert_array_equal(rows != 0, dense != 0)
    np.testing.assert_array_equal(rows == 0, dense == 0)
    np.testing.assert_array_equal(rows == dense, np.ones((4, 2), dtype=bool))  # an array: element by element


def test_half_precision_rows_store_half_and_read_float32() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(6, 8)).astype(np.float32)
    half = VectorRows.of(vectors, np.float16)
    assert half.buffer.data.dtype == np.float16 and half.buffer.data.itemsize == 2  # half the bytes stored
    rounded = vectors.astype(np.float16).astype(np.float32)  # what the rows hold: each value to 11 bits
    assert half.dtype == np.float32 and half[[4, 1]].dtype == np.float32 and half[2].dtype == np.float32
    np.testing.assert_array_equal(np.asarray(half), rounded)
    np.testing.assert_array_equal(half[[4, 1]], rounded[[4, 1]])
    np.testing.assert_array_equal(half[3, 2:5], rounded[3, 2:5])
    assert [list(r) for r in half] == rounded.tolist()
    query = rng.normal(size=8).astype(np.float32)
    np.testing.assert_allclose(half @ query, rounded @ query, rtol=1e-6)
    assert np.abs(half @ query - vectors @ query).max() < 1e-2  # cosines move by rounding only
    # a write keeps the precision: the new row is rounded as it is appended, the buffer still shared
    moved = moved_rows(half, np.arange(6), {2: vectors[0] * 2})
    assert moved.buffer is half.buffer
    np.testing.assert_array_equal(moved[2], (vectors[0] * 2).astype(np.float16).astype(np.float32))


def test_rows_moved_to_another_precision_keep_their_shared_rows() -> None:
    vectors = np.array([[0.5, 0.25], [1.0, -1.0]], dtype=np.float32)
    shared = mostly_zero(5, np.array([1, 3]), vectors)  # three rows share the zero row
    half = VectorRows.of(shared, np.float16)
    assert half.buffer.data.dtype == np.float16 and half.buffer.used == shared.buffer.used == 3
    np.testing.assert_array_equal(np.asarray(half), np.asarray(shared))  # these values are exact in half
    np.testing.assert_array_equal(half != 0, np.asarray(shared) != 0)
    assert VectorRows.of(half, np.float16) is half  # already in that precision: shared, not copied


def test_a_full_half_precision_buffer_moves_to_a_half_precision_one() -> None:
    rows = VectorRows.of(np.eye(4, dtype=np.float32), np.float16)
    same = np.arange(4)
    full = rows.buffer
    while rows.buffer is full:  # fill it, then one write more
        rows = moved_rows(rows, same, {0: np.full(4, 1 / 3)})
    assert rows.buffer.data.dtype == np.float16 and rows.buffer.used == 4  # the live rows, still in half precision
    np.testing.assert_array_equal(rows[0], np.full(4, 1 / 3, dtype=np.float16).astype(np.float32))
    np.testing.assert_array_equal(np.asarray(rows)[1:], np.eye(4, dtype=np.float32)[1:])


def test_half_precision_reads_are_numpys_conversion_bit_for_bit() -> None:
    every_half = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(np.float16)  # zeros, subnormals, inf, nan
    read = as_read(every_half.reshape(256, 256))
    assert read.dtype == np.float32
    np.testing.assert_array_equal(read.view(np.uint32), every_half.astype(np.float32).reshape(256, 256).view(np.uint32))
    vectors = np.random.default_rng(3).standard_normal((50, 7)).astype(np.float32)
    half = VectorRows.of(vectors, np.float16)
    expected = vectors.astype(np.float16).astype(np.float32)
    rows = np.array([4, 0, 49, 4])
    np.testing.assert_array_equal(half[rows], expected[rows])  # rows gathered by array, repeated
    np.testing.assert_array_equal(half[3, 2:5], expected[3, 2:5])  # a row and a column slice
    assert half[3, 2] == expected[3, 2]
    np.testing.assert_array_equal(np.asarray(half), expected)
    np.testing.assert_array_equal(np.asarray(half, dtype=np.float64), expected.astype(np.float64))
