"""The performance benchmark of issue 6: one run, one markdown table (docs/performance.md shows the latest).

    python -m benchmarks.run            # full: ~45-60 min on the 2-core dev machine
    python -m benchmarks.run --quick    # smoke run of every part at small sizes: ~5 min

Parts, each bounded in time and measured in this run against its baseline:

1. Bulk embedding, texts/s: the ``auto`` backend vs plain sentence-transformers torch fp32 (real texts, see
   :mod:`benchmarks.embedding`), median of rounds that alternate the two.
2. Ingest of 10k and 100k synthetic partners (:mod:`benchmarks.synthetic`) with ``matcher ingest`` into a fresh
   ``MATCHER_HOME`` (validation, embedding, store, ranker training, catalog and index build).
3. ``matcher serve`` on the 100k store; :mod:`benchmarks.loadgen` in another process sends free-text collaborator
   queries over loopback at concurrency 1 and 8 for a fixed time; then the server's resident memory.
4. ANN at 1M vectors: exact ``IndexFlatIP`` vs the HNSW index ``auto`` picks, recall@10 and latency per query
   (one query at a time, one thread, as in the service).
5. Teams on the 100k store (:mod:`benchmarks.teams`): the same project queries as collaborators and as a consortium
   of 5 under constraints, p50/p99 of each and their ratio (issue 17: at most 2x).
6. Writes on the 100k store (:mod:`benchmarks.writes`): write-to-visible p50 against a read's p50, and read p99
   during bursts of writes against without.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks import ann, teams, writes
from benchmarks.synthetic import generate, query_texts

ROOT = Path(__file__).resolve().parents[1]
MATCHER = Path(sys.executable).parent / "matcher"
ENDPOINT = "/v1/recommendations/collaborators"


@dataclass(frozen=True, slots=True)
class Sizes:
    embed_texts: int
    embed_rounds: int
    ingest: tuple[int, ...]
    load_seconds: float
    load_rounds: int
    ann_vectors: int
    ann_queries: int
    team_queries: int


FULL = Sizes(
    embed_texts=384,
    embed_rounds=3,
    ingest=(10_000, 100_000),
    load_seconds=20,
    load_rounds=3,
    ann_vectors=1_000_000,
    ann_queries=200,
    team_queries=100,
)
QUICK = Sizes(
    embed_texts=64,
    embed_rounds=1,
    ingest=(1_000, 5_000),
    load_seconds=5,
    load_rounds=1,
    ann_vectors=50_000,
    ann_queries=50,
    team_queries=20,
)


@dataclass(frozen=True, slots=True)
class Row:
    metric: str
    value: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    met: str = ""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def verdict(ok: bool) -> str:
    return "yes" if ok else "**no**"


# -- 1. embedding -------------------------------------------------------------------------------------------------
def bench_embedding(sizes: Sizes, models_dir: Path) -> tuple[list[Row], object]:
    from benchmarks.embedding import DEFAULT_SOURCES, FALLBACK_SOURCES, PAUSE_S, load_texts
    from matcher.embedding.factory import create_embedder

    sources = DEFAULT_SOURCES if all(p.exists() for p in DEFAULT_SOURCES) else FALLBACK_SOURCES
    texts = load_texts(sources, limit=sizes.embed_texts)
    torch_embedder = create_embedder("torch")
    fast = create_embedder("auto", cache_dir=models_dir)
    rates: dict[str, list[float]] = {"torch": [], "fast": []}
    for embedder in (torch_embedder, fast):
        embedder.encode(texts[:32])  # warm-up
    for round_ in range(sizes.embed_rounds):
        for key, embedder in (("torch", torch_embedder), ("fast", fast)):
            time.sleep(PAUSE_S)
            started = time.perf_counter()
            embedder.encode(texts, batch_size=32)
            rates[key].append(len(texts) / (time.perf_counter() - started))
        log(f"embedding round {round_ + 1}: torch {rates['torch'][-1]:.1f}/s, {fast.name} {rates['fast'][-1]:.1f}/s")
    base, rate = statistics.median(rates["torch"]), statistics.median(rates["fast"])
    words = np.mean([len(t.split()) for t in texts])
    row = Row(
        f"bulk embedding, texts/s ({fast.name} vs torch fp32; {len(texts)} real texts of ~{words:.0f} words, "
        f"median of {sizes.embed_rounds})",
        f"{rate:.1f}",
        f"{base:.1f}",
        f"{rate / base:.2f}x",
        ">= 4x",
        verdict(rate / base >= 4),
    )
    del torch_embedder
    return [row, *ceiling_rows(texts, base)], fast


def ceiling_rows(texts: list[str], torch_rate: float) -> list[Row]:
    """This CPU's matmul peaks against what torch fp32 achieves: the bound on any backend's speed-up (see ceiling)."""
    from benchmarks.ceiling import describe, measure, text_work
    from matcher.embedding.sentence_transformers import packaged_model_path

    ceiling = measure(text_work(texts, str(packaged_model_path())))
    log(f"compute ceiling: {describe(ceiling)}")
    achieved = ceiling.achieved_gflops(torch_rate)
    best, bound = ceiling.speedup_bound(torch_rate)
    return [
        Row(
            f"torch fp32 GFLOP/s achieved ({ceiling.flops_per_text / 1e9:.2f} GFLOP per text x its texts/s) vs this "
            f"CPU's fp32 matmul peak at the model's layer shape",
            f"{achieved:.0f}",
            f"{ceiling.gflops['fp32']:.0f}",
            f"{achieved / ceiling.gflops['fp32']:.0%} of peak",
        ),
        Row(
            f"bound on any backend's speed-up over torch fp32 on this CPU (best matmul peak, {best}, over torch "
            f"fp32's achieved GFLOP/s; {ceiling.cpu}: {ceiling.formats_text}; "
            f"peaks in G(FL)OP/s: {ceiling.peaks_text})",
            f"{bound:.2f}x",
            "",
            "",
            ">= 4x for the embedding target to be reachable",
            verdict(bound >= 4),
        ),
    ]


# -- 2. ingest ----------------------------------------------------------------------------------------------------
def bench_ingest(partners: int, workdir: Path) -> tuple[float, Path]:
    data, home = workdir / f"alliance-{partners}", workdir / f"home-{partners}"
    shutil.rmtree(data, ignore_errors=True)
    shutil.rmtree(home, ignore_errors=True)
    generate(data, partners=partners, seed=0)
    env = {**os.environ, "MATCHER_HOME": str(home), "MATCHER_LOG_LEVEL": "WARNING"}
    env.pop("MATCHER_DATABASE_URL", None)
    log(f"ingest of {partners} partners ...")
    started = time.perf_counter()
    subprocess.run([str(MATCHER), "ingest", str(data)], env=env, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    log(f"ingest of {partners} partners: {seconds:.0f} s")
    return seconds, home


# -- 3. HTTP --------------------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"matcher serve exited with code {process.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return dict(json.loads(response.read()))
        except OSError:
            time.sleep(1)
    raise RuntimeError(f"matcher serve did not answer {url} within {timeout:.0f} s")


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak since start) of a process, in MB (10^6 bytes; /proc reports KiB)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) * 1024 / 1e6
    return fields


def load(url: str, bodies: Path, concurrency: int, seconds: float) -> dict[str, float]:
    """One bounded load run in a separate process (:mod:`benchmarks.loadgen`)."""
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.loadgen", url, str(bodies), "--concurrency", str(concurrency),
         "--duration", str(seconds), "--warmup", "3"],
        check=True, capture_output=True, text=True, cwd=ROOT, timeout=seconds + 120,
    )  # fmt: skip
    return dict(json.loads(result.stdout))


def bench_http(home: Path, partners: int, sizes: Sizes, workdir: Path) -> list[Row]:
    """``matcher serve`` on the store under ``home``; rounds that alternate concurrency 1 and 8 (so a noisy
    neighbour hits both alike), medians over rounds; then the server's memory."""
    port = free_port()
    bodies = workdir / "queries.jsonl"
    bodies.write_text("".join(json.dumps({"text": q, "k": 10}) + "\n" for q in query_texts(200, seed=1)))
    env = {**os.environ, "MATCHER_HOME": str(home), "MATCHER_LOG_LEVEL": "WARNING"}
    env.pop("MATCHER_DATABASE_URL", None)
    log(f"starting matcher serve on the {partners}-partner store ...")
    started = time.perf_counter()
    server = subprocess.Popen(
        [str(MATCHER), "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}{ENDPOINT}"
    runs: dict[int, list[dict[str, float]]] = {1: [], 8: []}
    try:
        health = wait_healthy(f"http://127.0.0.1:{port}/v1/health", server, timeout=900)
        start_s = time.perf_counter() - started
        log(f"serving after {start_s:.0f} s: {health}")
        for round_ in range(sizes.load_rounds):
            for concurrency in (1, 8):
                runs[concurrency].append(load(url, bodies, concurrency, sizes.load_seconds))
                log(f"round {round_ + 1}, concurrency {concurrency}: {runs[concurrency][-1]}")
        memory = memory_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)

    def median(concurrency: int, key: str) -> float:
        return float(statistics.median(run[key] for run in runs[concurrency]))

    def each(concurrency: int, key: str) -> str:
        return ", ".join(f"{run[key]:.0f}" if key == "rps" else f"{run[key]:.1f}" for run in runs[concurrency])

    errors = int(sum(run["errors"] for c in runs for run in runs[c]))
    requests = int(sum(run["requests"] for run in runs[1]))
    p50, p99, rps1, rps8 = median(1, "p50_ms"), median(1, "p99_ms"), median(1, "rps"), median(8, "rps")
    at = f"{partners // 1000}k partners"
    rounds = f"median of {sizes.load_rounds} rounds of {sizes.load_seconds:.0f} s"
    return [
        Row(f"free-text query p50, ms ({at}, concurrency 1, {rounds}, {requests} requests; "
            f"rounds: {each(1, 'p50_ms')})",
            f"{p50:.1f}", target="<= 10", met=verdict(p50 <= 10)),
        Row(f"free-text query p99, ms ({at}, concurrency 1; rounds: {each(1, 'p99_ms')})", f"{p99:.1f}",
            target="<= 30", met=verdict(p99 <= 30)),
        Row(f"free-text queries/s ({at}, concurrency 1; rounds: {each(1, 'rps')})", f"{rps1:.0f}"),
        Row(f"free-text queries/s ({at}, concurrency 8, {rounds}; rounds: {each(8, 'rps')}; p50 "
            f"{median(8, 'p50_ms'):.0f} ms, p99 {median(8, 'p99_ms'):.0f} ms; {errors} errors in all runs)",
            f"{rps8:.0f}", f"{rps1:.0f} (c=1)", f"{rps8 / rps1:.2f}x", ">= 100, no errors",
            verdict(rps8 >= 100 and errors == 0)),
        Row(f"service resident memory (VmRSS), MB ({at}, after the load; peak since start {memory['VmHWM']:.0f})",
            f"{memory['VmRSS']:.0f}", target="<= 1500", met=verdict(memory["VmRSS"] <= 1500)),
        Row(f"service start-up, s ({at}: load store, catalog, indexes, model)", f"{start_s:.0f}"),
    ]  # fmt: skip


# -- main -----------------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="every part at small sizes (a smoke run)")
    parser.add_argument("--workdir", type=Path, default=None, help="scratch folder (default: a new temp folder)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (stores, data) afterwards")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="matcher-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    log(f"scratch folder {workdir}; {os.cpu_count()} CPUs; sizes {sizes}")
    try:
        rows, fast = bench_embedding(sizes, workdir / "models")
        homes = {}
        ingest_s = {}
        for partners in sizes.ingest:
            ingest_s[partners], homes[partners] = bench_ingest(partners, workdir)
        small, big = sizes.ingest[0], sizes.ingest[-1]
        scale = big / small
        rows.append(Row(f"ingest of {small // 1000}k partners, s", f"{ingest_s[small]:.0f}"))
        rows.append(
            Row(f"ingest of {big // 1000}k partners, s (fresh store: embedding, training, indexes)",
                f"{ingest_s[big]:.0f}", f"{ingest_s[small]:.0f} ({small // 1000}k)",
                f"{ingest_s[big] / ingest_s[small]:.1f}x for {scale:.0f}x data", "<= 900",
                verdict(ingest_s[big] <= 900))
        )  # fmt: skip
        rows += bench_http(homes[big], big, sizes, workdir)
        rows += teams.bench_store(homes[big], sizes.team_queries, log)
        write_sizes = writes.FULL_WRITES if big >= 50_000 else writes.QUICK_WRITES
        rows += writes.bench_writes(homes[big], big, write_sizes, log, simulated=False)
        rows += ann.bench_ann(homes[big], fast, sizes.ann_vectors, sizes.ann_queries, log)
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    minutes = (time.perf_counter() - started) / 60
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"\n`python -m benchmarks.run{' --quick' if args.quick else ''}` — {time.strftime('%Y-%m-%d %H:%M')}, "
          f"{os.cpu_count()} CPUs, {minutes:.1f} min, load average at the end {load}\n")  # fmt: skip
    print("| metric | this run | baseline (same run) | ratio | target | met |")
    print("|---|--:|--:|--:|---|---|")
    for row in rows:
        print(f"| {row.metric} | {row.value} | {row.baseline} | {row.ratio} | {row.target} | {row.met} |")


if __name__ == "__main__":
    main()
