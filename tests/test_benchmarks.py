"""The code paths the benchmarks use (the benchmarks themselves are not tests): the synthetic alliance, the load
generator's statistics and its HTTP loop."""

from __future__ import annotations

import asyncio
import json
import math
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from benchmarks.ceiling import Ceiling, EncoderShape, cpu_flags, flops_per_text, native_formats, padded_lengths
from benchmarks.loadgen import percentile, run_load, summarize
from benchmarks.synthetic import generate
from matcher.io.importer import read_directory
from matcher.recommender import Recommender


def test_synthetic_alliance_is_accepted_by_the_importer_with_exact_counts(tmp_path: Path) -> None:
    counts = generate(tmp_path / "alliance", partners=500, seed=3)

    dataset = read_directory(tmp_path / "alliance").dataset

    assert dataset.counts() == {
        "partners": 500,
        "projects": 100,
        "action_groups": 16,
        "project_members": counts.project_members,
        "group_members": counts.group_members,
    }
    assert (counts.partners, counts.projects, counts.action_groups) == (500, 100, 16)
    assert 200 <= counts.project_members <= 800 and 20 <= counts.group_members <= 90
    words = [len(p.description.split()) for p in dataset.partners]
    assert 40 <= sum(words) / len(words) <= 90  # multi-sentence descriptions
    assert len({p.description for p in dataset.partners}) == 500
    leads = [m for m in dataset.project_members if m.role == "lead"]
    assert len(leads) == 100  # one lead per project


def test_synthetic_alliance_is_the_same_for_the_same_seed(tmp_path: Path) -> None:
    generate(tmp_path / "a", partners=60, seed=1)
    generate(tmp_path / "b", partners=60, seed=1)
    generate(tmp_path / "c", partners=60, seed=2)

    for name in ("partners.csv", "projects.csv", "project_members.csv", "group_members.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / "partners.csv").read_bytes() != (tmp_path / "c" / "partners.csv").read_bytes()


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]  # 1..100

    assert (percentile(values, 50), percentile(values, 99), percentile(values, 100)) == (50.0, 99.0, 100.0)
    assert percentile([7.0], 99) == 7.0
    assert math.isnan(percentile([], 50))


def test_summarize_known_latencies() -> None:
    latencies = [0.001 * v for v in range(1, 101)]  # 1..100 ms

    stats = summarize(latencies, errors=2, seconds=4.0)

    assert (stats.requests, stats.errors, stats.rps) == (100, 2, 25.0)
    assert (stats.p50_ms, stats.p90_ms, stats.p99_ms, stats.max_ms) == (50.0, 90.0, 99.0, 100.0)


class _Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        status = 500 if b"fail" in body else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/echo"
    httpd.shutdown()


def test_run_load_counts_successes_and_errors_over_keep_alive_connections(server: str) -> None:
    bodies = [b'{"text": "ok"}', b'{"text": "fail"}']
    with ThreadPoolExecutor(1) as pool:  # a thread of its own: another test's event loop may be running in this one
        stats = pool.submit(asyncio.run, run_load(server, bodies, concurrency=2, duration=0.5, warmup=0.1)).result()

    assert stats.requests >= 4 and stats.errors >= 2  # every second body fails (few: the machine may be loaded)
    assert abs(stats.requests - stats.errors) <= 2
    assert stats.seconds >= 0.5 and stats.p50_ms > 0


def test_encoder_flops_count_projections_feed_forward_and_attention() -> None:
    shape = EncoderShape(layers=1, hidden=2, intermediate=4)

    # 3 tokens: projections 4·h² = 16 and feed-forward 2·h·i = 16 multiply-adds per token -> 2·3·32 = 192 FLOPs;
    # attention QKᵀ and AV: 2 products · 2 · n² · h = 2·2·9·2 = 72 FLOPs.
    assert shape.flops(3) == 264
    assert EncoderShape(layers=6, hidden=2, intermediate=4).flops(3) == 6 * 264


def test_flops_per_text_pads_each_sorted_batch_to_its_longest() -> None:
    shape = EncoderShape(layers=1, hidden=2, intermediate=4)

    assert padded_lengths([5, 1, 3, 2], batch_size=2) == [2, 2, 5, 5]
    assert flops_per_text(shape, [5, 1, 3, 2], batch_size=2) == (2 * shape.flops(2) + 2 * shape.flops(5)) / 4
    assert flops_per_text(shape, [3], batch_size=32) == 264
    with pytest.raises(ValueError, match="at least one"):
        flops_per_text(shape, [])


