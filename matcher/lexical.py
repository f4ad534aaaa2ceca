"""Lexical (TF-IDF) similarity over partner profiles, with the key terms that explain a match."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from functools import lru_cache
from itertools import pairwise

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from matcher.understand.language import detect_language
from matcher.understand.stopwords import all_stop_words, shared_stop_words, stop_words
from matcher.understand.text import fold

_TOKEN = re.compile(r"(?u)\b[^\W\d_][^\W_]+\b")


@lru_cache(maxsize=16)
def dropped_words(language: str | None) -> frozenset[str]:
    """The words a text in ``language`` (None: unknown) loses before TF-IDF: its own stop words and the shared ones."""
    return shared_stop_words() | stop_words(language) if language else shared_stop_words()


class Analyzer:
    """Terms of a text for TF-IDF: folded words (lower-case, no accents) of two or more letters, without the stop
    words of the text's own language (detected from its function words) nor those shared by languages or English
    ("de", "la", "the"), then unigrams and bigrams of what is left ("climate and education" -> "climate education").

    A French text loses "pour" and "dans"; an English one keeps "sea" (a Spanish stop word only), so function words
    never match across languages while the words of the text's own language keep their meaning."""

    def __call__(self, text: str) -> list[str]:
        drop = dropped_words(detect_language(text))
        words = [w for w in _TOKEN.findall(fold(text)) if w not in drop]
        return words + [f"{a} {b}" for a, b in pairwise(words)]


