"""The naive design: sentence-transformers torch fp32 + FAISS ``IndexFlatIP`` (cosine of unit vectors)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

from benchmarks.peers import model_path


class NaivePeer:
    label = "naive: sentence-transformers torch fp32 + FAISS IndexFlatIP"

    def __init__(self) -> None:
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(model_path(), device="cpu")
        dim = self.model.get_embedding_dimension()
        if dim is None:
            raise ValueError(f"{model_path()} does not declare its embedding dimension")
        self.dim = int(dim)
        self.index: faiss.Index = faiss.IndexFlatIP(self.dim)
        self.ids: list[str] = []

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self.model.encode(list(texts), batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def ingest(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        if len(ids) != len(texts):
            raise ValueError(f"{len(ids)} ids for {len(texts)} texts")
        if texts:
            self.index.add(self._embed(texts))
        self.ids.extend(ids)

    def search(self, text: str, k: int) -> list[tuple[str, float]]:
        scores, positions = self.index.search(self._embed([text]), min(k, max(len(self.ids), 1)))
        return [(self.ids[p], float(s)) for s, p in zip(scores[0], positions[0], strict=True) if p >= 0]

    def count(self) -> int:
        return len(self.ids)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        faiss.write_index(self.index, str(directory / "index.faiss"))
        (directory / "ids.json").write_text(json.dumps(self.ids))

    @classmethod
    def load(cls, directory: Path) -> NaivePeer:
        peer = cls()
        peer.index = faiss.read_index(str(directory / "index.faiss"))
        peer.ids = list(json.loads((directory / "ids.json").read_text()))
        return peer
