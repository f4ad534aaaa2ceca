"""Bootstrap intervals on arrays whose answer is known."""

from __future__ import annotations

import math

import numpy as np
import pytest

from matcher.evaluation.bootstrap import (
    Interval,
    mean_interval,
    ratio_interval,
    resample_indices,
    statistic_interval,
)


def test_a_constant_array_has_a_zero_width_interval_at_its_value() -> None:
    interval = mean_interval(np.full(37, 0.25))
    assert interval == Interval(0.25, 0.25, 0.25)
    assert str(interval) == "0.250 [0.250, 0.250]"


def test_a_binary_array_interval_contains_its_mean_and_narrows_with_more_queries() -> None:
    rng = np.random.default_rng(3)
    widths = []
    for n in (50, 200, 800):
        hits = (rng.random(n) < 0.3).astype(float)
        interval = mean_interval(hits, seed=1)
        assert interval.value == pytest.approx(hits.mean())
        assert interval.lo < interval.value < interval.hi
        widths.append(interval.hi - interval.lo)
    assert widths[0] > widths[1] > widths[2]
    # the normal approximation of a proportion's 95 % interval: 2 * 1.96 * sqrt(p (1 - p) / n)
    assert widths[2] == pytest.approx(2 * 1.96 * math.sqrt(0.3 * 0.7 / 800), rel=0.2)


def test_the_same_seed_gives_the_same_interval_and_resamples_have_the_asked_shape() -> None:
    values = np.random.default_rng(0).random(20)
    assert mean_interval(values, seed=5) == mean_interval(values, seed=5)
    assert mean_interval(values, seed=5) != mean_interval(values, seed=6)
    drawn = resample_indices(20, resamples=1000, seed=0)
    assert drawn.shape == (1000, 20) and drawn.min() >= 0 and drawn.max() <= 19


def test_paired_ratios_are_exact_when_one_array_is_a_multiple_of_the_other() -> None:
    base = np.random.default_rng(0).random(60)
    assert ratio_interval(2 * base, [base]) == Interval(pytest.approx(2.0), pytest.approx(2.0), pytest.approx(2.0))
    # two unrelated arrays with the same mean have a ratio around 1 with a width from the noise
    other = np.random.default_rng(1).random(60)
    unpaired = ratio_interval(other, [base])
    assert unpaired.lo < 1.0 < unpaired.hi


def test_the_best_denominator_is_picked_in_each_resample() -> None:
    weak, strong = np.full(30, 0.1), np.full(30, 0.4)
    interval = ratio_interval(np.full(30, 0.8), [weak, strong])
    assert (interval.value, interval.lo, interval.hi) == pytest.approx((2.0, 2.0, 2.0))
    assert math.isinf(ratio_interval(np.ones(5), [np.zeros(5)]).value)
    assert math.isnan(ratio_interval(np.zeros(5), [np.zeros(5)]).value)


def test_any_statistic_and_the_empty_case() -> None:
    codes = np.array([0, 0, 1, 2])

    def share_seen(positions: np.ndarray) -> float:  # distinct codes: fewer when a resample repeats queries
        return len(set(codes[positions].tolist())) / 3

    interval = statistic_interval(share_seen, 4, seed=0, bounds=(0.0, 1.0))
    assert interval.value == 1.0 and interval.hi == 1.0 and 1 / 3 <= interval.lo < 1.0
    raw = statistic_interval(share_seen, 4, seed=0)
    assert raw.hi > 1.0  # centred on the value by the bias shift, so past the bound without it
    assert math.isnan(mean_interval([]).value)
    assert mean_interval([]).to_dict() == {"value": None, "lo": None, "hi": None}
    with pytest.raises(ValueError, match="every denominator needs one value per query"):
        ratio_interval(np.ones(3), [np.ones(4)])