class LexicalModel(BaseEstimator):  # type: ignore[misc]
    """TF-IDF over documents (sublinear tf, unigrams and bigrams), cosine scores and shared key terms."""

    def __init__(self, *, min_df: int = 1, max_features: int | None = 200_000) -> None:
        self.min_df = min_df
        self.max_features = max_features

    def fit(self, documents: Sequence[str]) -> LexicalModel:
        """Learn the vocabulary and idf of ``documents`` and keep their TF-IDF rows. The rows are computed as
        :meth:`transform` computes them (counts with sorted terms, then weighted), so a document fitted here and the
        same document transformed later are equal bit for bit (:class:`PatchedLexical` relies on it)."""
        documents = list(documents) or [""]
        counter = CountVectorizer(
            analyzer=Analyzer(), min_df=self.min_df, max_features=self.max_features, dtype=np.float32
        )
        try:
            counts = counter.fit_transform(documents)
        except ValueError:  # every document empty or only stop words
            self.vectorizer_ = TfidfVectorizer(dtype=np.float32, token_pattern=r"(?u)\b\w+\b")
            matrix = self.vectorizer_.fit_transform([*documents, "placeholder"])[:-1]
        else:
            counts.sort_indices()  # fit_transform leaves them in vocabulary-building order; transform sorts
            weighting = TfidfTransformer(sublinear_tf=True).fit(counts)
            matrix = weighting.transform(counts)
            self.vectorizer_ = TfidfVectorizer(
                sublinear_tf=True, analyzer=counter.analyzer, dtype=np.float32, vocabulary=counter.vocabulary_
            )
            self.vectorizer_.idf_ = weighting.idf_
        self.columns_ = sp.csc_matrix(matrix)  # one copy, by term: scores and shared terms both read columns
        self.columns_.sort_indices()
        self.n_documents_ = int(matrix.shape[0])
        self.terms_ = self.vectorizer_.get_feature_names_out()
        self.analyzer_ = self.vectorizer_.build_analyzer()
        return self

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        check_is_fitted(self, "vectorizer_")
        if len(texts) == 1 and self._plain_tfidf():
            return self._transform_one(texts[0])
        return sp.csr_matrix(self.vectorizer_.transform(list(texts)))

    def transform_documents(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Stored documents (projects, groups, changed profiles) as the fit computes their rows: always sklearn's
        batch path, whose numbers the single-query shortcut of :meth:`transform` matches only to rounding."""
        check_is_fitted(self, "vectorizer_")
        return sp.csr_matrix(self.vectorizer_.transform(list(texts)), dtype=np.float32)

    def _plain_tfidf(self) -> bool:
        v = self.vectorizer_
        return v.norm == "l2" and v.use_idf and not v.binary and hasattr(self, "analyzer_")

    def _transform_one(self, text: str) -> sp.csr_matrix:
        """One text as sklearn's ``transform`` computes it (same numbers), without its per-call validation: the
        request path transforms one query text, where that overhead was ~0.6 ms of a ~8 ms request."""
        vocabulary = self.vectorizer_.vocabulary_
        analyzer: Callable[[str], list[str]] = self.analyzer_
        counts = Counter(vocabulary[t] for t in analyzer(text) if t in vocabulary)
        columns = np.array(sorted(counts), dtype=np.int32)
        values = np.array([counts[c] for c in columns.tolist()], dtype=np.float32)
        if self.vectorizer_.sublinear_tf:
            values = np.log(values) + np.float32(1)
        values = values * self.vectorizer_.idf_[columns].astype(np.float32)
        norm = float(np.sqrt(np.dot(values, values)))
        if norm > 0:
            values = values / np.float32(norm)
        shape = (1, len(vocabulary))
        return sp.csr_matrix((values.astype(np.float32), columns, np.array([0, len(columns)])), shape=shape)

    def _values(self, terms: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """TF-IDF weights of ``terms`` (columns) in documents ``rows``: shape (len(terms), len(rows))."""
        return column_values(self.columns_, terms, rows)

    def scores(self, query: sp.csr_matrix, rows: np.ndarray | None = None) -> np.ndarray:
        """Cosine of one query row against every document (or only ``rows``: then the cost grows with the query's
        terms and the rows, not with the number of documents)."""
        check_is_fitted(self, "columns_")
        terms = query.indices
        if terms.size == 0:
            size = self.n_documents_ if rows is None else len(rows)
            return np.zeros(size, dtype=np.float32)
        if rows is not None:
            return np.asarray(query.data @ self._values(terms, np.asarray(rows, dtype=np.int64)), dtype=np.float32)
        return column_scores(self.columns_, query)

    def top(self, query: sp.csr_matrix, n: int, *, scores: np.ndarray | None = None) -> np.ndarray:
        """Row numbers of the ``n`` best-scoring documents with a positive score, best first (``scores``: the
        query's :meth:`scores` over every document, when the caller has them already)."""
        if scores is None:
            scores = self.scores(query)
        return top_positive(scores, n)

    def shared_terms(self, query: sp.csr_matrix, row: int, n: int = 4, *, exclude: Collection[str] = ()) -> list[str]:
        """The terms that contribute most to the match of ``query`` with document ``row``: never a stop word of any
        supported language, nor a term holding one of the folded words ``exclude`` (the place and kind words the
        query asked with: :attr:`matcher.understand.Understood.words`)."""
        return self.shared_terms_of_rows(query, [row], n, exclude=exclude)[0]

    def shared_terms_of_rows(
        self, query: sp.csr_matrix, rows: Sequence[int], n: int = 4, *, exclude: Collection[str] = ()
    ) -> list[list[str]]:
        """:meth:`shared_terms` of several documents at once (one pass over the query's term columns)."""
        if not len(rows):
            return []
        order = np.argsort(query.indices, kind="stable")
        terms, data = query.indices[order], query.data[order]
        keep = self._shown(terms, frozenset(exclude))
        terms, data = terms[keep], data[keep]
        docs = self._values(terms, np.asarray(rows, dtype=np.int64))  # (terms, rows)
        # every row's terms by decreasing weight at once; a stable sort keeps the query's term order among ties
        order = np.argsort(-(data[:, None] * docs), axis=0, kind="stable").T.tolist()
        present = (docs > 0).T.tolist()
        words = [str(term) for term in self.terms_[terms].tolist()]
        return [self._strongest(words, ranked, has, n) for ranked, has in zip(order, present, strict=True)]

    def _shown(self, terms: np.ndarray, exclude: frozenset[str]) -> np.ndarray:
        """Which of ``terms`` may be shown as key terms."""
        stops = all_stop_words()
        words = [str(term).split() for term in self.terms_[terms].tolist()]
        return np.array([stops.isdisjoint(w) and exclude.isdisjoint(w) for w in words], dtype=bool)

    @staticmethod
    def _strongest(words: list[str], ranked: list[int], present: list[bool], n: int) -> list[str]:
        """The ``n`` strongest of a row's terms present (``ranked``: positions in ``words``, strongest first),
        skipping one that holds or is held in a term already picked."""
        picked: list[str] = []
        for i in ranked:
            if not present[i]:
                continue
            term = words[i]
            if any(term in other or other in term for other in picked):
                continue
            picked.append(term)
            if len(picked) == n:
                break
        return picked


def column_scores(columns: sp.csc_matrix, query: sp.csr_matrix) -> np.ndarray:
    """Dot product of one query row (1 x terms) with every row of ``columns`` (documents x terms, CSC): only the
    query's columns are read (a slice, cheap in CSC), so the cost grows with the documents that hold the query's
    terms, not with all documents. The same numbers as ``csr_matrix(columns) @ query.T``: each document's terms are
    summed in the same (ascending) order."""
    if query.indices.size == 0:
        return np.zeros(columns.shape[0], dtype=np.float32)
    if not query.has_sorted_indices:
        query = query.sorted_indices()
    return np.asarray(columns[:, query.indices] @ query.data, dtype=np.float32).ravel()


def column_values(columns: sp.csc_matrix, terms: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Values of ``columns`` (documents x terms, sorted indices) at ``terms`` x ``rows``: binary searches in each
    term's sorted column, so the cost grows with the terms and the rows only."""
    out = np.zeros((len(terms), len(rows)), dtype=np.float32)
    for j, term in enumerate(np.asarray(terms).tolist()):
        start, end = int(columns.indptr[term]), int(columns.indptr[term + 1])
        if start == end:
            continue
        docs = columns.indices[start:end]
        at = np.minimum(np.searchsorted(docs, rows), end - start - 1)
        hit = docs[at] == rows
        out[j, hit] = columns.data[start + at[hit]]
    return out


class PatchedLexical(LexicalModel):
    """A fitted :class:`LexicalModel` whose documents were changed without a refit: its vocabulary and idf, the
    fitted documents that did not change (``base_row[i]``: the fitted row of document ``i``, -1 when it is new or
    changed) and the other documents transformed with that vocabulary (``extra``, documents x terms, rows of fitted
    documents empty). Scores and key terms are those of a model fitted on the same documents with the same vocabulary
    and idf, exactly: each document's terms sit in one part only, summed in the same order.

    :meth:`patch` makes the next one; the fitted model is shared, never copied."""

    def __init__(self, base: LexicalModel, base_row: np.ndarray, extra: sp.csr_matrix) -> None:
        self.base = base
        self.base_row = base_row
        self.extra = extra

    @classmethod
    def of(cls, model: LexicalModel) -> PatchedLexical:
        """``model`` (fitted, or itself patched) as a patched model with no change yet."""
        if isinstance(model, PatchedLexical):
            return model
        check_is_fitted(model, "columns_")
        n, width = model.n_documents_, len(model.terms_)
        return cls(model, np.arange(n, dtype=np.int64), sp.csr_matrix((n, width), dtype=np.float32)).ready()

    def ready(self) -> PatchedLexical:
        """Derive the read-side attributes (call once after construction)."""
        base = self.base
        self.vectorizer_ = base.vectorizer_
        self.terms_ = base.terms_
        self.analyzer_ = base.analyzer_
        self.n_documents_ = len(self.base_row)
        self.columns_ = sp.csc_matrix(self.extra)
        self.columns_.sort_indices()
        self.in_base_ = np.flatnonzero(self.base_row >= 0)
        self.changed_ = self.n_documents_ - len(self.in_base_)
        return self

    def patch(self, old_row: np.ndarray, texts: dict[int, str]) -> PatchedLexical:
        """The documents in a new order: document ``i`` is the old document ``old_row[i]``, or (when ``i`` is in
        ``texts``, or ``old_row[i]`` is -1) ``texts[i]`` transformed with the fitted vocabulary."""
        old_row = np.asarray(old_row, dtype=np.int64)
        n = len(old_row)
        fresh = np.zeros(n, dtype=bool)
        fresh[list(texts)] = True
        kept = (old_row >= 0) & ~fresh
        base_row = np.full(n, -1, dtype=np.int64)
        base_row[kept] = self.base_row[old_row[kept]]
        rows = sorted(texts)
        new = self.transform_documents([texts[i] for i in rows]) if rows else sp.csr_matrix((0, len(self.terms_)))
        # one stack, one row gather: old extra rows (kept), the new rows, and an empty row for everything else
        empty = self.extra.shape[0] + new.shape[0]
        source = np.full(n, empty, dtype=np.int64)
        from_extra = kept & (base_row < 0)
        source[from_extra] = old_row[from_extra]
        source[rows] = self.extra.shape[0] + np.arange(len(rows))
        stacked = sp.vstack([self.extra, new, sp.csr_matrix((1, len(self.terms_)), dtype=np.float32)], format="csr")
        return PatchedLexical(self.base, base_row, sp.csr_matrix(stacked[source], dtype=np.float32)).ready()

    def scores(self, query: sp.csr_matrix, rows: np.ndarray | None = None) -> np.ndarray:
        terms = query.indices
        if rows is not None or terms.size == 0:
            return super().scores(query, rows)
        out = np.asarray(self.columns_[:, terms] @ query.data, dtype=np.float32).ravel()
        out[self.in_base_] = self.base.scores(query)[self.base_row[self.in_base_]]
        return out

    def _values(self, terms: np.ndarray, rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.int64)
        out = column_values(self.columns_, terms, rows)
        fitted = self.base_row[rows]
        at = np.flatnonzero(fitted >= 0)
        if len(at):
            out[:, at] = self.base._values(terms, fitted[at])
        return out


def top_positive(scores: np.ndarray, n: int, *, sample: int = 4096) -> np.ndarray:
    """Indices of the ``n`` largest positive ``scores``, best first (stable among equal scores).

    Exact, but avoids selecting among every positive score: the ``n``-th largest of an evenly spaced sample is a
    lower bound candidates must pass, found in a small array; when too few pass (a sample is unlucky only when the
    scores are concentrated), it falls back to selecting among all positive scores.
    """
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    size = len(scores)
    if size > 4 * sample and n < sample // 8:
        step = size // sample
        probe = scores[::step]
        # the sample's k-th largest with k such that about 2n documents are expected to pass
        rank = min(len(probe) - 1, max(2, -(-2 * n * len(probe) // size)))
        bound = np.partition(probe, len(probe) - rank)[len(probe) - rank]
        if bound > 0:
            passing = np.flatnonzero(scores >= bound)
            if len(passing) >= n:
                return _best(passing, scores, n)
    return _best(np.flatnonzero(scores > 0), scores, n)


def _best(rows: np.ndarray, scores: np.ndarray, n: int) -> np.ndarray:
    if rows.size > n:
        rows = np.sort(rows[np.argpartition(-scores[rows], n)[:n]])
    return rows[np.argsort(-scores[rows], kind="stable")]
