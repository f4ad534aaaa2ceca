"""FaissIndex (exact, flat): the VectorIndex contract against exact numpy search, and what is its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.index.faiss_index import FaissIndex
from tests.index.contract import DIM, VectorIndexContract, clustered


class TestFaissIndex(VectorIndexContract):
    kind = "faiss:Flat"

    def make(self) -> FaissIndex:
        return FaissIndex(DIM)

    def load(self, path: Path) -> FaissIndex:
        return FaissIndex.load(path)


def test_an_exact_index_says_its_recall_is_one() -> None:
    assert FaissIndex(DIM).recall_at_10 == 1.0


def test_load_rejects_ids_that_do_not_match_the_vectors(tmp_path: Path) -> None:
    index = FaissIndex(DIM)
    index.add([f"p{i}" for i in range(200)], clustered(200, seed=0))
    path = tmp_path / "partners.faiss"
    index.save(path)
    other = FaissIndex(DIM)
    other.add(["only"], clustered(1, seed=5))
    other.save(tmp_path / "other.faiss")
    (tmp_path / "other.ids.json").replace(path.with_suffix(".ids.json"))

    with pytest.raises(ValueError, match="200 vectors but 1 ids"):
        FaissIndex.load(path)
