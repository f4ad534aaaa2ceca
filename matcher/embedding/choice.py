"""Which backend ``auto`` runs MiniLM on, where the CPU's flags do not settle it: measured once, kept beside the export.

OpenVINO bf16 is the fastest backend on CPUs whose bf16 units are fast (AMD Zen4: 4.5x torch in bulk; Intel Xeon with
AMX), and the slowest on one that reports ``avx512_bf16`` without AMX (an Intel Xeon, model 207: 15.4 texts/s in bulk
against 29.5 for ONNX Runtime fp32, 18.7 against 14.2 ms a query; docs/performance.md, 2026-12-03). The flags do not
tell the two apart, so ``auto`` times both on the same small workload (bulk documents and single queries, the two uses
of the service) and takes the faster.

The choice names the vectors: the embedder's name (``...:openvino-bf16`` or ``...:onnx-fp32``) keys the embedding
cache and the index manifests, so a store embedded with one and served with the other would be embedded again. It is
therefore made once per export directory (``$MATCHER_HOME/models/<model>-<key>/``) and kept there in
:data:`CHOICE_DIRECTORY`; the first process to record it decides for every other (a second writer keeps the first's). A
home whose export was already run by the old rule (OpenVINO's converted model is there, and its vectors are cached
under OpenVINO's name) keeps that backend without measuring.
"""

from __future__ import annotations

import json
import logging
import random
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from matcher.embedding.base import Embedder
from matcher.embedding.export import publish_directory

logger = logging.getLogger(__name__)

#: The kept choice, in its own directory of the export's (published whole, first writer wins):
#: ``{"backend": ..., "seconds": {backend: seconds}}``.
CHOICE_DIRECTORY = "auto-backend"
CHOICE_FILE = "choice.json"

#: Words of the calibration texts: what is timed is the number of tokens a call carries, not what they say.
_WORDS = (
    "education climate schools youth teachers university research network city partners learning sustainable "
    "community project training digital skills health water energy food innovation culture art citizens local "
    "global development inclusion students programme public support knowledge exchange practice policy social "
    "environment biodiversity ocean cooperation region europe africa asia america"
).split()


def calibration_texts(seed: int = 0) -> tuple[list[str], list[str]]:
    """16 documents of 120 words (an import's descriptions) and 8 queries of 25 words (the service's free texts)."""
    rng = random.Random(seed)
    documents = [" ".join(rng.choices(_WORDS, k=120)) for _ in range(16)]
    queries = [" ".join(rng.choices(_WORDS, k=25)) for _ in range(8)]
    return documents, queries


def workload_seconds(embedder: Embedder, documents: Sequence[str], queries: Sequence[str]) -> float:
    """Seconds to embed ``documents`` in one batch, then each of ``queries`` alone."""
    started = time.perf_counter()
    embedder.encode(list(documents), batch_size=len(documents))
    for query in queries:
        embedder.encode([query])
    return time.perf_counter() - started


def read_choice(directory: Path, candidates: Sequence[str]) -> str | None:
    """The backend kept in ``directory``, or None when none is (or the file does not name one of ``candidates``:
    then a warning, and the caller measures again)."""
    path = directory / CHOICE_DIRECTORY / CHOICE_FILE
    try:
        backend = json.loads(path.read_text(encoding="utf-8"))["backend"]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        logger.warning("Ignoring %s (%s: %s); measuring the backends again.", path, type(exc).__name__, exc)
        return None
    if backend not in candidates:
        logger.warning("Ignoring %s: backend %r is not one of %s; measuring again.", path, backend, list(candidates))
        return None
    return str(backend)


def keep_choice(directory: Path, backend: str, candidates: Sequence[str], seconds: dict[str, float] | None) -> str:
    """Record ``backend`` in ``directory`` unless one of ``candidates`` is recorded already (by a process that got
    there first: it stands, as for the export itself, :func:`~matcher.embedding.export.publish_directory`; a record
    that names none is replaced); return the backend recorded."""
    path = directory / CHOICE_DIRECTORY / CHOICE_FILE

    def write(tmp: Path) -> None:
        (tmp / CHOICE_FILE).write_text(json.dumps({"backend": backend, "seconds": seconds}), encoding="utf-8")

    if publish_directory(path, write):
        return backend
    kept = read_choice(directory, candidates)
    if kept is not None:
        return kept
    shutil.rmtree(path.parent, ignore_errors=True)  # a record that names no backend of ours
    publish_directory(path, write)
    return read_choice(directory, candidates) or backend


def choose_backend(
    directory: Path,
    candidates: Sequence[str],
    make: Callable[[str], Embedder],
    *,
    used_before: str | None = None,
    measure: Callable[[Embedder], float] | None = None,
) -> tuple[str, Embedder | None]:
    """The backend of ``candidates`` to run, and its embedder when building it was part of choosing (else None).

    The backend kept in ``directory`` if any; else ``used_before`` (a home embedded before choices were measured);
    else each candidate built with ``make`` and timed with ``measure`` (default: :func:`workload_seconds` on
    :func:`calibration_texts`, the best of two rounds taken in turn), the faster kept for the next starts.
    """
    kept = read_choice(directory, candidates)
    if kept is not None:
        return kept, None
    if used_before is not None:
        return keep_choice(directory, used_before, candidates, None), None
    if measure is None:
        documents, queries = calibration_texts()

        def measure(embedder: Embedder) -> float:
            return workload_seconds(embedder, documents, queries)

    built = {backend: make(backend) for backend in candidates}
    for embedder in built.values():  # first calls: compilation, memory arenas
        embedder.encode(["warm up"])
    seconds = {backend: float("inf") for backend in candidates}
    for _ in range(2):
        for backend, embedder in built.items():
            seconds[backend] = min(seconds[backend], measure(embedder))
    fastest = min(candidates, key=lambda backend: seconds[backend])
    chosen = keep_choice(directory, fastest, candidates, seconds)
    logger.info(
        "Embedding backend 'auto': %s on this CPU (%s); kept in %s.",
        chosen,
        ", ".join(f"{backend} {s:.2f} s" for backend, s in seconds.items()),
        directory / CHOICE_DIRECTORY / CHOICE_FILE,
    )
    return chosen, built[chosen]
