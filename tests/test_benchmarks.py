"""The code paths the benchmarks use (the benchmarks themselves are not tests): the synthetic alliance, the load
generator's statistics and its HTTP loop."""

from __future__ import annotations

import asyncio
import math
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from benchmarks.ceiling import Ceiling, EncoderShape, cpu_flags, flops_per_text, native_formats, padded_lengths
from benchmarks.loadgen import percentile, run_load, summarize
from benchmarks.synthetic import generate
from matcher.io.importer import read_directory


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
