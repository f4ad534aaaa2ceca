import math

import pytest

from matcher.evaluation.metrics import coverage, mrr, ndcg_at, recall_at


def test_recall_counts_relevant_items_in_the_top_k() -> None:
    assert recall_at(["a", "b", "c", "d"], {"b", "d", "z"}, 2) == pytest.approx(1 / 3)
    assert recall_at(["a", "b", "c", "d"], {"b", "d", "z"}, 4) == pytest.approx(2 / 3)
    assert recall_at(["a"], set(), 10) == 0.0


def test_ndcg_is_one_for_a_perfect_ranking_and_discounts_late_hits() -> None:
    assert ndcg_at(["a", "b", "c"], {"a", "b"}, 10) == pytest.approx(1.0)
    expected = (1 / math.log2(3)) / (1 + 1 / math.log2(3))
    assert ndcg_at(["x", "a", "c"], {"a", "b"}, 10) == pytest.approx(expected)


def test_mrr_is_the_inverse_rank_of_the_first_hit() -> None:
    assert mrr(["x", "y", "a"], {"a"}) == pytest.approx(1 / 3)
    assert mrr(["x"], {"a"}) == 0.0


def test_coverage_is_the_share_of_the_catalogue_in_some_top_k() -> None:
    assert coverage([["a", "b"], ["b", "c"]], catalogue_size=10, k=2) == pytest.approx(0.3)
    assert coverage([["a", "b", "c"]], catalogue_size=4, k=1) == pytest.approx(0.25)
