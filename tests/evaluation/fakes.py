"""A fast, deterministic stand-in embedder: each word has a fixed random direction, a text is their mean."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from matcher.embedding.base import normalize_rows


class BagOfWordsEmbedder:
    name = "bag-of-words-test"
    dim = 64

    def _word(self, word: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "little")
        return np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)

    def encode(self, texts: Sequence[str], *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        rows = [np.sum([self._word(w) for w in t.lower().split()] or [np.zeros(self.dim)], axis=0) for t in texts]
        return normalize_rows(np.array(rows, dtype=np.float32).reshape(len(texts), self.dim))
