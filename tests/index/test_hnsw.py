"""HnswIndex (approximate, graph): the VectorIndex contract against exact numpy search. Its tuning, tombstones and
rebuilds are in tests/index/test_factory.py."""

from __future__ import annotations

from pathlib import Path

from matcher.index.hnsw import HnswIndex
from tests.index.contract import DIM, VectorIndexContract


class TestHnswIndex(VectorIndexContract):
    """The default storage, 4 bits a component: a router to candidates that are scored again exactly."""

    kind = "faiss:HNSW32,SQ4"
    min_recall = 0.95
    depth = 30  # the true top-10 among the 30 ids returned (a request reads 200 of 100k)
    score_tolerance = 0.15  # each dimension's range in 15 steps
    bytes_per_component = 0.5

    def make(self) -> HnswIndex:
        return HnswIndex(DIM)

    def load(self, path: Path) -> HnswIndex:
        return HnswIndex.load(path)


class TestHnswIndexWithHalfPrecisionStorage(VectorIndexContract):
    kind = "faiss:HNSW32,SQfp16"
    min_recall = 0.95
    score_tolerance = 2e-3  # the graph keeps float16 copies of the vectors
    bytes_per_component = 2

    def make(self) -> HnswIndex:
        return HnswIndex(DIM, storage="fp16")

    def load(self, path: Path) -> HnswIndex:
        return HnswIndex.load(path)


class TestHnswIndexWithFloat32Storage(VectorIndexContract):
    kind = "faiss:HNSW32"
    min_recall = 0.95

    def make(self) -> HnswIndex:
        return HnswIndex(DIM, storage="flat")

    def load(self, path: Path) -> HnswIndex:
        return HnswIndex.load(path)


class TestHnswIndexWithEightBitStorage(VectorIndexContract):
    kind = "faiss:HNSW32,SQ8"
    min_recall = 0.95
    score_tolerance = 2e-2  # one byte per component: each dimension's range in 255 steps
    bytes_per_component = 1

    def make(self) -> HnswIndex:
        return HnswIndex(DIM, storage="sq8")

    def load(self, path: Path) -> HnswIndex:
        return HnswIndex.load(path)
