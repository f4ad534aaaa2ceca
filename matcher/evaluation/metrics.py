"""Ranking metrics for one query (``ranked`` ids, best first; ``relevant`` ids) and over a run."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence


def recall_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def ndcg_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    if not relevant:
        return 0.0
    dcg = sum(1.0 / math.log2(i + 2) for i, item in enumerate(ranked[:k]) if item in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal


def mrr(ranked: Sequence[str], relevant: set[str]) -> float:
    for i, item in enumerate(ranked):
        if item in relevant:
            return 1.0 / (i + 1)
    return 0.0


def coverage(rankings: Iterable[Sequence[str]], catalogue_size: int, k: int = 10) -> float:
    """Share of the catalogue that appears in at least one top-``k`` list."""
    if catalogue_size == 0:
        return 0.0
    seen: set[str] = set()
    for ranked in rankings:
        seen.update(ranked[:k])
    return len(seen) / catalogue_size
