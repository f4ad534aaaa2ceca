"""Writes under reads (issue 13): how long until a write is served, against a read, and what a burst of writes does
to the reads' tail. Part of ``python -m benchmarks.run`` (on its 100k store); on its own:

    python -m benchmarks.writes --partners 100000            # ~15 min on the 2-core dev machine
    python -m benchmarks.writes --quick                      # 5k partners, a few minutes

On its own it builds the store without embedding it (that takes an hour at 100k here): the stored texts get
*simulated* vectors (hashed bag of words, of the real model's dimension, cached under the real model's name), while
queries and written texts are embedded by the real model as in production. ``benchmarks.run`` passes its ingested
store instead (real vectors everywhere).

- write-to-visible: a write answers once this replica's snapshot has applied it (read-your-writes), so its time is
  the time to visible; each write is checked afterwards with a read of what it changed. Four kinds in turn: PATCH of
  a description (a new text to embed), POST of a partner, POST of a project membership, DELETE of that partner.
- reads: free-text collaborator queries one at a time (p50), then :mod:`benchmarks.loadgen` at concurrency 1 for a
  fixed time alone and during a burst of back-to-back PATCH writes from another client, in alternating rounds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.synthetic import generate, query_texts

ROOT = Path(__file__).resolve().parents[1]
MATCHER = Path(sys.executable).parent / "matcher"
KEY = "benchmark-writes-key-0123456789abcdef"


@dataclass(frozen=True, slots=True)
class WriteSizes:
    reads: int  # sequential reads for the read p50
    writes: int  # timed writes (a multiple of 4: the four kinds in turn)
    burst_seconds: float  # each loadgen window, alone or during the burst
    rounds: int  # alternating quiet / burst rounds


FULL_WRITES = WriteSizes(reads=200, writes=80, burst_seconds=20, rounds=3)
QUICK_WRITES = WriteSizes(reads=40, writes=20, burst_seconds=5, rounds=1)


def cpu_name() -> str:
    """The CPU model and the SIMD flags that matter here (lscpu)."""
    try:
        info = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown CPU"
    model = re.search(r"^Model name:\s*(.+)$", info, re.MULTILINE)
    flags = set((re.search(r"^Flags:\s*(.+)$", info, re.MULTILINE) or re.search("()", "")).group(1).split())  # type: ignore[union-attr]
    simd = [f for f in ("avx2", "fma", "f16c", "avx512f", "avx512_bf16", "avx512_vnni", "amx_tile") if f in flags]
    return (
        f"{model.group(1).strip() if model else 'unknown CPU'} ({os.cpu_count()} CPUs; {', '.join(simd) or 'no AVX'})"
    )


# -- a store without embedding it ------------------------------------------------------------------------------------
def hashed_vectors(texts: Sequence[str], dim: int) -> np.ndarray:
    """Unit vectors where texts sharing words are close: each word adds 1 to a hashed dimension."""
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in re.findall(r"\w+", text.lower()):
            out[row, int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little") % dim] += 1
        out[row, 0] += 1e-3
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def simulated_store(partners: int, workdir: Path, log: Callable[[str], None]) -> Path:
    """A store of ``partners`` synthetic partners whose stored vectors are :func:`hashed_vectors`."""
    from matcher.domain import content_hash
    from matcher.engine import Matcher
    from matcher.io.importer import read_directory
    from matcher.settings import Settings

    data, home = workdir / f"alliance-{partners}", workdir / f"writes-home-{partners}"
    shutil.rmtree(home, ignore_errors=True)
    if not data.exists():
        generate(data, partners=partners, seed=0)
    dataset = read_directory(data).dataset
    matcher = Matcher(Settings(home=home, database_url=None, seed_dir=None, auto_train=False)).open()
    try:
        name, dim = matcher.embedder.name, matcher.embedder.dim
        texts = {content_hash(t): t for t in [p.text for p in dataset.partners] + [p.text for p in dataset.projects]}
        texts.update((content_hash(g.text), g.text) for g in dataset.action_groups)
        log(f"writes: storing {partners} partners with simulated {dim}-d vectors under {name} ...")
        vectors = dict(zip(texts, hashed_vectors(list(texts.values()), dim), strict=True))
        matcher.store.replace_dataset(dataset, model=name, vectors=vectors)
    finally:
        matcher.close()
    return home


# -- HTTP ---------------------------------------------------------------------------------------------------------
def call(port: int, method: str, path: str, body: object = None) -> tuple[int, bytes]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    request.add_header("content-type", "application/json")
    request.add_header("authorization", f"Bearer {KEY}")
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def timed(port: int, method: str, path: str, body: object = None) -> tuple[float, int]:
    started = time.perf_counter()
    status, _ = call(port, method, path, body)
    return (time.perf_counter() - started) * 1000, status


def counter(port: int, name: str) -> float:
    _, text = call(port, "GET", "/metrics")
    found = re.search(rf"^{name} ([0-9.e+-]+)$", text.decode(), re.MULTILINE)
    return float(found.group(1)) if found else float("nan")


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def timed_writes(port: int, n: int, partner_ids: list[str], project_id: str) -> dict[str, list[float]]:
    """``n`` writes of the four kinds in turn, each checked with a read once answered (the check is not timed)."""
    out: dict[str, list[float]] = {"patch": [], "create": [], "member": [], "delete": []}
    for i in range(n // 4):
        target = partner_ids[i % len(partner_ids)]
        new = f"bench-new-{i:05d}"
        steps: list[tuple[str, str, str, Any, str, int]] = [
            ("patch", "PATCH", f"/v1/partners/{target}", {"description": f"Kelp forest school {i} with divers."},
             f"/v1/partners/{target}/similar?k=1", 200),
            ("create", "POST", "/v1/partners", {"id": new, "name": f"Bench {i}", "description": f"Solar boats {i}."},
             f"/v1/partners/{new}/similar?k=1", 200),
            ("member", "POST", f"/v1/projects/{project_id}/members", {"partner_id": new},
             f"/v1/projects/{project_id}/collaborators?k=1", 200),
            ("delete", "DELETE", f"/v1/partners/{new}", None, f"/v1/partners/{new}/similar?k=1", 404),
        ]  # fmt: skip
        for kind, method, path, body, check, expected in steps:
            ms, status = timed(port, method, path, body)
            if status >= 300:
                raise RuntimeError(f"{method} {path} answered {status}")
            seen, _ = call(port, "GET", check)
            if seen != expected:
                raise RuntimeError(f"after {method} {path}, GET {check} answered {seen}, not {expected}")
            out[kind].append(ms)
    return out


def loadgen(url: str, bodies: Path, seconds: float) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.loadgen", url, str(bodies), "--concurrency", "1",
         "--duration", str(seconds), "--warmup", "1"],
        check=True, capture_output=True, text=True, cwd=ROOT, timeout=seconds + 120,
    )  # fmt: skip
    return dict(json.loads(result.stdout))


def burst(
    port: int,
    kind: str,
    partner_ids: list[str],
    project_id: str,
    stop: threading.Event,
    done: list[float],
    description: Callable[[int], str] = "Burst text number {}.".format,
) -> None:
    """Back-to-back writes until ``stop`` (at most 20,000): ``text`` PATCHes a description (a text to embed, the
    ``n``-th from ``description``), ``links`` adds a partner to a project and removes it again (no text to embed)."""
    n = 0
    while not stop.is_set() and n < 20_000:
        target = partner_ids[(n * 7) % len(partner_ids)]
        if kind == "text":
            ms, status = timed(port, "PATCH", f"/v1/partners/{target}", {"description": description(n)})
        elif n % 2 == 0:
            ms, status = timed(port, "POST", f"/v1/projects/{project_id}/members", {"partner_id": target})
        else:
            target = partner_ids[((n - 1) * 7) % len(partner_ids)]
            ms, status = timed(port, "DELETE", f"/v1/projects/{project_id}/members/{target}")
        if status < 300:
            done.append(ms)
        n += 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(port: int, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"matcher serve exited with code {process.returncode} before answering")
        try:
            if call(port, "GET", "/v1/health")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(1)
    raise RuntimeError(f"matcher serve did not answer within {timeout:.0f} s")


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak since start) of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) * 1024 / 1e6
    return fields


def part(ctx: Any) -> None:
    """The ``writes`` part of :mod:`benchmarks.run`: on its ingested store of ``ctx.sizes.partners`` partners."""
    from benchmarks.run import log

    partners = ctx.sizes.partners
    sizes = FULL_WRITES if partners >= 50_000 else QUICK_WRITES
    ctx.report.rows.extend(bench_writes(ctx.home(partners), partners, sizes, log, simulated=False))


def bench_writes(
    home: Path, partners: int, sizes: WriteSizes, log: Callable[[str], None], *, simulated: bool
) -> list[Any]:
    """The rows (:class:`benchmarks.run.Row`) of ``matcher serve`` on the store under ``home``."""
    from benchmarks.run import Row, verdict

    port = free_port()
    env = {**os.environ, "MATCHER_HOME": str(home), "MATCHER_LOG_LEVEL": "WARNING", "MATCHER_API_KEYS": KEY}
    env.pop("MATCHER_DATABASE_URL", None)
    if simulated:  # no ranker training on simulated vectors: the default weights
        env["MATCHER_AUTO_TRAIN"] = "false"
    log(f"writes: starting matcher serve on the {partners}-partner store ...")
    server = subprocess.Popen(
        [str(MATCHER), "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    texts = query_texts(200, seed=2)
    bodies = home / "write-bench-queries.jsonl"
    bodies.write_text("".join(json.dumps({"text": q, "k": 10}) + "\n" for q in texts))
    url = f"http://127.0.0.1:{port}/v1/recommendations/collaborators"
    started = time.perf_counter()
    try:
        wait_healthy(port, server, timeout=3600)
        start_s = time.perf_counter() - started
        log(f"writes: serving after {start_s:.0f} s")
        _, listing = call(port, "GET", "/v1/partners?limit=200")
        partner_ids = [p["id"] for p in json.loads(listing)["data"]]
        _, projects = call(port, "GET", "/v1/projects?limit=1")
        project_id = json.loads(projects)["data"][0]["id"]
        for text in texts[:20]:  # warm-up
            call(port, "POST", "/v1/recommendations/collaborators", {"text": text, "k": 10})
        reads = [timed(port, "POST", "/v1/recommendations/collaborators", {"text": texts[i % len(texts)], "k": 10})[0]
                 for i in range(sizes.reads)]  # fmt: skip
        log(f"writes: read p50 {statistics.median(reads):.1f} ms")
        writes = timed_writes(port, sizes.writes, partner_ids, project_id)
        every = [ms for values in writes.values() for ms in values]
        log(f"writes: write p50 {statistics.median(every):.1f} ms; " + ", ".join(
            f"{k} {statistics.median(v):.0f}" for k, v in writes.items()))  # fmt: skip
        quiet: list[dict[str, float]] = []
        loud: dict[str, list[dict[str, float]]] = {"text": [], "links": []}
        burst_writes: dict[str, list[float]] = {"text": [], "links": []}
        for round_ in range(sizes.rounds):
            for kind in ("text", "links"):
                quiet.append(loadgen(url, bodies, sizes.burst_seconds))
                stop = threading.Event()
                args = (port, kind, partner_ids[100:], project_id, stop, burst_writes[kind])
                writer = threading.Thread(target=burst, args=args)
                writer.start()
                try:
                    loud[kind].append(loadgen(url, bodies, sizes.burst_seconds))
                finally:
                    stop.set()
                    writer.join()
                so_far = len(burst_writes[kind])
                log(f"writes: round {round_ + 1}: read p99 {quiet[-1]['p99_ms']:.1f} ms alone, "
                    f"{loud[kind][-1]['p99_ms']:.1f} ms during {so_far} {kind} writes so far")  # fmt: skip
        rebuilds = counter(port, "matcher_snapshot_rebuilds_total")
        deltas = counter(port, "matcher_snapshot_deltas_total")
        memory = memory_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)

    read_p50, write_p50 = statistics.median(reads), statistics.median(every)
    p99_quiet = statistics.median(r["p99_ms"] for r in quiet)
    at = f"{partners // 1000}k partners" + (", simulated stored vectors" if simulated else "")
    kinds = ", ".join(f"{k} {statistics.median(v):.0f}" for k, v in writes.items())
    cpu = cpu_name()
    return [
        Row(f"write-to-visible p50, ms ({at}; {len(every)} writes, p50 by kind: {kinds}; p99 "
            f"{percentile(every, 0.99):.0f}) vs a free-text read's p50 ({sizes.reads} reads one at a time, p99 "
            f"{percentile(reads, 0.99):.0f}); CPU: {cpu}",
            f"{write_p50:.1f}", f"{read_p50:.1f}", f"{write_p50 / read_p50:.1f}x", "<= 10x",
            verdict(write_p50 / read_p50 <= 10)),
        *(
            Row(f"read p99 during a burst of {label} vs without, ms ({at}; concurrency 1, {sizes.rounds} rounds of "
                f"{sizes.burst_seconds:.0f} s alternating with reads alone, medians; {len(burst_writes[kind])} burst "
                f"writes, p50 {statistics.median(burst_writes[kind]) if burst_writes[kind] else float('nan'):.0f} ms)",
                f"{statistics.median(r['p99_ms'] for r in loud[kind]):.1f}", f"{p99_quiet:.1f}",
                f"{statistics.median(r['p99_ms'] for r in loud[kind]) / p99_quiet:.2f}x", "<= 1.3x",
                verdict(statistics.median(r["p99_ms"] for r in loud[kind]) / p99_quiet <= 1.3))
            for kind, label in (("text", "description PATCHes (each a text to embed)"),
                                ("links", "membership adds and removals (nothing to embed)"))
        ),
        Row(f"snapshot full rebuilds / deltas applied in that run ({at}; 1 rebuild = the start)",
            f"{rebuilds:.0f} / {deltas:.0f}", target="1 rebuild", met=verdict(rebuilds == 1)),
        Row(f"service resident memory after the writes (VmRSS), MB ({at}; peak {memory['VmHWM']:.0f}; start-up "
            f"{start_s:.0f} s: store, catalog and TF-IDF fit, indexes, models)", f"{memory['VmRSS']:.0f}"),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    from benchmarks.run import log

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--partners", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="5k partners, short windows")
    parser.add_argument("--workdir", type=Path, default=None, help="scratch folder (kept; reused for the data)")
    args = parser.parse_args(argv)
    sizes, partners = (QUICK_WRITES, 5_000) if args.quick else (FULL_WRITES, args.partners)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="matcher-writes-"))
    workdir.mkdir(parents=True, exist_ok=True)
    load_before = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    started = time.perf_counter()
    home = simulated_store(partners, workdir, log)
    rows = bench_writes(home, partners, sizes, log, simulated=True)
    minutes = (time.perf_counter() - started) / 60
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"\n`python -m benchmarks.writes{' --quick' if args.quick else f' --partners {partners}'}` — "
          f"{time.strftime('%Y-%m-%d %H:%M')}, {minutes:.1f} min, load average at the start {load_before}, at the "
          f"end {load}\n")  # fmt: skip
    print("| metric | this run | baseline (same run) | ratio | target | met |")
    print("|---|--:|--:|--:|---|---|")
    for row in rows:
        print(f"| {row.metric} | {row.value} | {row.baseline} | {row.ratio} | {row.target} | {row.met} |")


if __name__ == "__main__":
    main()
