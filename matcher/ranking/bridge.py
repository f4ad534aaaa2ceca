"""A request and a partner written in different languages share almost no words, so their TF-IDF cosine says nothing
about how well they match; a ranker that weighs words then demotes every partner writing in another language than the
request. The bridge gives those pairs at least the TF-IDF cosine that a pair in one language with the same
*multilingual* cosine has on average in this catalogue (a floor: their own shared words, e.g. through past projects
written in the request's language, still count when they say more), so the lexical features keep their meaning
across languages.

It is fitted on the catalogue itself: past projects (as requests) against a sample of partners, the pairs written in
the same language, the mean TF-IDF cosine per quantile bin of the multilingual cosine, made non-decreasing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.isotonic import IsotonicRegression

from matcher.catalog import Catalog
from matcher.understand import written_language


@dataclass(frozen=True, slots=True)
class LexicalBridge:
    """A non-decreasing map from the multilingual cosine to the expected TF-IDF cosine (linear between knots)."""

    knots: np.ndarray
    values: np.ndarray
    pairs: int = 0  # how many same-language pairs it was fitted on

    def __call__(self, cosines: np.ndarray) -> np.ndarray:
        return np.interp(np.asarray(cosines, dtype=np.float64), self.knots, self.values).astype(np.float32)

    @staticmethod
    def fit(
        catalog: Catalog,
        multilingual: tuple[int, int],
        scale: float,
        *,
        projects: int = 300,
        partners: int = 3000,
        bins: int = 40,
        min_pairs: int = 200,
        seed: int = 0,
    ) -> LexicalBridge | None:
        """Fit on up to ``projects`` past projects x ``partners`` partners (seeded samples); ``multilingual`` is the
        multilingual block's column range and ``scale`` each block's scale in the vectors. None without enough
        same-language pairs (fewer than ``min_pairs``) or without projects."""
        n_projects, n_partners = len(catalog.projects), len(catalog.partners)
        if n_projects == 0 or n_partners == 0:
            return None
        rng = np.random.default_rng(seed)
        p = np.sort(rng.choice(n_projects, min(projects, n_projects), replace=False))
        r = np.sort(rng.choice(n_partners, min(partners, n_partners), replace=False))
        m0, m1 = multilingual
        cosine = (catalog.project_vectors[p, m0:m1] @ catalog.partner_vectors[r, m0:m1].T) / scale**2
        profiles = catalog.lexical.columns_.tocsr()[r]
        lexical = np.asarray((catalog.project_terms[p] @ profiles.T).todense(), dtype=np.float64)
        project_language = np.array([written_language(catalog.projects[i].text) or "" for i in p.tolist()])
        partner_language = catalog.text_languages(r)
        same = (project_language[:, None] == partner_language[None, :]) & (project_language[:, None] != "")
        x, y = cosine[same].astype(np.float64), lexical[same]
        if x.size < min_pairs:
            return None
        edges = np.unique(np.quantile(x, np.linspace(0, 1, bins + 1)))
        which = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, len(edges) - 2)
        counts = np.bincount(which, minlength=len(edges) - 1)
        keep = counts > 0
        centres = np.bincount(which, weights=x, minlength=len(edges) - 1)[keep] / counts[keep]
        means = np.bincount(which, weights=y, minlength=len(edges) - 1)[keep] / counts[keep]
        monotone = IsotonicRegression(increasing=True).fit(centres, means, sample_weight=counts[keep])
        return LexicalBridge(centres, monotone.predict(centres), int(x.size))