def test_cpu_flags_and_native_formats() -> None:
    zen3 = "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2 avx avx2 fma\n\nprocessor\t: 1\nflags\t: x"
    zen4 = "flags\t\t: avx2 avx512f avx512_vnni avx512_bf16"

    assert cpu_flags(zen3) == {"fpu", "sse2", "avx", "avx2", "fma"}
    assert native_formats(cpu_flags(zen3)) == {"bf16": False, "int8 dot product": False}
    assert native_formats(cpu_flags(zen4)) == {"bf16": True, "int8 dot product": True}
    assert cpu_flags("") == frozenset()


def test_speedup_bound_is_the_best_peak_over_achieved_throughput() -> None:
    ceiling = Ceiling("cpu", frozenset(), {"fp32": 100.0, "int8": 250.0}, flops_per_text=5e9, tokens_per_text=180)

    assert ceiling.achieved_gflops(16.0) == pytest.approx(80.0)  # 16 texts/s x 5 GFLOP
    assert ceiling.speedup_bound(16.0) == ("int8", pytest.approx(250.0 / 80.0))


def test_text_work_reads_the_model_shape_and_counts_tokens_with_special_ones() -> None:
    from benchmarks.ceiling import text_work
    from matcher.embedding.sentence_transformers import packaged_model_path

    work = text_work(["hello world", "hello"], str(packaged_model_path()), batch_size=32)

    assert work.shape == EncoderShape(layers=6, hidden=384, intermediate=1536)  # all-MiniLM-L6-v2
    assert work.tokens_per_text == 3.5  # [CLS] hello world [SEP] and [CLS] hello [SEP]
    assert work.flops_per_text == work.shape.flops(4)  # one batch, padded to its longest


def test_run_load_reports_every_request_sent(server: str) -> None:
    with ThreadPoolExecutor(1) as pool:
        stats = pool.submit(asyncio.run, run_load(server, [b"{}"], concurrency=1, duration=0.3, warmup=0.2)).result()

    assert stats.sent >= stats.requests + stats.errors  # warm-up requests are sent but not measured
    assert stats.sent > 0


def test_bodies_never_repeat_a_text_across_runs(tmp_path: Path) -> None:
    from benchmarks.run import Bodies

    bodies = Bodies(tmp_path)
    first, second = bodies.take(700), bodies.take(900)  # the second outgrows the first batch of texts
    texts = [json.loads(line)["text"] for path in (first, second) for line in path.read_text().splitlines()]

    assert len(texts) == 1600 == len(set(texts))
    assert json.loads(first.read_text().splitlines()[0]) == {"text": texts[0], "k": 10}


def test_session_mix_resends_a_text_with_a_filter_or_uses_fresh_texts() -> None:
    from benchmarks.run import MIX_FILTERS, session_mix

    texts = [f"text {i}" for i in range(50)]
    fresh = [f"fresh {i}" for i in range(200)]

    mix = session_mix(texts, None)
    same_sessions = session_mix(texts, fresh)

    first_sends = [b for b in mix if "filters" not in b]
    assert [b["text"] for b in first_sends] == texts  # each session starts with its own text, unfiltered
    resends = [b for b in mix if "filters" in b]
    assert resends and all(b["filters"] in MIX_FILTERS for b in resends)
    assert all(b["text"] in texts for b in resends)
    # the same sessions without repeats: same length and filters, every re-send a new text
    assert len(same_sessions) == len(mix)
    assert [b.get("filters") for b in same_sessions] == [b.get("filters") for b in mix]
    sent = [b["text"] for b in same_sessions]
    assert len(sent) == len(set(sent))


def test_cache_lookups_read_from_the_metrics_text() -> None:
    from benchmarks.run import cache_lookups

    metrics = (
        "# HELP matcher_query_cache_lookups_total Query-vector cache lookups\n"
        'matcher_query_cache_lookups_total{result="hit"} 12.0\n'
        'matcher_query_cache_lookups_total{result="miss"} 30.0\n'
        "matcher_query_embeddings_total 30.0\n"
    )

    assert cache_lookups(metrics) == (12.0, 30.0)
    assert cache_lookups("") == (0.0, 0.0)


