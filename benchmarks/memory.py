"""Where the resident memory of a served store goes, part by part, in process.

    python -m benchmarks.memory --home /tmp/mem/cache/home-100000 [--queries 40] [--serve 20 [--writes]]
    python -m benchmarks.memory --home H --queries 0 --serve 300 --varied --concurrency 8 --samples 10

Loads the store under ``--home`` the way ``matcher serve`` does (the steps of a full snapshot build, one after the
other) and records the resident size (VmRSS, /proc/self/status) after each step, with the heap trimmed first so that
a delta is what the step keeps, not what it freed: the libraries, the encoders, the store's rows, the catalogue, each
index, the recommender, then ``--queries`` free-text requests (the caches they fill). tracemalloc would not see
numpy, FAISS or the inference runtimes' native memory; VmRSS does. Then the size of each large part as counted from
the objects themselves (``nbytes`` of arrays, data and indices of sparse matrices, an index's vectors and graph).

``--serve SECONDS`` then measures what issue 16 states the goal on: ``matcher serve`` on the same store in its own
process, free-text requests at concurrency 1 for that long (every text new), its VmRSS after, split into anonymous
memory and mapped files (the libraries' code and data). ``--writes`` adds another client rewriting partner
descriptions of 5 to 250 words back to back meanwhile (on a copy of the store): each new text length is a new input
shape for the encoder, and an inference runtime may keep memory per shape. ``--varied`` makes the queries themselves
5 to 250 words long (every text new), ``--concurrency`` sets how many are in flight (so how many the service batches
together: each batch's texts x tokens is a shape), and ``--samples N`` reads VmRSS N times during the run (a soak:
does it level off?).
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import shutil
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MB = 1e6


def rss_mb() -> float:
    """The resident size of this process now, after returning freed heap memory to the OS (glibc)."""
    from matcher import heap

    heap.trim()
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024 / MB
    return float("nan")


@dataclass(slots=True)
class Meter:
    """VmRSS after each named step, and the delta from the previous one."""

    steps: list[tuple[str, float, float, float]] = field(default_factory=list)  # name, rss, delta, seconds
    last: float = field(default_factory=rss_mb)
    started: float = field(default_factory=time.perf_counter)

    def step(self, name: str) -> None:
        now, at = rss_mb(), time.perf_counter()
        self.steps.append((name, now, now - self.last, at - self.started))
        self.last, self.started = now, at


def nbytes(value: Any) -> int:
    """Bytes held by an array, a sparse matrix or a :class:`~matcher.rows.VectorRows` (its whole buffer)."""
    from matcher.rows import VectorRows

    if isinstance(value, VectorRows):  # the rows written so far (the spare capacity is never touched: not resident)
        data = value.buffer.data
        return int(value.buffer.used * data.shape[1] * data.itemsize + value.slots.nbytes)
    if hasattr(value, "indptr"):
        return int(value.data.nbytes + value.indices.nbytes + value.indptr.nbytes)
    return int(getattr(value, "nbytes", 0))


def catalog_parts(catalog: Any) -> Iterator[tuple[str, int, str]]:
    """(part, bytes, what it is) for the catalogue's arrays and matrices."""
    from matcher.rows import VectorRows

    def shape(value: Any) -> str:
        stored = f" ({value.buffer.used:,} distinct rows stored)" if isinstance(value, VectorRows) else ""
        stored_as = value.buffer.data.dtype if isinstance(value, VectorRows) else value.dtype  # rows read as float32
        return f"{value.shape[0]:,} x {value.shape[1]:,} {stored_as}{stored}"

    for name in ("partner_vectors", "project_vectors", "group_vectors"):
        value = getattr(catalog, name)
        yield f"catalog.{name}", nbytes(value), shape(value)
    yield "catalog.history_vectors", 0, "computed when read (membership and project vectors), none stored"
    lexical = catalog.lexical
    columns = getattr(lexical, "columns_", None)
    if columns is not None:
        yield "lexical: profiles' TF-IDF (by term)", nbytes(columns), f"{shape(columns)}, {columns.nnz:,} non-zeros, " \
            f"indices {columns.indices.dtype}"  # fmt: skip
    for name in ("project_terms", "group_terms", "membership", "ties"):
        value = getattr(catalog, name)
        yield f"catalog.{name}", nbytes(value), f"{shape(value)}, {value.nnz:,} non-zeros"
    for name, value in catalog.by_column.items():
        yield f"catalog.by_column[{name!r}]", nbytes(value), f"{shape(value)}, {value.nnz:,} non-zeros"
    small = sum(nbytes(getattr(catalog, n)) for n in ("discoverable", "popularity", "last_active"))
    small += sum(nbytes(v) for v in catalog.country_rows.values())
    yield "catalog: other arrays (flags, activity, country rows)", small, ""


