"""Step 6 of the query pipeline: diversity. Maximal marginal relevance over actor kinds and regions."""

from __future__ import annotations

import numpy as np

from matcher.catalog import Catalog


def mmr_order(
    catalog: Catalog, rows: np.ndarray, scores: np.ndarray, order: np.ndarray, k: int, weight: float
) -> np.ndarray:
    """``order`` re-ranked so that the first ``k`` penalise candidates whose actor kind or region is already picked
    (``weight`` 0..1 scales the penalty against the spread of the top scores); the rest keep their order."""
    pool = order[: max(5 * k, 50)].tolist()
    spread = float(scores[pool[0]] - scores[pool[-1]]) or 1.0
    picked: list[int] = []
    kinds: dict[str | None, int] = {}
    regions: dict[str | None, int] = {}
    while pool and len(picked) < k:

        def adjusted(i: int) -> float:
            row = int(rows[i])
            redundancy = kinds.get(catalog.partners[row].type, 0) + regions.get(catalog.regions[row], 0)
            return float(scores[i]) - weight * spread * 0.5 * redundancy

        best = max(pool, key=adjusted)
        pool.remove(best)
        picked.append(best)
        row = int(rows[best])
        kinds[catalog.partners[row].type] = kinds.get(catalog.partners[row].type, 0) + 1
        regions[catalog.regions[row]] = regions.get(catalog.regions[row], 0) + 1
    chosen = set(picked)
    return np.asarray(picked + [i for i in order.tolist() if i not in chosen], dtype=np.int64)
