"""Bulk embedding on Ray: texts in, unit vectors out in the same order, computed by a pool of embedder actors.

A Ray Data ``map_batches`` job over the texts, with a class-based function (:class:`EmbedBatch`) so that each actor
builds its embedder once and then embeds batch after batch. Used by ``matcher ingest --engine ray`` for the texts the
vector cache does not have; the caller keeps caching and storing (:meth:`matcher.engine.Matcher.ingest`, ``embed=``).

Ray is an optional extra (``pip install 'matcher[ray]'``) imported only when a job runs. On a local Ray (no
``address``) the session is started for the job and shut down afterwards; a Ray that is already running (an
``address``, or ``ray.init`` called by the program) is used as it is and left running. A remote cluster's workers
need matcher installed (and the model, for ``packaged``) in their environment.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from matcher.embedding.base import Embedder

logger = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'matcher[ray]'"

EmbedderFactory = Callable[[], Embedder]
"""Builds the embedder inside each actor: picklable, no arguments (a class, or ``functools.partial``)."""


class RayEmbeddingError(RuntimeError):
    """Bulk embedding on Ray cannot run as asked; the message says what to change."""


class RayUnavailableError(RayEmbeddingError):
    """Ray (with its data extra) is not installed."""


class ModelMismatchError(RayEmbeddingError):
    """The actors' embedder is not the model the vectors are cached under."""


class CapacityError(RayEmbeddingError):
    """The Ray cluster has fewer CPUs than the pool of actors needs."""


def import_ray() -> Any:
    """The ``ray`` module with Ray Data, or a :class:`RayUnavailableError` saying how to install it."""
    try:
        import ray
        import ray.data  # the data extra (pyarrow, pandas)
    except ImportError as exc:
        raise RayUnavailableError(
            f"--engine ray needs Ray with its data extra, which is not installed ({exc}): {INSTALL_HINT}"
        ) from None
    return ray


class EmbedBatch:
    """The ``map_batches`` function: one instance per actor, loading the embedder once in its constructor (the
    actor's only job, which is why this class does work in ``__init__``)."""

    def __init__(self, factory: EmbedderFactory, batch_size: int) -> None:
        self.embedder = factory()
        self.batch_size = batch_size

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        texts = [str(text) for text in batch["text"]]
        vectors = self.embedder.encode(texts, batch_size=self.batch_size)
        return {
            "index": batch["index"],
            "vector": np.asarray(vectors, dtype=np.float32),
            "model": np.array([self.embedder.name] * len(texts), dtype=object),
        }


@dataclass(frozen=True, slots=True)
class RayBatchEmbedding:
    """Embeds texts on Ray with ``workers`` actors of ``cpus_per_worker`` CPUs each; call it with the texts.

    ``model`` is the name the vectors will be cached under (the caller's ``Embedder.name``): the actors' embedder must
    report the same name, else :class:`ModelMismatchError` (vectors of another model must never enter the cache).
    ``address``: an existing cluster (``auto`` or ``ray://host:10001``); ``None`` starts a local Ray of
    ``workers * cpus_per_worker`` CPUs for each call.
    """

    factory: EmbedderFactory
    model: str | None = None
    workers: int = 2
    cpus_per_worker: int = 1
    batch_size: int = 32
    address: str | None = None
    show_progress: bool = False

    def __post_init__(self) -> None:
        if self.workers < 1 or self.cpus_per_worker < 1 or self.batch_size < 1:
            raise ValueError(
                f"workers ({self.workers}), cpus_per_worker ({self.cpus_per_worker}) and batch_size "
                f"({self.batch_size}) must each be at least 1."
            )

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of ``texts``, row ``i`` for ``texts[i]`` (float32, unit rows); no texts: a ``(0, 0)`` array."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        ray = import_ray()
        with ray_session(ray, self.address, num_cpus=self.workers * self.cpus_per_worker):
            self._check_capacity(ray)
            return self._run(ray, texts)

    def _check_capacity(self, ray: Any) -> None:
        have = float(ray.cluster_resources().get("CPU", 0.0))
        need = self.workers * self.cpus_per_worker
        if have < need:
            raise CapacityError(
                f"The Ray cluster has {have:g} CPU(s); {self.workers} worker(s) of {self.cpus_per_worker} CPU(s) "
                f"need {need}. Use fewer --workers."
            )

    def _run(self, ray: Any, texts: Sequence[str]) -> np.ndarray:
        ray.data.DataContext.get_current().enable_progress_bars = self.show_progress
        blocks = max(self.workers, min(math.ceil(len(texts) / self.batch_size), 4 * self.workers))
        # longest first, as a local encode does: each batch holds texts of similar length, so less padding
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        items = [{"index": i, "text": texts[i]} for i in order]
        dataset = ray.data.from_items(items, override_num_blocks=blocks).map_batches(
            EmbedBatch,
            fn_constructor_args=(self.factory, self.batch_size),
            batch_size=self.batch_size,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=self.workers),  # a fixed pool of actors
            num_cpus=self.cpus_per_worker,
        )
        out: np.ndarray | None = None
        seen = np.zeros(len(texts), dtype=bool)
        for batch in dataset.iter_batches(batch_size=None, batch_format="numpy"):
            names = set(batch["model"].tolist())
            if self.model is not None and names != {self.model}:
                raise ModelMismatchError(
                    f"The Ray workers embed with {sorted(names)}, but the vectors are cached under {self.model!r}: "
                    "give the workers the same embedding settings (MATCHER_ENCODERS, MATCHER_EMBEDDING_BACKEND, "
                    "MATCHER_MODEL) as this process."
                )
            vectors = np.asarray(batch["vector"], dtype=np.float32)
            if out is None:
                out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
            out[batch["index"]] = vectors
            seen[batch["index"]] = True
        if out is None or not seen.all():  # Ray Data returns every row; this guards the scatter above
            raise RuntimeError(f"The Ray job returned {int(seen.sum())} of {len(texts)} vectors.")
        return out


@contextmanager
def ray_session(ray: Any, address: str | None, *, num_cpus: int) -> Iterator[None]:
    """Connect to ``address``, or start a local Ray of ``num_cpus`` CPUs; shut down only a Ray started here."""
    if ray.is_initialized():
        yield
        return
    if address is None:  # "local": a new Ray even when RAY_ADDRESS names a cluster
        ray.init(
            address="local",
            num_cpus=num_cpus,
            include_dashboard=False,
            logging_level=logging.WARNING,
            log_to_driver=False,
        )
    else:
        ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()
