"""What a recommendation request asks, once resolved against the catalog."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp


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
    #: TF-IDF cosine of the query with every partner profile, computed once: the lexical candidate source and the
    #: ``lexical`` feature both read it (do not modify it).
    lexical_scores: np.ndarray
    sdgs: frozenset[int] = frozenset()
    requester_id: str | None = None
    team: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()
    filters: Filters = field(default_factory=Filters)
    project_id: str | None = None
    group_id: str | None = None
    diversity: float = 0.0
