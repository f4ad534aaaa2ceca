"""A query's candidates scored but not yet explained: what the ranking step hands to the explaining step."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matcher.ranking.query import ResolvedQuery


@dataclass(frozen=True, slots=True)
class ScoredCandidates:
    """Steps 2-4 of a query: its candidate ``rows`` (catalog positions), their ``features``, each feature's
    ``contributions`` to the score, the ``scores``, and ``order``: positions of ``rows``, best first (stable: ties
    keep the candidates' order). Explaining (reasons, shared terms) is left to the rows someone will see."""

    query: ResolvedQuery
    rows: np.ndarray
    features: np.ndarray
    contributions: np.ndarray
    scores: np.ndarray
    order: np.ndarray

    def __len__(self) -> int:
        return len(self.rows)

    def score_at(self, position: int) -> float:
        """The score of the candidate at ``position``, rounded as a shown match's score is."""
        return round(float(self.scores[position]), 4)
