"""Shared machinery of the embedders that run the ONNX export: tokenising, length-sorted batches, the lock.

Texts are tokenised once without padding, sorted by token count, and cut into batches of similar length padded
only to their own longest text (dynamic padding): on ~150-word texts about 95% of the computed positions are real
tokens instead of ~85% when batching in input order. The exported graph already pools and normalises, so a
subclass only says how to load a runtime (:meth:`ExportedEmbedder._load_runtime`) and run one batch
(:meth:`ExportedEmbedder._infer`).
"""

from __future__ import annotations

import contextlib
import json
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np

from matcher.embedding.base import normalize_rows
from matcher.embedding.export import ExportedModel
from matcher.embedding.sentence_transformers import model_label, resolve_model_path


class TokenBatcher:
    """Tokenises with the export's fast tokenizer and yields ``(row indices, feed dict)`` batches."""

    def __init__(self, exported: ExportedModel) -> None:
        from tokenizers import Tokenizer

        self.input_names = exported.input_names
        self.max_length = exported.max_seq_length
        self.tokenizer = Tokenizer.from_file(str(exported.tokenizer_path))

    #: Texts tokenised (and sorted) together; bounds the memory of token objects on very large inputs.
    window = 4096
    #: A call of fewer than ``bulk_from`` texts (a query, the queries coalesced at once, a write) has each batch's
    #: width rounded up to a multiple of ``pad_multiple`` tokens, never past the model's longest input (masked
    #: padding: the vectors do not change), so a service sees a bounded set of input shapes however many text lengths
    #: come in. The runtimes keep compiled work per shape: a one-query request at ~30 tokens ran 4.5 ms at its exact
    #: width and 3.8 ms at the rounded one (OpenVINO bf16, 2 threads), and OpenVINO's memory grows with every new
    #: shape (251 widths: +759 MB on Zen4 bf16, docs/performance.md). Bulk calls keep exact widths: padding ~70-token
    #: descriptions to a multiple of 16 cost ~10 % of ingest speed.
    pad_multiple = 16
    bulk_from = 16
    #: Most token positions (rows x width) in one batch: the runtime keeps buffers sized for the largest batch it ran
    #: (OpenVINO f32, each of 2 streams: +586 MB resident for one batch of 32 x 256 tokens, +153 MB for 8 x 256), so
    #: long texts go in smaller batches; short ones still fill ``batch_size``.
    max_batch_tokens = 2048

    def width(self, longest: int, bulk: bool = False) -> int:
        """The width of a batch whose longest text has ``longest`` tokens (``bulk``: of a bulk call)."""
        if bulk:
            return longest
        return max(longest, min(-(-longest // self.pad_multiple) * self.pad_multiple, self.max_length))

    def batches(self, texts: Sequence[str], batch_size: int) -> Iterator[tuple[np.ndarray, dict[str, np.ndarray]]]:
        bulk = len(texts) >= self.bulk_from
        for offset in range(0, len(texts), self.window):
            chunk = [str(text) for text in texts[offset : offset + self.window]]
            for rows, feed in self._window_batches(chunk, batch_size, bulk):
                yield rows + offset, feed

    def _window_batches(
        self, texts: list[str], batch_size: int, bulk: bool
    ) -> Iterator[tuple[np.ndarray, dict[str, np.ndarray]]]:
        encodings = self.tokenizer.encode_batch(texts)
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(encodings))
        order = np.argsort(-lengths, kind="stable")
        start = 0
        while start < len(order):
            width = self.width(int(lengths[order[start]]), bulk)  # the longest of the rest: they are sorted
            rows = order[start : start + max(1, min(batch_size, self.max_batch_tokens // width))]
            start += len(rows)
            feed = {name: np.zeros((len(rows), width), dtype=np.int64) for name in self.input_names}
            for i, row in enumerate(rows):
                encoding, n = encodings[row], lengths[row]
                feed["input_ids"][i, :n] = encoding.ids
                feed["attention_mask"][i, :n] = 1
                if "token_type_ids" in feed:
                    feed["token_type_ids"][i, :n] = encoding.type_ids
            yield rows, feed


def configured_dim(model_path: str | Path) -> int:
    """Sentence-vector size read from a sentence-transformers folder's configs, without loading weights."""
    root = Path(model_path)
    modules_file = root / "modules.json"
    modules = json.loads(modules_file.read_text()) if modules_file.exists() else []
    for module in reversed(modules):
        kind = str(module.get("type", "")).rsplit(".", 1)[-1]
        config_file = root / module.get("path", "") / "config.json"
        if kind not in ("Dense", "Pooling") or not config_file.exists():
            continue
        config = json.loads(config_file.read_text())
        if kind == "Dense":
            return int(config["out_features"])
        width = int(config.get("word_embedding_dimension") or config.get("embedding_dimension"))
        modes = config.get("pooling_mode")
        if modes is None:
            count = sum(bool(v) for k, v in config.items() if k.startswith("pooling_mode_") and k.endswith("tokens"))
        else:
            count = 1 if isinstance(modes, str) else len(modes)
        return width * max(count, 1)
    return int(json.loads((root / "config.json").read_text())["hidden_size"])


class ExportedEmbedder(ABC):
    """Base of the ONNX-export embedders: ``__init__`` stores arguments, :meth:`load` (or first ``encode``) loads.

    Learned/loaded state lives in attributes ending in ``_``. ``encode`` is serialised by a lock because an
    inference request is not safe to share between threads, unless the backend gives each call its own
    (:attr:`serial` False).
    """

    backend: ClassVar[str]
    #: whether ``encode`` calls run one at a time (one shared inference runtime)
    serial: ClassVar[bool] = True

    def __init__(
        self, model: str = "packaged", *, precision: str, cache_dir: Path | None = None, threads: int | None = None
    ) -> None:
        self.model = model
        self.precision = precision
        self.cache_dir = cache_dir
        self.threads = threads
        self.model_path = resolve_model_path(model)
        self.name = f"{model_label(model, self.model_path)}:{self.backend}-{precision}"
        self.dim = configured_dim(self.model_path)
        self._lock = threading.Lock()

    def load(self) -> Self:
        """Export the model if this cache has no export yet, then start the runtime. Idempotent."""
        with self._lock:
            if getattr(self, "exported_", None) is None:
                exported = self._export()
                if exported.dim != self.dim:
                    raise RuntimeError(
                        f"The export in {exported.directory} gives {exported.dim}-d vectors but the model's configs "
                        f"say {self.dim}; delete that folder to re-export."
                    )
                self.batcher_ = TokenBatcher(exported)
                self.runtime_ = self._load_runtime(exported)
                self.exported_ = exported
        return self

    def encode(self, texts: Sequence[str], *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of texts, not a single string: wrap it as [text].")
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}.")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        self.load()
        with self._lock if self.serial else contextlib.nullcontext():
            progress = None
            if show_progress:
                from tqdm.auto import tqdm

                progress = tqdm(total=len(texts), unit="text", desc=f"Embedding ({self.name})")
            for rows, feed in self.batcher_.batches(texts, batch_size):
                out[rows] = self._infer(feed)
                if progress is not None:
                    progress.update(len(rows))
            if progress is not None:
                progress.close()
        return normalize_rows(out)

    @abstractmethod
    def _export(self) -> ExportedModel:
        """Return the export this backend runs (creating it if needed)."""

    @abstractmethod
    def _load_runtime(self, exported: ExportedModel) -> Any:
        """Start the inference runtime on ``exported``."""

    @abstractmethod
    def _infer(self, feed: dict[str, np.ndarray]) -> np.ndarray:
        """Run one padded batch; return its ``(rows, dim)`` sentence vectors."""
