"""Bulk embedding on Ray against the local path, on the same synthetic partner texts, in one run (issue 13):

    python -m benchmarks.ray_ingest             # 2,000 partner texts (~60 words each), 1 round
    python -m benchmarks.ray_ingest --quick     # 200 texts: a smoke run
    python -m benchmarks.ray_ingest --texts 5000 --rounds 3

Embeds the texts with the matcher's configured encoders (``MATCHER_ENCODERS``, ``MATCHER_EMBEDDING_BACKEND``, as
``matcher ingest`` does) four ways: the local path (one embedder, all cores; what ``matcher ingest`` runs), the local
path on one thread (what one Ray worker gets), and :class:`~matcher.embedding.ray_batch.RayBatchEmbedding` with 1
and 2 workers of one CPU each. A Ray job's time counts its actors' start and model load (each actor loads the model
once per job): that is what ``matcher ingest --engine ray`` pays. Starting the local Ray is timed apart (paid once per
``matcher ingest``). With ``--rounds`` > 1 the configurations alternate and the median is kept (a noisy neighbour
slows all alike). Every Ray result is compared with the local vectors (max absolute difference).

Prints a markdown table with the CPU (lscpu model name and flags) and ratios to the local path measured in this run.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np

from benchmarks.synthetic import generate
from matcher.embedding.base import Embedder
from matcher.embedding.ray_batch import RayBatchEmbedding, import_ray
from matcher.engine import create_embedder
from matcher.io.importer import read_directory
from matcher.settings import Settings


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    seconds: float
    max_diff: float

    def texts_per_second(self, n: int) -> float:
        return n / self.seconds


def partner_texts(n: int) -> list[str]:
    """The embedded texts (name. description) of ``n`` synthetic partners (:mod:`benchmarks.synthetic`, seed 0)."""
    with tempfile.TemporaryDirectory() as tmp:
        generate(tmp, partners=n)
        return [p.text for p in read_directory(tmp).dataset.partners]


def cpu_description() -> tuple[str, str]:
    """``lscpu``'s model name and flags."""
    try:
        text = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "?", "?"
    fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
    return fields.get("Model name", "?").strip(), fields.get("Flags", "?").strip()


def timed(run: Callable[[], np.ndarray]) -> tuple[float, np.ndarray]:
    start = time.perf_counter()
    vectors = run()
    return time.perf_counter() - start, vectors


def measure(texts: Sequence[str], settings: Settings, rounds: int) -> tuple[list[Row], float, float, str]:
    """Rows of the table, the local Ray's start-up seconds, the model's load seconds and the embedder's name."""
    start = time.perf_counter()
    local = create_embedder(settings)
    load = time.perf_counter() - start
    one_thread: Embedder = create_embedder(settings.model_copy(update={"threads": 1}))
    for embedder in (local, one_thread):  # first inferences compile and allocate: not part of the throughput
        embedder.encode(texts[:64], batch_size=settings.batch_size)
    factory = partial(create_embedder, settings.model_copy(update={"threads": 1}))
    ray = import_ray()
    start = time.perf_counter()
    ray.init(address="local", num_cpus=2, include_dashboard=False, logging_level=logging.WARNING, log_to_driver=False)
    startup = time.perf_counter() - start
    configs: dict[str, Callable[[], np.ndarray]] = {
        "local (all cores)": lambda: local.encode(texts, batch_size=settings.batch_size),
        "local (1 thread)": lambda: one_thread.encode(texts, batch_size=settings.batch_size),
    }
    for workers in (1, 2):
        embed = RayBatchEmbedding(factory, model=local.name, workers=workers, batch_size=settings.batch_size)
        configs[f"ray, {workers} worker(s)"] = partial(embed, texts)
    seconds: dict[str, list[float]] = {label: [] for label in configs}
    diffs: dict[str, float] = dict.fromkeys(configs, 0.0)
    reference: np.ndarray | None = None
    try:
        for _ in range(rounds):
            for label, run in configs.items():
                elapsed, vectors = timed(run)
                print(f"  {label}: {elapsed:.1f} s", file=sys.stderr, flush=True)
                seconds[label].append(elapsed)
                if reference is None:
                    reference = vectors
                diffs[label] = max(diffs[label], float(np.abs(vectors - reference).max()))
    finally:
        ray.shutdown()
    rows = [Row(label, statistics.median(seconds[label]), diffs[label]) for label in configs]
    return rows, startup, load, local.name


def table(rows: list[Row], n: int) -> str:
    base = rows[0].texts_per_second(n)
    lines = [
        "| path | texts/s | × local (all cores) | seconds | max abs diff to local |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        rate = row.texts_per_second(n)
        lines.append(f"| {row.label} | {rate:.1f} | {rate / base:.2f}× | {row.seconds:.1f} | {row.max_diff:.1e} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 texts instead of 2,000")
    parser.add_argument("--texts", type=int, default=None, help="how many partner texts (default 2,000; --quick 200)")
    parser.add_argument("--rounds", type=int, default=1, help="alternating rounds; the median is kept")
    args = parser.parse_args(argv)
    n = args.texts or (200 if args.quick else 2000)
    settings = Settings()
    texts = partner_texts(n)
    words = statistics.mean(len(t.split()) for t in texts)
    print(
        f"embedding {n} synthetic partner texts ({words:.0f} words on average), {args.rounds} round(s)", file=sys.stderr
    )
    rows, startup, load, name = measure(texts, settings, args.rounds)
    model, flags = cpu_description()
    print(f"CPU: {model}, {os.cpu_count()} cores; flags: {flags}")
    print(
        f"Embedder: {name} (MATCHER_ENCODERS={settings.encoders}, backend {settings.embedding_backend}), batch "
        f"{settings.batch_size}; {n} texts of {words:.0f} words on average; {args.rounds} round(s)"
    )
    print(f"Local Ray start-up (ray.init, num_cpus=2): {startup:.1f} s; model load in this process: {load:.1f} s")
    print()
    print(table(rows, n))


if __name__ == "__main__":
    main()
