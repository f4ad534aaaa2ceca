"""What the text asks for, as soft preferences: is each candidate in a place, of a kind, speaking a language that
the query names (:mod:`matcher.understand`)?"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from matcher.catalog import Catalog

if TYPE_CHECKING:
    from matcher.understand import Understood


def asked_features(catalog: Catalog, understood: Understood, rows: np.ndarray) -> tuple[np.ndarray, ...]:
    """(``asked_place``, ``asked_kind``, ``asked_language``) of candidate ``rows``: 1 where the candidate is in one
    of the asked regions or countries, of an asked actor kind, or speaks an asked language; 0 elsewhere and for
    whatever was not asked."""
    a = catalog.attributes
    zeros = np.zeros(len(rows), dtype=np.float32)
    place = zeros
    if understood.regions or understood.countries:  # masks over the candidates only, not every partner
        place = a.place_mask(understood.regions, understood.countries, rows).astype(np.float32)
    kind = zeros
    if understood.kinds:
        kind = a.code_mask(a.kind[rows], a.kind_codes, understood.kinds).astype(np.float32)
    language = zeros
    if understood.languages:
        language = a.language_mask(understood.languages)[rows].astype(np.float32)
    return place, kind, language
