"""VectorRows: a new snapshot's vectors share the old one's buffer; the old rows never change under a reader."""

from __future__ import annotations

import numpy as np

from matcher.rows import VectorRows, moved_rows


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
