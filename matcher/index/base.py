"""The vector index interface: string ids, unit vectors, inner-product search."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

#: How many ids a request asks an index for: the candidate depth of each source
#: (:class:`~matcher.ranking.candidates.CandidateGenerator`) and the least depth of the similar past projects
#: (:class:`~matcher.ranking.similar.SimilarProjects`). The request scores them again exactly from the catalogue's
#: vectors, so an index serves well when the true top-10 is among the ids it returns at this depth, in any order:
#: an approximate index's recall@10 is measured at it (:func:`~matcher.index.recall.estimate_recall`).
SEARCH_DEPTH = 200


class VectorIndex(Protocol):
    """A searchable set of (id, vector) pairs. Scores are inner products (cosine for unit vectors)."""

    kind: str
    dim: int
    #: Recall@10 against exact search, measured when the index was built (1.0 for exact search, None if unknown):
    #: the share of the true top-10 among the ids a search at :data:`SEARCH_DEPTH` returns.
    recall_at_10: float | None

    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        """Add or replace the vectors of ``ids``."""
        ...

    def remove(self, ids: Sequence[str]) -> int:
        """Remove ``ids`` (unknown ids are ignored); return how many were removed."""
        ...

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, list[list[str]]]:
        """Top-``k`` per query row: a score array of shape (n, <=k) and the matching ids, best first."""
        ...

    def ids(self) -> list[str]:
        """Every id in the index."""
        ...

    def save(self, path: Path) -> None:
        """Write the index to ``path`` atomically."""
        ...

    def count(self) -> int: ...

    def nbytes(self) -> dict[str, int]:
        """Memory the index holds, by part (``vectors``: its copy of the vectors; ``graph``, ``ids``: the rest)."""
        ...

    def describe(self) -> dict[str, Any]:
        """What ``matcher status`` and the health check show: kind, vectors, recall@10 and kind-specific settings."""
        ...
