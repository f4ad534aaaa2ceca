"""Quality guard: does a faster embedder give (nearly) the same vectors and neighbours as the reference?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from matcher.embedding.base import Embedder

MIN_MEAN_COSINE = 0.99
MIN_TOP10_OVERLAP = 0.95


@dataclass(frozen=True)
class QualityReport:
    """Agreement of candidate vectors with reference vectors of the same texts.

    ``top10_overlap`` is the mean share of each text's 10 nearest neighbours (among the other texts, by cosine)
    that the candidate and the reference have in common.
    """

    mean_cosine: float
    min_cosine: float
    top10_overlap: float
    passed: bool
    n_texts: int


def compare_vectors(
    reference: np.ndarray,
    candidate: np.ndarray,
    *,
    k: int = 10,
    min_mean_cosine: float = MIN_MEAN_COSINE,
    min_top10_overlap: float = MIN_TOP10_OVERLAP,
) -> QualityReport:
    """Quality report of two ``(n, dim)`` arrays of unit rows for the same ``n`` texts (row i ↔ row i)."""
    reference = np.asarray(reference, dtype=np.float32)
    candidate = np.asarray(candidate, dtype=np.float32)
    if reference.shape != candidate.shape or reference.ndim != 2:
        raise ValueError(f"Need two (n, dim) arrays of the same shape, got {reference.shape} and {candidate.shape}.")
    n = reference.shape[0]
    if n < 2:
        raise ValueError(f"The quality guard needs at least 2 texts (neighbours among them), got {n}.")
    cosines = np.einsum("ij,ij->i", reference, candidate)
    k = min(k, n - 1)
    overlap = float(np.mean([len(a & b) / k for a, b in zip(_top_k(reference, k), _top_k(candidate, k), strict=True)]))
    mean_cosine = float(cosines.mean())
    return QualityReport(
        mean_cosine=mean_cosine,
        min_cosine=float(cosines.min()),
        top10_overlap=overlap,
        passed=mean_cosine >= min_mean_cosine and overlap >= min_top10_overlap,
        n_texts=n,
    )


def quality_guard(
    reference: Embedder, candidate: Embedder, texts: Sequence[str], *, batch_size: int = 32
) -> QualityReport:
    """Encode ``texts`` with both embedders and compare (see :func:`compare_vectors` for the thresholds)."""
    if reference.dim != candidate.dim:
        raise ValueError(
            f"{candidate.name} gives {candidate.dim}-d vectors, {reference.name} {reference.dim}-d: "
            "only two backends of the same model can be compared."
        )
    return compare_vectors(
        reference.encode(texts, batch_size=batch_size), candidate.encode(texts, batch_size=batch_size)
    )


def _top_k(vectors: np.ndarray, k: int) -> list[set[int]]:
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, -np.inf)
    nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
    return [set(row.tolist()) for row in nearest]
