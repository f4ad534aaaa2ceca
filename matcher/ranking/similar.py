"""The past projects most similar to a query: who did this kind of work (a candidate source and the ``project_vote``
feature).

A project's similarity is its TF-IDF cosine with the query plus its dense cosine. The TF-IDF cosines of every
project are cheap (a sparse product over the query's terms only, :meth:`~matcher.catalog.Catalog.project_lexical`).
The dense ones are exact, the query times every past project's vector, while the past projects' index is exact
(flat: up to ``MATCHER_INDEX_THRESHOLD`` projects, as for the partners); above, where the index is HNSW, that product
would stream every vector through the CPU for each request (64 MB at 100k partners and 18k projects: ~4 ms, and ~2 ms
more for the encoders that ran next, whose weights it had pushed out of the caches), so the candidates are the union
of the index's ``depth`` nearest projects and TF-IDF's ``depth`` best, scored exactly: approximate, like the HNSW
partner indexes above the same threshold (docs/performance.md: 97% of the exhaustive top 30 at 100k partners).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from matcher.catalog import rows_of
from matcher.index.base import SEARCH_DEPTH
from matcher.index.factory import kind_of
from matcher.lexical import top_positive

if TYPE_CHECKING:
    from matcher.catalog import Catalog
    from matcher.index.base import VectorIndex

#: How deep the approximate search reads each list: at least this many projects, and this many times those asked for.
MIN_DEPTH = SEARCH_DEPTH
DEPTH_PER_PROJECT = 4


@dataclass(slots=True)
class SimilarProjects:
    """One query's similarities with the past projects: ``lexical`` (TF-IDF cosine with every project, by column)
    and the dense cosines with the query's comparison ``vector``; ``index`` holds the past projects by id (None, or
    an exact index: every project's vector is read)."""

    catalog: Catalog
    index: VectorIndex | None
    vector: np.ndarray
    lexical: np.ndarray
    _top: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)

    def dense(self, cols: np.ndarray) -> np.ndarray:
        """The dense cosine of the query with the past projects at columns ``cols`` (only their vectors are read)."""
        cols = np.asarray(cols, dtype=np.int64)
        if not len(cols):
            return np.zeros(0, dtype=np.float32)
        return np.asarray(self.catalog.project_vectors[cols] @ self.vector, dtype=np.float32)

    def top(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` past projects most similar to the query (TF-IDF plus dense cosine, positive only), best first,
        with their similarity (see the module: exact while the index is)."""
        found = self._top.get(k)
        if found is None:
            found = self._top[k] = self._search(k)
        return found

    def _search(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        n = len(self.lexical)
        if k <= 0 or n == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        depth = max(DEPTH_PER_PROJECT * k, MIN_DEPTH)
        if self.index is None or kind_of(self.index) == "flat" or depth >= n:
            similarity = self.lexical + np.asarray(self.catalog.project_vectors @ self.vector, dtype=np.float32)
            cols = top_positive(similarity, k)
            return cols, similarity[cols].astype(np.float32)
        candidates = self._union(depth)
        similarity = self.lexical[candidates] + self.dense(candidates)
        best = top_positive(similarity, k)
        return candidates[best], similarity[best].astype(np.float32)

    def _union(self, depth: int) -> np.ndarray:
        """The projects among the ``depth`` nearest in the index or the ``depth`` best by TF-IDF."""
        assert self.index is not None
        _, ids = self.index.search(self.vector[None, :], depth)
        dense_cols = rows_of(self.catalog.project_pos, ids[0])
        return np.union1d(dense_cols[dense_cols >= 0], top_positive(self.lexical, depth))
