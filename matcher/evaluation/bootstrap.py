"""Bootstrap confidence intervals over queries (percentile method, seeded).

A metric of a run is an average over its queries; resampling the queries with replacement shows how much it would
move on another draw of queries of the same kind. Every method of a table is scored on the *same* resamples
(:func:`resample_indices`), so differences and ratios between methods are paired: the shared difficulty of a query
cancels out instead of widening the interval.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

RESAMPLES = 1000
LEVEL = 0.95


@dataclass(frozen=True, slots=True)
class Interval:
    """A point estimate on all queries and its bootstrap confidence interval ``[lo, hi]``."""

    value: float
    lo: float
    hi: float

    def __str__(self) -> str:
        return f"{self.value:.3f} [{self.lo:.3f}, {self.hi:.3f}]"

    def to_dict(self) -> dict[str, float | None]:
        """JSON-ready: NaN (no queries) becomes None, infinities stay (``json`` writes ``Infinity``)."""
        return {
            key: None if math.isnan(v) else v for key, v in (("value", self.value), ("lo", self.lo), ("hi", self.hi))
        }

    def contains(self, value: float) -> bool:
        return self.lo <= value <= self.hi


NO_QUERIES = Interval(math.nan, math.nan, math.nan)


def resample_indices(n: int, *, resamples: int = RESAMPLES, seed: int = 0) -> np.ndarray:
    """``resamples`` rows of ``n`` query positions drawn with replacement: shape ``(resamples, n)``."""
    if resamples < 1:
        raise ValueError(f"resamples must be at least 1, got {resamples}")
    return np.random.default_rng(seed).integers(0, max(n, 1), size=(resamples, n))


def percentile_interval(value: float, statistics: np.ndarray, *, level: float = LEVEL) -> Interval:
    """``value`` with the central ``level`` share of the resampled ``statistics`` (NaNs ignored)."""
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    finite = statistics[~np.isnan(statistics)]  # may hold infinities (a ratio over 0)
    if finite.size == 0:
        return Interval(value, math.nan, math.nan)
    tail = (1 - level) / 2 * 100
    # interpolating between infinities gives NaN
    method: Literal["nearest", "linear"] = "nearest" if np.isinf(finite).any() else "linear"
    lo, hi = np.percentile(finite, [tail, 100 - tail], method=method)
    return Interval(float(value), float(lo), float(hi))


def _indices(n: int, indices: np.ndarray | None, seed: int) -> np.ndarray:
    if indices is None:
        return resample_indices(n, seed=seed)
    if indices.ndim != 2 or indices.shape[1] != n:
        raise ValueError(f"indices must have shape (resamples, {n}), got {indices.shape}")
    return indices


def mean_interval(
    values: Sequence[float] | np.ndarray, *, indices: np.ndarray | None = None, level: float = LEVEL, seed: int = 0
) -> Interval:
    """The mean of per-query ``values`` and its bootstrap interval (``indices`` from :func:`resample_indices`)."""
    array = np.asarray(values, dtype=np.float64)
    if array.size == 0:
        return NO_QUERIES
    means = array[_indices(array.size, indices, seed)].mean(axis=1)
    return percentile_interval(float(array.mean()), means, level=level)


def statistic_interval(
    statistic: Callable[[np.ndarray], float],
    n: int,
    *,
    indices: np.ndarray | None = None,
    level: float = LEVEL,
    seed: int = 0,
    bounds: tuple[float, float] | None = None,
) -> Interval:
    """Any statistic of a set of queries (``statistic(positions) -> float``), e.g. catalogue coverage.

    A statistic that is not a mean can be biased under resampling: coverage counts distinct partners, and a resample
    repeats some queries and misses others, so it sees fewer. The percentile interval is therefore shifted by the
    estimated bias (value - mean of the resamples), widened to include the value where a skewed distribution leaves
    it outside, then kept within ``bounds`` when given.
    """
    if n == 0:
        return NO_QUERIES
    drawn = _indices(n, indices, seed)
    values = np.array([statistic(row) for row in drawn], dtype=np.float64)
    value = statistic(np.arange(n))
    shifted = percentile_interval(value, values + (value - values.mean()), level=level)
    lo, hi = min(shifted.lo, value), max(shifted.hi, value)
    if bounds is not None:
        lo, hi = float(np.clip(lo, *bounds)), float(np.clip(hi, *bounds))
    return Interval(value, lo, hi)


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        undefined = np.where(numerator > 0, np.inf, np.nan)
        return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1.0), undefined)


def ratio_interval(
    numerator: Sequence[float] | np.ndarray,
    denominators: Sequence[Sequence[float] | np.ndarray],
    *,
    indices: np.ndarray | None = None,
    level: float = LEVEL,
    seed: int = 0,
) -> Interval:
    """Paired bootstrap of mean(numerator) / max over ``denominators`` of their means.

    Each array holds one value per query, in the same query order. With several denominators (e.g. all single-signal
    baselines) the best one is picked again inside every resample, so the interval also carries the luck of which
    baseline looks best. A zero denominator gives ``inf`` (``nan`` when the numerator is 0 too).
    """
    top = np.asarray(numerator, dtype=np.float64)
    bottoms = np.vstack([np.asarray(d, dtype=np.float64) for d in denominators])
    if bottoms.shape[1] != top.size:
        raise ValueError(f"every denominator needs one value per query ({top.size}), got {bottoms.shape[1]}")
    if top.size == 0:
        return NO_QUERIES
    drawn = _indices(top.size, indices, seed)
    value = _ratio(np.array(top.mean()), np.array(bottoms.mean(axis=1).max()))
    resampled = _ratio(top[drawn].mean(axis=1), bottoms[:, drawn].mean(axis=2).max(axis=0))
    return percentile_interval(float(value), resampled, level=level)