def test_needed_memory_extends_the_line_through_the_two_largest_measured_sizes() -> None:
    from benchmarks.growth import MEMORY_MARGIN, needed_memory_gb

    # the two largest sizes set the line: 950 MB per 90k partners above 1,800 MB at 100k -> 11.3 GB at 1M
    measured = {1_000: 740.0, 10_000: 850.0, 100_000: 1800.0}
    per_partner = (1800.0 - 850.0) / 90_000
    assert needed_memory_gb(1_000_000, measured) == pytest.approx(
        (1800.0 + 900_000 * per_partner) * MEMORY_MARGIN / 1000
    )
    assert needed_memory_gb(1_000_000, {1_000: 740.0, 100_000: 1800.0}) == pytest.approx(
        (1800.0 + 900_000 * 1060.0 / 99_000) * MEMORY_MARGIN / 1000
    )
    # fewer than two sizes: 1.6 GB per 100k partners, nothing fixed
    assert needed_memory_gb(100_000, {}) == pytest.approx(1.6 * MEMORY_MARGIN)
    assert needed_memory_gb(1_000_000, {100_000: 1800.0}) == pytest.approx(16.0 * MEMORY_MARGIN)


def test_seed_vectors_are_unit_vectors_near_the_base_ones() -> None:
    from benchmarks.growth import seed_vectors

    rng = np.random.default_rng(0)
    centre = rng.standard_normal(16)
    base = centre + 0.1 * rng.standard_normal((40, 16))  # one tight cluster
    base = (base / np.linalg.norm(base, axis=1, keepdims=True)).astype(np.float32)

    seeded = seed_vectors(base, 100)

    assert seeded.shape == (100, 16) and seeded.dtype == np.float32
    assert np.allclose(np.linalg.norm(seeded, axis=1), 1.0, atol=1e-5)
    assert float((seeded @ (centre / np.linalg.norm(centre))).min()) > 0.8  # on the cluster, not random directions


def test_usem3_work_counts_tokens_and_layers() -> None:
    from benchmarks.growth import usem3_work

    short, long = usem3_work(["ocean"]), usem3_work(["ocean literacy for primary schools on the coast " * 4])

    # per text: output layers (~3.4 MFLOP); per token: projection and two convolutions per branch (~3.4 MFLOP)
    assert 5e6 < short < 2e7
    assert long > 5 * short


def test_median_of_leaves_out_runs_without_answers() -> None:
    from benchmarks.run import median_of

    assert median_of([3.0, math.nan, 1.0, 2.0]) == 2.0
    assert math.isnan(median_of([math.nan]))


def test_breakdown_times_every_step_of_a_request(recommender: Recommender) -> None:
    from benchmarks.breakdown import STEPS, measure

    texts = ["coral reef ocean literacy for schools", "solar energy for rural schools"] * 2

    result = measure(recommender, recommender.embedder.encode, texts)

    assert list(result.steps_ms) == list(STEPS) == list(result.steps_cpu_ms)
    assert all(ms >= 0 for ms in result.steps_ms.values()) and result.steps_ms["embedding (alone)"] > 0
    assert result.end_to_end_ms > 0 and result.candidates > 0 and result.queries == 4
    assert result.overhead == result.end_to_end_ms / result.steps_ms["embedding (alone)"]


def test_a_kept_store_is_reused_with_the_record_of_its_ingest(tmp_path: Path) -> None:
    from benchmarks.run import QUICK, Bodies, Context, Ingested, Report

    stores = tmp_path / "stores"
    kept = stores / "home-10"
    kept.mkdir(parents=True)
    Ingested(12.5, "2026-01-02 03:04", "abc1234", "1.0, 1.0, 1.0").save(kept)
    ctx = Context(QUICK, tmp_path, tmp_path / "cache", stores, Bodies(tmp_path), Report())

    home = ctx.home(10)  # no ingest runs: the record says when and how long it took

    assert home == kept
    assert ctx.ingest("matcher", 10).seconds == 12.5
    assert ctx.reused() == ["matcher-10 (ingested 2026-01-02 03:04 at abc1234, load average 1.0, 1.0, 1.0)"]
    assert (stores / "alliance-10" / "partners.csv").exists()  # the data it was built from is there too


def test_the_main_size_is_seeded_and_the_others_are_plain_ingests(tmp_path: Path) -> None:
    import dataclasses

    from benchmarks.run import QUICK, Bodies, Context, Ingested, Report

    stores = tmp_path / "stores"
    seeded, plain = stores / "seeded" / "home-20", stores / "home-10"
    for kept, how in ((seeded, "vectors seeded from /base"), (plain, "")):
        kept.mkdir(parents=True)
        Ingested(3.0, "2026-01-02 03:04", "abc1234", "1.0", seeded=how).save(kept)
    sizes = dataclasses.replace(QUICK, partners=20, peers_partners=10)
    ctx = Context(sizes, tmp_path, tmp_path / "cache", stores, Bodies(tmp_path), Report(), seeded_from=Path("/base"))

    assert ctx.home(20) == seeded and ctx.home(10) == plain
    assert ctx.seeded(20) and not ctx.seeded(10)
    assert ctx.at(20) == "0.02k partners, vectors seeded" and ctx.at(10) == "0.01k partners"
    assert ctx.ingest("matcher", 20).seeded == "vectors seeded from /base"
    assert (
        ctx.reused()[0]
        == "matcher-20 (ingested 2026-01-02 03:04 at abc1234, load average 1.0, vectors seeded from /base)"
    )