def index_parts(name: str, index: Any) -> Iterator[tuple[str, int, str]]:
    sizes = index.nbytes()
    for part, size in sizes.items():
        yield f"{name} index: {part}", size, f"{index.kind}, {index.count():,} vectors"


def load_in_steps(home: Path, queries: int) -> tuple[Meter, list[tuple[str, int, str]]]:
    """Build the served snapshot of ``home`` step by step (as :class:`~matcher.snapshot.SnapshotManager` does at
    start-up), measuring VmRSS after each step."""
    meter = Meter()
    import faiss  # noqa: F401
    import numpy  # noqa: F401
    import scipy.sparse  # noqa: F401
    import sklearn  # noqa: F401

    meter.step("numpy, scipy, scikit-learn, faiss imported")
    from benchmarks.synthetic import query_texts
    from matcher.catalog import build_catalog
    from matcher.engine import Matcher
    from matcher.settings import Settings
    from matcher.snapshot import history_hashes, index_vectors, partner_hashes, project_hashes, shareable

    meter.step("matcher imported (and what it imports at top level)")
    matcher = Matcher(Settings(home=home, database_url=None).serving()).open()
    embedder = matcher.embedder
    meter.step(f"encoders loaded ({embedder.name})")
    embedder.encode(["warm-up: ocean literacy for primary schools"])
    meter.step("first query embedded (runtime arenas)")
    dataset = matcher.store.load_dataset()
    ties = [(requester, partner) for requester, partner, _ in matcher.store.accepted_pairs()]
    meter.step(f"store rows as Python objects ({len(dataset.partners):,} partners, {len(dataset.projects):,} "
               "projects)")  # fmt: skip
    catalog = build_catalog(dataset, matcher.vector_lookup(None), matcher.dim, ties=ties)
    shareable(catalog)  # the served precision (SERVED_PRECISION), as SnapshotManager's build
    meter.step("catalogue built (vectors, TF-IDF, graph)")
    index = matcher.load_index("partners", partner_hashes(catalog), lambda ids: index_vectors(catalog, "partners", ids))
    meter.step("partners index loaded")
    history = matcher.load_index("history", history_hashes(catalog), lambda ids: index_vectors(catalog, "history", ids))
    meter.step("history index loaded")
    projects = matcher.load_index(
        "projects", project_hashes(catalog), lambda ids: index_vectors(catalog, "projects", ids)
    )
    meter.step("past projects index loaded")
    recommender = matcher.recommender_for(catalog, index, history, projects, None)
    meter.step("recommender (ranker, themes)")
    for text in query_texts(queries, seed=5):
        recommender.collaborators(text=text, k=10)
    meter.step(f"{queries} free-text requests (lazy caches)")
    parts = list(catalog_parts(catalog)) + list(index_parts("partners", index))
    parts += list(index_parts("history", history)) + list(index_parts("projects", projects))
    return meter, parts


def report(meter: Meter, parts: list[tuple[str, int, str]]) -> list[str]:
    lines = ["| step (one after the other) | VmRSS after, MB | delta, MB | seconds |", "|---|--:|--:|--:|"]
    lines += [f"| {name} | {rss:.0f} | {delta:+.0f} | {s:.1f} |" for name, rss, delta, s in meter.steps]
    lines += ["", "| part | MB | what |", "|---|--:|---|"]
    lines += [f"| {name} | {size / MB:.1f} | {what} |" for name, size, what in parts]
    lines.append(f"| **counted parts** | **{sum(s for _, s, _ in parts) / MB:.0f}** | |")
    return lines


