"""Embedding backends side by side: bulk texts/s, one-query latency, quality guard, ratios to torch fp32.

    python -m benchmarks.embedding                      # URBACT texts, all backends, 384 texts, 3 rounds
    python -m benchmarks.embedding --texts-from my.csv --limit 1000 --backends openvino onnx

Texts are real: long text columns of the CSV files (default: the URBACT good practices and networks), chunked
to ~150 words. Every round times every backend once, in turn, so a noisy neighbour slows all of them alike; the
table reports medians over rounds. Exports go to a fresh temporary directory unless ``--cache-dir`` is given, so
the export time printed is a cold one.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from matcher.embedding.base import Embedder
from matcher.embedding.export import export_onnx
from matcher.embedding.factory import BACKENDS, create_embedder
from matcher.embedding.quality import QualityReport, compare_vectors

URBACT = Path("/work/shared/datasets/urbact")
DEFAULT_SOURCES = [URBACT / "good_practices.csv", URBACT / "networks.csv"]
FALLBACK_SOURCES = [Path(__file__).resolve().parents[1] / "data" / "sample" / "partners.csv"]
#: Idle time before each timed run: lets the previous backend's worker threads stop spinning on the 2 cores.
PAUSE_S = 1.0
QUERIES = [
    "sustainable urban mobility",
    "youth employment and digital skills in small towns",
    "university partner for climate adaptation research",
    "circular economy and food waste",
]


def load_texts(paths: list[Path], *, words: int = 150, limit: int | None = None) -> list[str]:
    """Long text columns of CSV files (or of every CSV in a folder), joined per row, cut into ~``words`` chunks."""
    files = [f for p in paths for f in (sorted(p.glob("*.csv")) if p.is_dir() else [p])]
    documents: list[str] = []
    for file in files:
        frame = pd.read_csv(file)
        text_columns = [
            c
            for c in frame.columns
            if pd.api.types.is_string_dtype(frame[c])
            and frame[c].dropna().astype(str).str.len().mean() >= 60
            and not frame[c].dropna().astype(str).str.startswith("http").any()
        ]
        for row in frame[text_columns].itertuples(index=False):
            documents.append(" ".join(str(v) for v in row if isinstance(v, str)))
    chunks = [
        " ".join(tokens[i : i + words])
        for tokens in (doc.split() for doc in documents)
        for i in range(0, len(tokens), words)
    ]
    long_chunks = [c for c in chunks if len(c.split()) >= words // 4]
    texts = long_chunks if len(long_chunks) >= 50 else [c for c in chunks if c.strip()]
    if len(texts) < 11:
        raise SystemExit(f"Only {len(texts)} texts found in {', '.join(map(str, files))}; need at least 11.")
    return texts[:limit] if limit else texts


def query_latency_ms(embedder: Embedder, n: int) -> float:
    times = []
    time.sleep(PAUSE_S)
    for i in range(n):
        started = time.perf_counter()
        embedder.encode([QUERIES[i % len(QUERIES)]])
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts-from", type=Path, nargs="+", help="CSV files or folders (default: URBACT)")
    parser.add_argument("--backends", nargs="+", default=[b for b in BACKENDS if b not in ("auto", "torch")])
    parser.add_argument("--limit", type=int, default=384, help="texts timed per round (default 384)")
    parser.add_argument("--repeats", type=int, default=3, help="rounds; medians are reported (default 3)")
    parser.add_argument("--queries", type=int, default=50, help="single-query calls per backend (default 50)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (default: all cores)")
    parser.add_argument("--cache-dir", type=Path, default=None, help="export cache (default: a fresh temp dir)")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.backends) - set(BACKENDS) - {"torch"})
    if unknown:
        parser.error(f"unknown backend(s) {unknown}; choose from {', '.join(BACKENDS)}")

    sources = args.texts_from or (DEFAULT_SOURCES if all(p.exists() for p in DEFAULT_SOURCES) else FALLBACK_SOURCES)
    texts = load_texts(sources, limit=args.limit)
    mean_words = np.mean([len(t.split()) for t in texts])
    print(f"{len(texts)} texts ({mean_words:.0f} words on average) from {', '.join(map(str, sources))}")
    cache_dir = args.cache_dir or Path(tempfile.mkdtemp(prefix="matcher-bench-"))

    started = time.perf_counter()
    export_onnx("packaged", cache_dir)
    print(f"ONNX export (incl. loading the model): {time.perf_counter() - started:.1f} s -> {cache_dir}")
    if "onnx-int8" in args.backends:
        started = time.perf_counter()
        export_onnx("packaged", cache_dir, variant="int8")
        print(f"int8 quantisation: {time.perf_counter() - started:.1f} s")

    embedders: dict[str, Embedder] = {}
    load_s: dict[str, float] = {}
    for backend in ["torch", *[b for b in args.backends if b != "torch"]]:
        started = time.perf_counter()
        embedders[backend] = create_embedder(backend, cache_dir=cache_dir, threads=args.threads)  # type: ignore[arg-type]
        embedders[backend].encode(texts[: args.batch_size], batch_size=args.batch_size)  # warm-up
        load_s[backend] = time.perf_counter() - started

    rates: dict[str, list[float]] = {b: [] for b in embedders}
    vectors: dict[str, np.ndarray] = {}
    for round_ in range(args.repeats):
        for backend, embedder in embedders.items():
            time.sleep(PAUSE_S)
            started = time.perf_counter()
            vectors[backend] = embedder.encode(texts, batch_size=args.batch_size)
            rates[backend].append(len(texts) / (time.perf_counter() - started))
        print(f"round {round_ + 1}: " + ", ".join(f"{b} {r[-1]:.1f}/s" for b, r in rates.items()), flush=True)
    latency = {b: query_latency_ms(e, args.queries) for b, e in embedders.items()}
    quality: dict[str, QualityReport] = {b: compare_vectors(vectors["torch"], v) for b, v in vectors.items()}

    base_rate, base_latency = statistics.median(rates["torch"]), latency["torch"]
    print(
        f"\nbatch {args.batch_size}, threads {args.threads or 'default'}, {len(texts)} texts, "
        f"median of {args.repeats} rounds; query = median of {args.queries} single short queries\n"
    )
    print(
        "| backend | name | load s | texts/s | speed-up | query ms | speed-up | mean cos | min cos "
        "| top-10 overlap | guard |"
    )
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|")
    for backend, embedder in embedders.items():
        rate, q = statistics.median(rates[backend]), quality[backend]
        print(
            f"| {backend} | {embedder.name} | {load_s[backend]:.1f} | {rate:.1f} "
            f"| {rate / base_rate:.2f}× | {latency[backend]:.1f} | {base_latency / latency[backend]:.1f}× "
            f"| {q.mean_cosine:.5f} | {q.min_cosine:.5f} | {q.top10_overlap:.3f} "
            f"| {'reference' if backend == 'torch' else ('pass' if q.passed else 'FAIL')} |"
        )


if __name__ == "__main__":
    main()
