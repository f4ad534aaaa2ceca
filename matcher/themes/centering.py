"""Take the language out of the vectors before clustering them.

An English-centred encoder (all-MiniLM-L6-v2) puts French and Spanish texts near each other whatever they are about: on
the sample alliance, KMeans with k=2 splits English from French/Spanish. Subtracting each language's mean vector (and
re-normalising) removes that offset and keeps what the texts are about (Libovický et al. 2020, "On the language
neutrality of pre-trained multilingual representations"). A language with too few documents for a reliable mean, or
a text whose language is not recognised, is centred with the mean of all documents.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from matcher.embedding.base import normalize_rows

ANY = "*"


class LanguageCentering(BaseEstimator):  # type: ignore[misc]
    """``fit(vectors, languages)`` learns a mean per language; ``transform`` subtracts it and re-normalises."""

    def __init__(self, *, min_documents: int = 5) -> None:
        self.min_documents = min_documents

    def fit(self, vectors: np.ndarray, languages: Sequence[str | None]) -> LanguageCentering:
        vectors = np.asarray(vectors, dtype=np.float32)
        if len(vectors) != len(languages):
            raise ValueError(f"got {len(vectors)} vectors but {len(languages)} languages; give one per vector")
        langs = np.array([lang or ANY for lang in languages], dtype=object)
        self.means_: dict[str, np.ndarray] = {ANY: vectors.mean(axis=0) if len(vectors) else np.zeros(0)}
        for lang in sorted(set(langs.tolist()) - {ANY}):
            rows = langs == lang
            if rows.sum() >= self.min_documents:
                self.means_[lang] = vectors[rows].mean(axis=0)
        return self

    def transform(self, vectors: np.ndarray, languages: Sequence[str | None] | None = None) -> np.ndarray:
        """Centred unit vectors; without ``languages`` every vector is centred with the overall mean."""
        check_is_fitted(self, "means_")
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim == 1:
            vectors = vectors[None, :]
        langs = [None] * len(vectors) if languages is None else list(languages)
        offsets = np.stack([self.means_.get(lang or ANY, self.means_[ANY]) for lang in langs]) if len(langs) else 0.0
        return normalize_rows(vectors - offsets)

    @property
    def languages_(self) -> list[str]:
        check_is_fitted(self, "means_")
        return sorted(lang for lang in self.means_ if lang != ANY)