def status_mb(pid: int) -> dict[str, float]:
    """VmRSS, VmHWM, RssAnon and RssFile of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
            fields[name] = int(value.split()[0]) * 1024 / MB
    return fields


def served(
    home: Path,
    seconds: float,
    workdir: Path,
    writes: bool = False,
    *,
    varied: bool = False,
    concurrency: int = 1,
    samples: int = 1,
) -> tuple[dict[str, float], dict[str, float]]:
    """VmRSS (and its parts) of ``matcher serve`` on ``home`` after ``seconds`` of free-text requests at
    ``concurrency``, and the load run's figures. ``writes``: meanwhile another client rewrites partner descriptions
    back to back (:func:`benchmarks.writes.burst` with :func:`varied_description`), on a copy of the store under
    ``workdir``; ``writes`` in the figures counts those answered. ``varied``: the query texts are
    :func:`varied_description` texts (5-250 words) instead of the synthetic queries. ``samples``: the run is cut into
    that many equal load runs, VmRSS read after each (the figures' ``vmrss_<i>``, MB; the load figures are the
    last run's, ``requests`` their sum)."""
    from benchmarks.run import Bodies, bodies_needed, load, matcher_command, serving
    from benchmarks.writes import KEY, burst

    workdir.mkdir(parents=True, exist_ok=True)
    bodies = Bodies(workdir, seed=17)
    if writes:  # the rewrites change the store: not the one measured next time
        copy = workdir / "home-writes"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(home, copy)
        home = copy
    argv, env, health, path = matcher_command(home)
    env["MATCHER_API_KEYS"] = KEY
    with serving({"matcher": (argv, env, health, path)}, 1800) as servers, ThreadPoolExecutor(1) as pool:
        server = servers["matcher"]
        stop, done = threading.Event(), list[float]()
        writer = None
        if writes:
            ids = partner_ids(server.port)
            writer = pool.submit(burst, server.port, "text", ids, "", stop, done, varied_description)
        run: dict[str, float] = {}
        trajectory: dict[str, float] = {"requests": 0.0}
        try:
            for i in range(samples):
                n = bodies_needed(seconds / samples, concurrency)
                if varied:  # numbered past the writer's texts: a query never repeats a rewritten description
                    texts = [varied_description(1_000_000 + i * n + j) for j in range(n)]
                    batch = bodies.write([{"text": t, "k": 10} for t in texts])
                else:
                    batch = bodies.take(n)
                run = load(server.url, batch, concurrency, seconds / samples)
                trajectory["requests"] += run.get("requests", 0)
                trajectory[f"vmrss_{i + 1}"] = status_mb(server.process.pid)["VmRSS"]
        finally:
            stop.set()
        run |= trajectory
        if writer is not None:
            writer.result()  # its error, if it failed
            run["writes"] = len(done)
        memory = status_mb(server.process.pid)
    return memory, run


def partner_ids(port: int, limit: int = 200) -> list[str]:
    """The first ``limit`` partners' ids, from ``GET /v1/partners``."""
    from benchmarks.writes import call

    status, page = call(port, "GET", f"/v1/partners?limit={limit}")
    if status != 200:
        raise RuntimeError(f"GET /v1/partners answered {status}")
    return [p["id"] for p in json.loads(page)["data"]]


@functools.cache
def vocabulary() -> list[str]:
    from benchmarks.synthetic import query_texts

    return " ".join(query_texts(400, seed=23)).split()


def varied_description(n: int) -> str:
    """The ``n``-th rewritten description: 5 to 250 words of the synthetic queries' vocabulary (the lengths a
    store's texts have, so each is a new input length to the encoder)."""
    rng, words = random.Random(n), vocabulary()
    count = rng.randint(5, 250)
    start = rng.randrange(len(words) - count)
    return " ".join(words[start : start + count])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--serve", type=float, default=0.0, help="seconds of requests to matcher serve (0: none)")
    parser.add_argument(
        "--writes", action="store_true", help="with --serve: partner descriptions rewritten meanwhile (on a copy)"
    )
    parser.add_argument("--varied", action="store_true", help="with --serve: queries of 5-250 words")
    parser.add_argument("--concurrency", type=int, default=1, help="with --serve: requests in flight")
    parser.add_argument("--samples", type=int, default=1, help="with --serve: VmRSS read this many times")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/matcher-memory"))
    parser.add_argument("--only-serve", action="store_true", help="skip the in-process steps")
    args = parser.parse_args(argv)
    if not args.only_serve:
        meter, parts = load_in_steps(args.home, args.queries)
        print("\n".join(report(meter, parts)), flush=True)
        del meter, parts
    if args.serve:
        memory, run = served(
            args.home, args.serve, args.workdir, args.writes,
            varied=args.varied, concurrency=args.concurrency, samples=args.samples,
        )  # fmt: skip
        print(
            f"\nmatcher serve after {run.get('requests', 0):.0f} requests and {run.get('writes', 0):.0f} writes in "
            f"{args.serve:.0f} s at concurrency {args.concurrency} (p50 of the last {args.serve / args.samples:.0f} s "
            f"{run.get('p50_ms', float('nan')):.1f} ms): " + ", ".join(f"{k} {v:.0f} MB" for k, v in memory.items())
        )
        if args.samples > 1:
            step = args.serve / args.samples
            print("VmRSS during the run, MB: " + ", ".join(
                f"{(i + 1) * step:.0f} s {run[f'vmrss_{i + 1}']:.0f}" for i in range(args.samples)
            ))  # fmt: skip


if __name__ == "__main__":
    main()
