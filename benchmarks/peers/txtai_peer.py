"""txtai's ``Embeddings`` with the packaged all-MiniLM-L6-v2, in its default configuration (FAISS backend: exact
``IDMap,Flat`` up to 5,000 vectors, ``IVF<cells>,Flat`` with its own nprobe above; no content store)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.peers import model_path


class TxtaiPeer:
    label = "txtai Embeddings (default FAISS index)"

    def __init__(self, embeddings: Any = None) -> None:
        from txtai import Embeddings

        self.embeddings: Any = embeddings if embeddings is not None else Embeddings(path=model_path(), content=False)

    def ingest(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        if len(ids) != len(texts):
            raise ValueError(f"{len(ids)} ids for {len(texts)} texts")
        self.embeddings.index((i, t, None) for i, t in zip(ids, texts, strict=True))

    def search(self, text: str, k: int) -> list[tuple[str, float]]:
        return [(str(i), float(s)) for i, s in self.embeddings.search(text, k)]

    def count(self) -> int:
        return int(self.embeddings.count())

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.embeddings.save(str(directory))

    @classmethod
    def load(cls, directory: Path) -> TxtaiPeer:
        from txtai import Embeddings

        model_path()  # offline switches before txtai loads the model named in the saved configuration
        embeddings = Embeddings()
        embeddings.load(str(directory))
        return cls(embeddings)
