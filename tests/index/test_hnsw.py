"""HnswIndex (approximate, graph): the VectorIndex contract against exact numpy search. Its tuning, tombstones and
rebuilds are in tests/index/test_factory.py."""

from __future__ import annotations

from pathlib import Path

from matcher.index.hnsw import HnswIndex
from tests.index.contract import DIM, VectorIndexContract


class TestHnswIndex(VectorIndexContract):
    kind = "faiss:HNSW32,SQfp16"
    min_recall = 0.95
    score_tolerance = 2e-3  # the graph keeps float16 copies of the vectors

    def make(self) -> HnswIndex:
        return HnswIndex(DIM)

    def load(self, path: Path) -> HnswIndex:
        return HnswIndex.load(path)


class TestHnswIndexWithFloat32Storage(VectorIndexContract):
    kind = "faiss:HNSW32"
    min_recall = 0.95

    def make(self) -> HnswIndex:
        return HnswIndex(DIM, storage="flat")

    def load(self, path: Path) -> HnswIndex:
        return HnswIndex.load(path)
