"""Tatoeba accuracy of benchmarks.crosslingual on cases whose answer is known (the benchmark is not a test)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from benchmarks.crosslingual import TATOEBA, bitext_accuracy, load_tatoeba


def test_identical_sides_are_all_found() -> None:
    assert bitext_accuracy(np.eye(5), np.eye(5)) == 1.0


def test_a_permuted_side_is_right_only_on_fixed_points() -> None:
    permutation = [0, 2, 1, 3, 5, 4, 6, 7, 9, 8]  # 0, 3, 6 and 7 stay: 4 of 10 right in each direction

    assert bitext_accuracy(np.eye(10), np.eye(10)[permutation]) == pytest.approx(0.4)


def test_the_two_directions_are_averaged() -> None:
    # both sources are nearest to target 0: forward finds 1 of 2; target 0 finds source 0, target 1 finds source 0
    source = np.array([[1.0, 0.0], [0.9, 0.1]])
    target = np.array([[1.0, 0.0], [0.8, 0.6]])

    assert bitext_accuracy(source, target) == pytest.approx((1 / 2 + 1 / 2) / 2)


def test_misaligned_sides_are_refused() -> None:
    with pytest.raises(ValueError, match="aligned"):
        bitext_accuracy(np.eye(3), np.eye(4))


@pytest.mark.skipif(not TATOEBA.exists(), reason="the Tatoeba dataset (../shared/datasets/tatoeba) is not here")
def test_tatoeba_has_1000_aligned_pairs_per_language() -> None:
    bitexts = load_tatoeba(Path(TATOEBA))

    assert [b.language for b in bitexts] == ["fra", "spa", "por", "deu", "ara"]
    assert all(len(b.foreign) == len(b.english) == 1000 for b in bitexts)
