"""Exact vs HNSW search by catalogue size: the measurement behind ``MATCHER_INDEX_THRESHOLD``.

    python -m benchmarks.index_scale --home /tmp/bench/home-100000 --model all-MiniLM-L6-v2:openvino-bf16

Vectors are the store's real MiniLM vectors (first N); queries are real embeddings of free-text collaborator
queries. One query at a time on one thread, k=200 (the candidate depth of a request, which searches two indexes)
and k=10 for the recall.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from benchmarks.ann import stored_vectors, timed_searches
from benchmarks.synthetic import query_texts
from matcher.embedding.factory import create_embedder
from matcher.index.faiss_index import FaissIndex
from matcher.index.hnsw import HnswIndex
from matcher.index.recall import recall_at_k


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True, help="a MATCHER_HOME whose store holds the vectors")
    parser.add_argument("--model", required=True, help="embedding model name of the cached vectors")
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 10_000, 20_000, 50_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args(argv)
    vectors = stored_vectors(args.home, args.model)
    backend = args.model.rsplit(":", 1)[-1].split("-")[0]
    embedder = create_embedder(backend, cache_dir=args.home / "models")  # type: ignore[arg-type]
    queries = embedder.encode(query_texts(args.queries, seed=2))
    print("| vectors | Flat ms (k=200) | HNSW ms (k=200) | HNSW ms (k=10) | HNSW recall@10 | efSearch | build s |")
    print("|--:|--:|--:|--:|--:|--:|--:|")
    for n in args.sizes:
        if n > len(vectors):
            break
        ids = [f"v{i}" for i in range(n)]
        flat = FaissIndex(vectors.shape[1])
        flat.add(ids, vectors[:n])
        truth, _ = timed_searches(flat, queries, 10)
        _, flat_ms = timed_searches(flat, queries, 200)
        started = time.perf_counter()
        hnsw = HnswIndex(vectors.shape[1]).build(ids, vectors[:n])
        build_s = time.perf_counter() - started
        found, hnsw10_ms = timed_searches(hnsw, queries, 10)
        _, hnsw_ms = timed_searches(hnsw, queries, 200)
        print(
            f"| {n} | {statistics.median(flat_ms):.2f} | {statistics.median(hnsw_ms):.2f} "
            f"| {statistics.median(hnsw10_ms):.2f} | {recall_at_k(found, truth):.3f} | {hnsw.ef_search} "
            f"| {build_s:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
