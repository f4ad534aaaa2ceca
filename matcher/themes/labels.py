"""Class-based TF-IDF (c-TF-IDF): the terms that set one theme's texts apart from the other themes' texts.

Each theme's member texts are joined into one document; a term weighs ``tf(t, theme) * log(1 + A / f(t))`` where
``tf`` is the term's share of the theme's words, ``A`` the average number of words per theme and ``f(t)`` the term's
count over all themes (Grootendorst 2022, BERTopic). Terms frequent everywhere ("education", "schools") sink; terms
concentrated in one theme rise.

With several languages, ``A`` and ``f(t)`` are taken within the term's language. Otherwise a common Spanish word
("escuelas") looks distinctive of whichever theme holds most of the Spanish texts, only because it is rare overall.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.utils.validation import check_is_fitted

TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W_]+\b"


class ClassTfidf(BaseEstimator):  # type: ignore[misc]
    """Fit on texts and their class ids; ``top_terms(cls)`` gives the class's distinctive terms, best first."""

    def __init__(self, *, stop_words: Sequence[str] = (), ngram_range: tuple[int, int] = (1, 2), min_df: int = 2):
        self.stop_words = stop_words
        self.ngram_range = ngram_range
        self.min_df = min_df

    def fit(
        self, texts: Sequence[str], classes: Sequence[int], *, languages: Sequence[str | None] | None = None
    ) -> ClassTfidf:
        """``languages`` (one ISO code or None per text) makes the idf part per language; None: one language."""
        if len(texts) != len(classes) or (languages is not None and len(languages) != len(texts)):
            raise ValueError(
                f"got {len(texts)} texts, {len(classes)} class ids and {len(languages or texts)} languages; "
                "give one class id (and one language) per text"
            )
        self.classes_ = np.array(sorted(set(classes)), dtype=np.int64)
        counts = self._counts(list(texts), min(self.min_df, len(texts)))
        position = {int(c): i for i, c in enumerate(self.classes_)}
        member = sp.csr_matrix(
            (np.ones(len(classes)), ([position[int(c)] for c in classes], np.arange(len(classes)))),
            shape=(len(self.classes_), len(texts)),
        )
        per_class = np.asarray((member @ counts).todense(), dtype=np.float64)  # classes x terms
        words = per_class.sum(axis=1, keepdims=True)
        tf = per_class / np.maximum(words, 1.0)
        self.scores_ = tf * _idf(counts, languages, len(self.classes_))
        return self

    def _counts(self, texts: list[str], min_df: int) -> sp.csr_matrix:
        for threshold in dict.fromkeys((min_df, 1)):
            self.vectorizer_ = CountVectorizer(
                ngram_range=self.ngram_range,
                stop_words=list(self.stop_words) or None,
                strip_accents="unicode",
                lowercase=True,
                token_pattern=TOKEN_PATTERN,
                min_df=threshold,
            )
            try:
                counts = self.vectorizer_.fit_transform(texts)
            except ValueError:  # no term survives the stop words and min_df
                continue
            self.terms_ = self.vectorizer_.get_feature_names_out()
            return sp.csr_matrix(counts)
        self.terms_ = np.array([], dtype=object)
        return sp.csr_matrix((len(texts), 0))

    def top_terms(self, cls: int, n: int = 10) -> list[tuple[str, float]]:
        """The ``n`` best terms of class ``cls`` with their scores, read as a label.

        A term a better one already says is skipped ("reef" after "reefs", "ocean" after "ocean literacy"); a phrase
        takes the place of the single words it joins ("lifelong learning" replaces "learning" and "lifelong").
        """
        check_is_fitted(self, "scores_")
        matches = np.flatnonzero(self.classes_ == cls)
        if matches.size == 0:
            raise KeyError(f"class {cls} was not in the fitted classes {self.classes_.tolist()}")
        row = self.scores_[matches[0]]
        order = np.lexsort((self.terms_, -row))  # score desc, then term: deterministic ties
        picked: list[tuple[str, float]] = []
        for j in order.tolist():
            if row[j] <= 0 or len(picked) == n:
                break
            term, score = str(self.terms_[j]), round(float(row[j]), 6)
            if any(_covers(other, term) for other, _ in picked):
                continue
            words = set(term.split())
            joined = [i for i, (other, _) in enumerate(picked) if " " not in other and other in words]
            if len(words) > 1 and joined:
                score = max(score, *(picked[i][1] for i in joined))
                picked[joined[0]] = (term, score)
                picked = [p for i, p in enumerate(picked) if i not in joined[1:]]
                continue
            picked.append((term, score))
        return picked


def _idf(counts: sp.csr_matrix, languages: Sequence[str | None] | None, n_classes: int) -> np.ndarray:
    """``log(1 + A / f(t))`` with the average words per class ``A`` and the term count ``f(t)`` of the term's language
    (the language whose texts use it most); texts of unknown language count with the most common language."""
    if counts.shape[1] == 0:
        return np.zeros(0)
    known = [lang for lang in languages or () if lang]
    common = max(sorted(set(known)), key=known.count) if known else "*"
    langs = np.array([lang or common for lang in (languages or [common] * counts.shape[0])], dtype=object)
    names = sorted(set(langs.tolist()))
    per_language = np.vstack([np.asarray(counts[langs == lang].sum(axis=0), dtype=np.float64) for lang in names])
    own = np.argmax(per_language, axis=0)  # each term's language
    average = per_language.sum(axis=1) / max(n_classes, 1)
    frequency = per_language[own, np.arange(per_language.shape[1])]
    return np.log1p(average[own] / np.maximum(frequency, 1.0))  # type: ignore[no-any-return]


def _covers(picked: str, term: str) -> bool:
    """Whether ``picked`` already says ``term``: shared words, or one a plural-like extension of the other."""
    a, b = picked.split(), term.split()
    if set(b) <= set(a) or (set(a) <= set(b) and len(a) == len(b)):
        return True
    return (
        len(a) == len(b) == 1 and (a[0].startswith(b[0]) or b[0].startswith(a[0])) and abs(len(a[0]) - len(b[0])) <= 2
    )


def label_from_terms(terms: Sequence[str], n: int = 3) -> str:
    """A short human label from the top terms: 'ocean literacy, coral reefs, mangroves'."""
    return ", ".join(terms[:n]) if terms else "unlabelled"
