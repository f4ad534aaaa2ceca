"""Themes: clusters of partners and projects with stable ids and labels from their distinctive terms.

``ThemeModel().fit(corpus, previous=old)`` reads as its steps:

1. put the documents in canonical order (by key), so that the input order cannot change the result, and subtract each
   language's mean vector (``centering.py``) so that themes gather what texts are about, not the language they are in;
2. cluster the unit vectors: KMeans with k chosen by the best mean silhouette (default), or HDBSCAN;
3. mark noise: HDBSCAN's own, or KMeans members unusually far from their centroid (below the Tukey fence
   ``Q1 - fence * IQR`` of their cluster's similarities) - noise does not shape the centroids;
4. assign every document, noise included, to its nearest centroid when the cosine reaches ``min_similarity``; the rest
   are outliers (theme ``-1``) and ``outlier_rate_`` reports their share;
5. number the themes: inherit ids from ``previous`` by centroid similarity, else largest theme first;
6. label each theme with its c-TF-IDF terms, using the stop words of the languages found in the texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.cluster import HDBSCAN
from sklearn.utils.validation import check_is_fitted

from matcher.embedding.base import normalize_rows
from matcher.themes.centering import LanguageCentering
from matcher.themes.corpus import ThemeCorpus
from matcher.themes.labels import ClassTfidf, label_from_terms
from matcher.themes.matching import match_ids
from matcher.themes.selection import KChoice, candidate_ks, choose_k, kmeans
from matcher.themes.stopwords import detect_language, stop_words_for

OUTLIER = -1


@dataclass(frozen=True, slots=True)
class Theme:
    """One theme as analysts and the API see it."""

    id: int
    label: str
    terms: tuple[str, ...]
    scores: tuple[float, ...]
    size: int
    partners: int
    projects: int


class ThemeModel(BaseEstimator):  # type: ignore[misc]
    """Fits themes on a :class:`~matcher.themes.corpus.ThemeCorpus`; see the module docstring for the steps."""

    # learned in fit (declared for type checkers; set only by fit or persist.load)
    themes_: list[Theme]
    theme_ids_: np.ndarray
    centroids_: np.ndarray
    labels_: np.ndarray
    similarity_: np.ndarray
    assignments_: dict[str, int]
    next_id_: int
    noise_rate_: float
    outlier_rate_: float
    selection_: KChoice | None
    centering_: LanguageCentering | None
    embedding_: np.ndarray
    languages_: list[str]
    lineage_: dict[str, list[int]]
    space_: str | None
    corpus_: ThemeCorpus

    def __init__(
        self,
        *,
        method: Literal["kmeans", "hdbscan"] = "kmeans",
        n_themes: int | Literal["auto"] = "auto",
        k_range: tuple[int, int] = (2, 20),
        min_theme_size: int = 5,
        min_similarity: float = 0.2,
        outlier_fence: float = 1.5,
        match_similarity: float = 0.5,
        center_languages: bool = True,
        n_terms: int = 10,
        random_state: int = 0,
    ) -> None:
        self.method = method
        self.n_themes = n_themes
        self.k_range = k_range
        self.min_theme_size = min_theme_size
        self.min_similarity = min_similarity
        self.outlier_fence = outlier_fence
        self.match_similarity = match_similarity
        self.center_languages = center_languages
        self.n_terms = n_terms
        self.random_state = random_state

    # -- fitting --------------------------------------------------------------------------------------------------
    def fit(self, corpus: ThemeCorpus, y: None = None, *, previous: ThemeModel | None = None) -> ThemeModel:
        self._check_params(len(corpus))
        keys = corpus.keys
        order = np.array(sorted(range(len(keys)), key=keys.__getitem__), dtype=np.int64)
        languages = [detect_language(t) for t in corpus.texts]
        self.centering_ = LanguageCentering().fit(corpus.vectors, languages) if self.center_languages else None
        self.embedding_ = self._embed(corpus.vectors, languages)
        vectors = self.embedding_[order]
        raw, self.selection_ = self._cluster(vectors)
        raw = self._mark_noise(vectors, raw)
        clusters = sorted(set(raw.tolist()) - {OUTLIER})
        centroids = normalize_rows(np.stack([vectors[raw == c].mean(axis=0) for c in clusters]))
        labels, similarity = _nearest(vectors, centroids, np.arange(len(clusters)), self.min_similarity)
        while 0 < len(kept := np.unique(labels[labels != OUTLIER])) < len(centroids):
            # a cluster whose documents all sit nearer another theme (or too far from all) is no theme
            centroids = centroids[kept]
            labels, similarity = _nearest(vectors, centroids, np.arange(len(kept)), self.min_similarity)
        # canonical order: largest theme first, ties by the first member in key order
        canonical = sorted(
            range(len(centroids)), key=lambda c: (-int((labels == c).sum()), int(np.argmax(labels == c)))
        )
        rank = np.empty(len(canonical), dtype=np.int64)
        rank[canonical] = np.arange(len(canonical))
        centroids = centroids[canonical]
        labels = np.where(labels == OUTLIER, OUTLIER, rank[np.maximum(labels, 0)])

        if previous is not None and not compatible(previous, corpus):
            previous = None
        if previous is not None:
            ids, self.next_id_ = match_ids(
                centroids,
                previous.centroids_,
                previous.theme_ids_.tolist(),
                next_id=previous.next_id_,
                min_similarity=self.match_similarity,
            )
        else:
            ids, self.next_id_ = list(range(len(clusters))), len(clusters)
        id_of = np.array(ids, dtype=np.int64)
        labels = np.where(labels == OUTLIER, OUTLIER, id_of[np.maximum(labels, 0)])

        by_id = np.argsort(id_of, kind="stable")
        self.theme_ids_ = id_of[by_id]
        self.centroids_ = centroids[by_id]
        unsort = np.empty_like(order)
        unsort[order] = np.arange(len(order))
        self.labels_ = labels[unsort]
        self.similarity_ = similarity[unsort]
        self.assignments_ = dict(zip(keys, self.labels_.tolist(), strict=True))
        self.noise_rate_ = float((raw == OUTLIER).mean())
        self.outlier_rate_ = float((labels == OUTLIER).mean())
        self.space_ = corpus.space
        self.corpus_ = corpus
        self.languages_ = sorted({lang for lang in languages if lang} | {"en"}, key=lambda x: (x != "en", x))
        self.themes_ = self._describe(corpus, languages)
        old = set(previous.theme_ids_.tolist()) if previous is not None else set()
        self.lineage_ = {
            "kept": sorted(old & set(ids)),
            "new": sorted(set(ids) - old),
            "retired": sorted(old - set(ids)),
        }
        return self

    def _check_params(self, n: int) -> None:
        if self.method not in ("kmeans", "hdbscan"):
            raise ValueError(f"method={self.method!r} is not supported; use 'kmeans' or 'hdbscan'")
        if self.n_themes != "auto" and (not isinstance(self.n_themes, int) or self.n_themes < 1):
            raise ValueError(f"n_themes={self.n_themes!r}: give 'auto' or a whole number >= 1")
        if not 0.0 <= self.min_similarity <= 1.0:
            raise ValueError(f"min_similarity={self.min_similarity} must lie in [0, 1] (a cosine similarity)")
        if n < 3:
            raise ValueError(f"themes need at least 3 documents; the corpus has {n}. Import partners first.")

    def _cluster(self, vectors: np.ndarray) -> tuple[np.ndarray, KChoice | None]:
        if self.method == "hdbscan":
            clusterer = HDBSCAN(min_cluster_size=self.min_theme_size, metric="euclidean", copy=True)
            raw = clusterer.fit_predict(vectors)
            if (raw == OUTLIER).all():
                raise ValueError(
                    f"HDBSCAN found no theme of at least min_theme_size={self.min_theme_size} documents; lower it, "
                    "or use method='kmeans'"
                )
            return raw, None
        if self.n_themes != "auto":
            k = min(int(self.n_themes), len(vectors))
            return kmeans(vectors, k, random_state=self.random_state), None
        ks = candidate_ks(len(vectors), k_min=self.k_range[0], k_max=self.k_range[1], min_size=self.min_theme_size)
        if not ks:
            return np.zeros(len(vectors), dtype=np.int64), None
        choice = choose_k(vectors, ks, random_state=self.random_state)
        assert choice.labels is not None
        return choice.labels, choice

    def _mark_noise(self, vectors: np.ndarray, raw: np.ndarray) -> np.ndarray:
        """KMeans has no noise of its own: call noise the members below their cluster's Tukey fence."""
        if self.method != "kmeans":
            return raw
        out = raw.copy()
        for c in set(raw.tolist()):
            members = np.flatnonzero(raw == c)
            if len(members) < 4:
                continue
            centroid = normalize_rows(vectors[members].mean(axis=0))[0]
            sims = vectors[members] @ centroid
            q1, q3 = np.percentile(sims, [25, 75])
            far = members[sims < q1 - self.outlier_fence * (q3 - q1)]
            out[far] = OUTLIER
        return out

    def _embed(self, vectors: np.ndarray, languages: Sequence[str | None] | None) -> np.ndarray:
        if self.centering_ is None:
            return normalize_rows(vectors)
        return self.centering_.transform(vectors, languages)

    def _describe(self, corpus: ThemeCorpus, languages: list[str | None]) -> list[Theme]:
        labelled = np.flatnonzero(self.labels_ != OUTLIER).tolist()
        ctfidf = ClassTfidf(stop_words=stop_words_for(self.languages_)).fit(
            [corpus.texts[i] for i in labelled],
            self.labels_[labelled].tolist(),
            languages=[languages[i] for i in labelled],
        )
        kinds = corpus.frame["kind"].to_numpy()
        themes = []
        for theme_id in self.theme_ids_.tolist():
            members = self.labels_ == theme_id
            top = ctfidf.top_terms(theme_id, self.n_terms) if members.any() else []
            terms = tuple(t for t, _ in top)
            themes.append(
                Theme(
                    id=theme_id,
                    label=label_from_terms(terms),
                    terms=terms,
                    scores=tuple(s for _, s in top),
                    size=int(members.sum()),
                    partners=int((members & (kinds == "partner")).sum()),
                    projects=int((members & (kinds == "project")).sum()),
                )
            )
        return themes

    # -- using a fitted model -------------------------------------------------------------------------------------
    def embed(self, vectors: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        """Embedding vectors in the themes' space (language-centred with the language of ``texts``, when given)."""
        check_is_fitted(self, "centroids_")
        languages = None if texts is None else [detect_language(t) for t in texts]
        return self._embed(np.asarray(vectors, dtype=np.float32), languages)

    def similarities(self, vectors: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        """Cosine of each vector with each theme centroid, columns in ``theme_ids_`` order; see :meth:`embed`."""
        return self.embed(vectors, texts) @ self.centroids_.T  # type: ignore[no-any-return]

    def predict(self, vectors: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        """Theme id of each vector: the nearest theme when its cosine reaches ``min_similarity``, else -1.

        Give the ``texts`` the vectors embed, so that their language offset is removed as in the fit.
        """
        labels, _ = _nearest(self.embed(vectors, texts), self.centroids_, self.theme_ids_, self.min_similarity)
        return labels

    def theme(self, theme_id: int) -> Theme:
        check_is_fitted(self, "themes_")
        for theme in self.themes_:
            if theme.id == theme_id:
                return theme
        raise KeyError(f"no theme with id {theme_id}; the ids are {[t.id for t in self.themes_]}")

    @property
    def n_themes_(self) -> int:
        check_is_fitted(self, "themes_")
        return len(self.themes_)


def _nearest(
    vectors: np.ndarray, centroids: np.ndarray, ids: np.ndarray, min_similarity: float
) -> tuple[np.ndarray, np.ndarray]:
    if len(centroids) == 0:
        return np.full(len(vectors), OUTLIER, dtype=np.int64), np.zeros(len(vectors), dtype=np.float32)
    sims = vectors @ centroids.T
    best = np.argmax(sims, axis=1)
    similarity = sims[np.arange(len(vectors)), best].astype(np.float32)
    labels = np.where(similarity >= min_similarity - 1e-6, np.asarray(ids)[best], OUTLIER).astype(np.int64)
    return labels, similarity


def compatible(model: ThemeModel, corpus: ThemeCorpus) -> bool:
    """Whether ``model``'s centroids live in the same vector space as ``corpus`` (same model and dimension)."""
    check_is_fitted(model, "centroids_")
    same_dim = model.centroids_.shape[1] == corpus.vectors.shape[1] if len(model.centroids_) else True
    return bool(same_dim and model.space_ == corpus.space)
