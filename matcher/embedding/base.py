"""The embedder interface: texts in, L2-normalised float32 vectors out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into unit vectors.

    ``name`` identifies the model *and* backend precision, so that the embedding cache never mixes vectors of two
    models; ``dim`` is the vector size.
    """

    name: str
    dim: int

    def encode(self, texts: Sequence[str], *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        """Return an array of shape ``(len(texts), dim)``, dtype float32, each row of unit L2 norm."""
        ...


def normalize_rows(vectors: np.ndarray) -> np.ndarray:
    """L2-normalise rows in float32; zero rows stay zero."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)
