"""What a recommendation request asks, once resolved against the catalog."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    from matcher.catalog import Catalog
    from matcher.ranking.bridge import LexicalBridge
    from matcher.ranking.similar import SimilarProjects
    from matcher.understand import Understood


@dataclass(frozen=True, slots=True)
class Filters:
    """Hard filters on suggested partners; an empty list means no filter."""

    countries: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()  # UN M49 region codes ("011" Western Africa, "419" Latin America, ...)
    types: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    sdgs: frozenset[int] = frozenset()
    themes: frozenset[int] = frozenset()  # theme ids (matcher.themes); needs the recommender's themes

    @property
    def active(self) -> bool:
        return bool(self.countries or self.regions or self.types or self.languages or self.sdgs or self.themes)


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
    #: what the text asks for (regions, countries, kinds, languages, SDGs), see :mod:`matcher.understand`
    understood: Understood | None = None
    #: the detected language of the text (ISO 639-1), None when unknown
    language: str | None = None
    #: the vector searched in the dense indexes and compared with past projects and histories when it differs from
    #: ``vector`` (a query not in English: its multilingual block only, see ``Recommender.resolve``)
    search_vector: np.ndarray | None = None
    #: the query's similarity with the past projects (TF-IDF with each, dense from their index), None without any
    projects: SimilarProjects | None = None
    #: random walk with restart from the requester and team over the partner-project graph (a score per partner row)
    walk: np.ndarray | None = None
    #: the lexical features of partners writing in another language than the text, from their multilingual cosine
    #: (:class:`~matcher.ranking.bridge.LexicalBridge`); None: left as they are
    lexical_bridge: LexicalBridge | None = None

    @property
    def comparison_vector(self) -> np.ndarray:
        """The vector compared with the catalogue's: ``search_vector`` when set, else ``vector``."""
        return self.search_vector if self.search_vector is not None else self.vector

    @property
    def project_lexical(self) -> np.ndarray | None:
        """TF-IDF cosine of the query with every past project (None without project similarities)."""
        return self.projects.lexical if self.projects is not None else None

    def similar_projects(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` past projects most similar to the query (TF-IDF plus dense cosine), best first, with their
        similarity; empty without project similarities. Who did this kind of work: a candidate source and the
        ``project_vote`` feature (:class:`~matcher.ranking.similar.SimilarProjects`)."""
        if self.projects is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        return self.projects.top(k)

    def anchor_rows(self, catalog: Catalog) -> list[int]:
        """Catalogue rows of the requester and the team: where collaboration-graph signals start."""
        anchors = sorted(str(a) for a in {self.requester_id, *self.team} - {None})
        return [catalog.partner_pos[a] for a in anchors if a in catalog.partner_pos]