def test_busy_others_are_the_other_processes_above_half_a_cpu_below_nice_19() -> None:
    from benchmarks.run import busy_others

    before = {1: (0, 10.0), 2: (19, 10.0), 3: (0, 10.0), 4: (5, 0.0), 5: (0, 0.0)}
    after = {1: (0, 13.0), 2: (19, 15.0), 3: (0, 11.0), 4: (5, 4.0), 5: (0, 5.0), 6: (0, 9.0)}

    # over 5 s: 1 used 60 % (but is this process), 2 is at nice 19, 3 used 20 %, 4 used 80 %, 5 100 %, 6 is new
    assert busy_others(before, after, 5.0, own=1) == [(4, 0.8), (5, 1.0)]


def test_memory_counts_the_stored_rows_of_shared_vectors_and_sparse_matrices() -> None:
    import scipy.sparse as sp

    from benchmarks.memory import nbytes, rss_mb
    from matcher.rows import VectorBuffer, VectorRows

    buffer = VectorBuffer(4, 3)
    buffer.append(np.ones((3, 4), dtype=np.float32))
    rows = VectorRows(buffer, np.array([0, 1, 2, 0, 0, 0, 0, 0, 0, 0]))  # ten rows, seven sharing the first
    assert nbytes(rows) == 3 * 4 * 4 + 10 * 8  # three written rows of 4 floats, and 10 slots
    matrix = sp.csr_matrix(np.eye(3, dtype=np.float32))
    assert nbytes(matrix) == 3 * 4 + 3 * 4 + 4 * 4  # data, indices (int32), indptr
    assert nbytes(np.zeros((5, 2), dtype=np.float16)) == 20
    assert 10 < rss_mb() < 100_000


def test_a_servers_memory_counts_its_worker_processes() -> None:
    import os
    import subprocess
    import sys

    from benchmarks.run import memory_mb, process_tree

    alone = memory_mb(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "import time; b = bytearray(200_000_000); time.sleep(60)"])
    try:
        deadline = time.monotonic() + 30
        while memory_mb(child.pid)["VmRSS"] < 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert child.pid in process_tree(os.getpid())
        with_child = memory_mb(os.getpid())
        assert with_child["VmRSS"] >= alone["VmRSS"] + 200  # the child's 200 MB bytearray (10^6-byte MB) is in
        assert process_tree(child.pid) == [child.pid]
    finally:
        child.kill()
        child.wait()


class _Workers(BaseHTTPRequestHandler):
    """GET /v1/health naming one of two "processes": the first answers alone until ``ready`` is set."""

    ready = threading.Event()
    turn = iter(range(1_000_000))

    def do_GET(self) -> None:
        pid = 101 if not self.ready.is_set() else 101 + next(self.turn) % 2
        body = json.dumps({"status": "ok", "process": pid}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_the_benchmark_waits_until_every_worker_answers() -> None:
    from benchmarks.run import Server, answering_processes, wait_all_workers

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Workers)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        server = Server("w", None, httpd.server_address[1], "/")  # type: ignore[arg-type]
        assert answering_processes(server.port) == {101}
        with pytest.raises(RuntimeError, match="1 of 2 workers answered"):
            wait_all_workers(server, "/v1/health", 2, timeout=1.0)
        threading.Timer(0.5, _Workers.ready.set).start()
        wait_all_workers(server, "/v1/health", 2, timeout=10.0)
        assert answering_processes(server.port) == {101, 102}
    finally:
        httpd.shutdown()


def test_the_memory_benchmarks_rewrites_are_many_lengths_and_repeatable() -> None:
    """benchmarks.memory --writes: each rewrite a new input length for the encoder, the same text for the same n."""
    from benchmarks.memory import varied_description

    lengths = [len(varied_description(n).split()) for n in range(200)]
    assert min(lengths) >= 5 and max(lengths) <= 250
    assert len(set(lengths)) > 100 and max(lengths) > 200 and min(lengths) < 30
    assert varied_description(7) == varied_description(7) != varied_description(8)
