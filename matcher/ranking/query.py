"""What a recommendation request asks, once resolved against the catalog."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    from matcher.lexical import LexicalModel


@dataclass(frozen=True, slots=True)
class Filters:
    """Hard filters on suggested partners; an empty list means no filter."""

    countries: frozenset[str] = frozenset()
    types: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    sdgs: frozenset[int] = frozenset()
    themes: frozenset[int] = frozenset()  # theme ids (matcher.themes); needs the recommender's themes

    @property
    def active(self) -> bool:
        return bool(self.countries or self.types or self.languages or self.sdgs or self.themes)


@dataclass(slots=True)
class ResolvedQuery:
    """A request turned into vectors and sets: the input of candidate generation and features."""

    text: str
    vector: np.ndarray
    terms: sp.csr_matrix
    sdgs: frozenset[int] = frozenset()
    requester_id: str | None = None
    team: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()
    filters: Filters = field(default_factory=Filters)
    project_id: str | None = None
    group_id: str | None = None
    diversity: float = 0.0
    _lexical: tuple[LexicalModel, np.ndarray] | None = field(default=None, repr=False, compare=False)

    def lexical_scores(self, lexical: LexicalModel) -> np.ndarray:
        """TF-IDF cosine of the query with every document of ``lexical``: computed once, then shared by the
        lexical candidate source and the ``lexical`` feature (do not modify the array)."""
        if self._lexical is None or self._lexical[0] is not lexical:
            self._lexical = (lexical, lexical.scores(self.terms))
        return self._lexical[1]
