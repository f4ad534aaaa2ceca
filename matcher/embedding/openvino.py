"""OpenVINO embedder on the model's ONNX export, bf16 inference by default (the fastest near-lossless backend)."""

from __future__ import annotations

import logging
import queue
from pathlib import Path
from typing import Any, Literal

import numpy as np

from matcher.embedding.export import ExportedModel, export_onnx, publish_directory
from matcher.embedding.exported import ExportedEmbedder

logger = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'openvino>=2024.4'"

#: The CPU plugin's setting for its cache of compiled kernels and their buffers, kept per input shape.
RUNTIME_CACHE_KEY = "CPU_RUNTIME_CACHE_CAPACITY"
#: Entries kept in that cache. OpenVINO's default (5,000) never binds for one model, so every new (texts, tokens)
#: shape a service meets adds ~2-5 MB for good: MiniLM bf16 on one inference request grew +677 MB after 254
#: widths of one text, +2,371 MB after ~960 shapes; with 0-100 entries it levelled off at 420-500 MB (the
#: buffers of the largest batch). 100 keeps the speed of the default on the queries' few shapes; with ~128 shapes in
#: rotation (long queries of every length at concurrency 8) evictions cost ~4-6 % (docs/performance.md, 2026-12-02,
#: Intel Xeon with AMX).
RUNTIME_CACHE = 100


#: The export in OpenVINO's own format, what is compiled: ``<export directory>/openvino-f16/model.{xml,bin}``, the
#: weights stored in half precision (``save_model``'s default). Compiled from the ONNX file, MiniLM kept +180 MB
#: resident after its first inferences (about twice its float32 weights beside its bf16 ones; Zen4); from this file,
#: +78 MB. Vectors move by a cosine of 0.99994 at worst (median 0.99997) under bf16 inference, by 0.999999
#: under f32, within the ~0.9999 that bf16 inference itself keeps to torch fp32 (docs/performance.md, 2026-12-03).
IR_DIRECTORY = "openvino-f16"


def openvino_model(exported: ExportedModel) -> Path:
    """The OpenVINO form of ``exported`` (:data:`IR_DIRECTORY`), converted from its ONNX file the first time; the
    ONNX file itself when the export's directory cannot be written (a read-only copy of a home: a warning says so)."""
    import openvino as ov

    xml = exported.directory / IR_DIRECTORY / "model.xml"
    if not xml.exists():

        def convert(tmp: Path) -> None:
            ov.save_model(ov.Core().read_model(str(exported.onnx_path)), str(tmp / xml.name), compress_to_fp16=True)

        try:
            publish_directory(xml, convert)
        except OSError as exc:
            logger.warning(
                "Cannot write %s (%s); compiling %s itself, which keeps ~100 MB more resident.",
                xml.parent,
                exc.strerror or exc,
                exported.onnx_path,
            )
            return exported.onnx_path
    return xml


def cpu_supports_bf16() -> bool:
    """True when OpenVINO can run bf16 natively on this CPU (AVX512-BF16 or AMX); False without openvino."""
    try:
        import openvino as ov
    except ImportError:
        return False
    return "BF16" in ov.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")


class OpenVINOEmbedder(ExportedEmbedder):
    """Compiles the export (in OpenVINO's format, :func:`openvino_model`) with OpenVINO's CPU plugin: one stream
    using every thread (latency hint), or, with ``threads`` set (``matcher serve``: 1), ``streams`` streams of
    ``threads`` threads each (default 2), so that two calls run side by side: a write's text embedded on a write
    thread does not hold up a request's query (one stream ran them one after the other: two threads' inferences took
    15 ms each instead of 8). Each call takes an inference request of its own from a pool (created when none is
    free).

    ``precision="bf16"`` sets ``INFERENCE_PRECISION_HINT=bf16`` (weights and activations in bfloat16, accumulation
    in fp32); on real texts its vectors keep a mean cosine of ~0.9999 to torch fp32. Compiling takes ~0.3 s.

    ``runtime_cache`` bounds the CPU plugin's cache of compiled kernels, which holds entries per input shape
    (OpenVINO's ``CPU_RUNTIME_CACHE_CAPACITY``; its own default, 5,000 entries, keeps a service's memory growing
    with every new (texts, tokens) shape it meets: see :data:`RUNTIME_CACHE`). ``None`` keeps OpenVINO's default.
    """

    backend = "openvino"
    serial = False

    def __init__(
        self,
        model: str = "packaged",
        *,
        precision: Literal["bf16", "f32"] = "bf16",
        cache_dir: Path | None = None,
        threads: int | None = None,
        streams: int = 2,
        runtime_cache: int | None = RUNTIME_CACHE,
    ) -> None:
        if precision not in ("bf16", "f32"):
            raise ValueError(f"OpenVINOEmbedder precision must be 'bf16' or 'f32', got {precision!r}.")
        if streams < 1:
            raise ValueError(f"OpenVINOEmbedder streams must be >= 1, got {streams}.")
        if runtime_cache is not None and runtime_cache < 0:
            raise ValueError(f"OpenVINOEmbedder runtime_cache must be >= 0 or None, got {runtime_cache}.")
        super().__init__(model, precision=precision, cache_dir=cache_dir, threads=threads)
        self.streams = streams if threads else 1
        self.runtime_cache = runtime_cache

    def _export(self) -> ExportedModel:
        return export_onnx(self.model, self.cache_dir)

    def _load_runtime(self, exported: ExportedModel) -> Any:
        try:
            import openvino as ov
        except ImportError as exc:
            raise RuntimeError(
                f"The openvino embedding backend needs OpenVINO: {INSTALL_HINT} (or use MATCHER_EMBEDDING_BACKEND=onnx "
                "or torch)."
            ) from exc
        core = ov.Core()
        if self.precision == "bf16" and "BF16" not in core.get_property("CPU", "OPTIMIZATION_CAPABILITIES"):
            logger.warning(
                "This CPU has no native bf16; OpenVINO will run %s slowly or in f32. Use precision 'f32' "
                "(MATCHER_EMBEDDING_BACKEND=openvino-f32) or 'auto'.",
                self.name,
            )
        config: dict[str, Any] = {"INFERENCE_PRECISION_HINT": self.precision}
        if self.threads:
            config |= {"NUM_STREAMS": self.streams, "INFERENCE_NUM_THREADS": self.threads * self.streams}
        else:
            config["PERFORMANCE_HINT"] = "LATENCY"
        self.requests_: queue.SimpleQueue[Any] = queue.SimpleQueue()  # idle inference requests, made on demand
        model = str(openvino_model(exported))
        if self.runtime_cache is None:
            return core.compile_model(model, "CPU", config)
        try:
            return core.compile_model(model, "CPU", config | {RUNTIME_CACHE_KEY: self.runtime_cache})
        except RuntimeError as exc:  # the key is the CPU plugin's own (not in ov.properties): a release may drop it
            logger.warning(
                "OpenVINO refused %s=%d (%s); compiling %s with its default cache, whose memory grows with every "
                "new input shape.",
                RUNTIME_CACHE_KEY,
                self.runtime_cache,
                str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__,
                self.name,
            )
            return core.compile_model(model, "CPU", config)

    def _infer(self, feed: dict[str, np.ndarray]) -> np.ndarray:
        try:
            request = self.requests_.get_nowait()
        except queue.Empty:
            request = self.runtime_.create_infer_request()
        try:
            result = request.infer(feed)
            return np.array(result[0], dtype=np.float32, copy=True)
        finally:
            self.requests_.put(request)
