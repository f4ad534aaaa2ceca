"""The performance benchmark of issue 16: the matcher against its peers and against the machine's own limits, every
figure a ratio measured in the same run. One command, markdown tables on stdout (docs/performance.md shows the latest):

    python -m benchmarks.run            # full: 100k partners, growth to 1M, H2020 (hours on a 2-core machine)
    python -m benchmarks.run --quick    # every part at small sizes (1k partners, the sample alliance): a smoke run
    python -m benchmarks.run --parts peers load cache    # some parts only (see PARTS)

Parts, each bounded in time (load runs by duration, subprocesses by timeouts):

- ``peers``: the matcher (one process, and ``matcher serve --workers 2``), the naive design and txtai
  (:mod:`benchmarks.peers`) on the same synthetic partners
  (:mod:`benchmarks.synthetic`): ingest time, then each served by uvicorn in its own process while
  :mod:`benchmarks.loadgen` sends free-text queries from another: p50/p99 at concurrency 1, requests/s at
  concurrency 8, in rounds that alternate the three systems (a noisy neighbour hits all alike), every request a text
  not sent before (no cache hit); then each server's resident memory (``--peers-partners`` sets its size).
- ``quality``: recall@10 of the matcher and of each peer on the same held-out queries (:mod:`benchmarks.quality`):
  the H2020 temporal split (the sample alliance with ``--quick``).
- ``overhead``: a free-text request's p50 over HTTP at concurrency 1 against the query embedding alone (the
  matcher's encoders, one text at a time, in this process, between the rounds); then the in-process time of each
  step of the pipeline (:mod:`benchmarks.breakdown`).
- ``load``: concurrency 32 for 60 s against the matcher: errors, p50/p99, requests/s.
- ``cache``: the query-vector cache on a realistic mix (the page re-sends a text when a filter changes): hit rate
  and p50 against the same mix with every text new.
- ``growth``: query p50 and resident memory at 1k, 10k, 100k and 1M partners; the 1M store is built once and kept
  under ``--cache-dir`` (its vectors beyond the 100k store's real ones are synthetic, see
  :func:`benchmarks.growth.seed_vectors`); it is skipped when the machine lacks the memory.
- ``ingest``: texts/s of ``matcher ingest`` over plain sentence-transformers encode of the same texts; each encoder's
  throughput as a share of this CPU's measured matmul peak (:mod:`benchmarks.ceiling`).
- ``writes``: write-to-visible p50 against a read's p50, and read p99 during bursts of writes against without, on
  the ingested store (:mod:`benchmarks.writes`).
- ``teams``: the same project queries as collaborators and as a consortium of 5 under constraints on the ingested
  store, p50/p99 of each and their ratio (issue 17: at most 2x; :mod:`benchmarks.teams`).
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
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
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import teams, writes
from benchmarks.synthetic import generate, query_texts

ROOT = Path(__file__).resolve().parents[1]
MATCHER = Path(sys.executable).parent / "matcher"
ENDPOINT = "/v1/recommendations/collaborators"
PARTS: tuple[str, ...] = ("peers", "quality", "overhead", "load", "cache", "growth", "ingest", "writes", "teams")
SYSTEMS: tuple[str, ...] = ("matcher", "naive", "txtai")
#: ``matcher serve --workers WORKERS`` beside the one-process service in the peers part (the same store)
WORKERS = 2
SERVED: tuple[str, ...] = ("matcher", "matcher-workers", "naive", "txtai")
DEFAULT_CACHE = Path("/tmp/matcher-bench-cache")


@dataclass(frozen=True, slots=True)
class Sizes:
    partners: int  # the size overhead, load, cache and ingest run at
    peers_partners: int  # the size the peers comparison runs at
    growth: tuple[int, ...]
    load_seconds: float
    load_rounds: int
    stress_seconds: float
    embed_queries: int
    ingest_sample: int
    quality: str  # "h2020" or "sample"
    timeout_s: float  # any one subprocess (an ingest, a server start)
    warm_seconds: float  # load sent to a server after it answers, before any measurement (lazy caches, first shapes)


FULL = Sizes(
    partners=100_000,
    peers_partners=100_000,
    growth=(1_000, 10_000, 100_000, 1_000_000),
    load_seconds=20,
    load_rounds=3,
    stress_seconds=60,
    embed_queries=200,
    ingest_sample=1024,
    quality="h2020",
    timeout_s=4 * 3600,
    warm_seconds=15,
)
QUICK = Sizes(
    partners=1_000,
    peers_partners=1_000,
    growth=(200, 500, 1_000, 2_000),
    load_seconds=4,
    load_rounds=1,
    stress_seconds=5,
    embed_queries=30,
    ingest_sample=64,
    quality="sample",
    timeout_s=1800,
    warm_seconds=5,
)


@dataclass(frozen=True, slots=True)
class Row:
    metric: str
    value: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    met: str = ""


@dataclass(slots=True)
class Report:
    """What the run measured: the main table's rows and extra tables (title -> markdown lines)."""

    rows: list[Row] = field(default_factory=list)
    tables: dict[str, list[str]] = field(default_factory=dict)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def verdict(ok: bool) -> str:
    return "yes" if ok else "**no**"


def median_of(values: Iterable[float]) -> float:
    """The median of the values that are numbers (a run without any answer has NaN latencies); NaN when none."""
    kept = [v for v in values if v == v]
    return float(statistics.median(kept)) if kept else float("nan")


def size_label(n: int) -> str:
    return f"{n / 1e6:g}M" if n >= 1_000_000 else f"{n / 1000:g}k"


# -- the machine and the code ------------------------------------------------------------------------------------
def cpu_description() -> tuple[str, str]:
    """``lscpu``'s model name and flags (``/proc/cpuinfo`` when lscpu is missing)."""
    try:
        text = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        return fields.get("Model name", "?").strip(), fields.get("Flags", "").strip()
    except (OSError, subprocess.CalledProcessError):
        from benchmarks.ceiling import cpu_flags

        info = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
        name = next((ln.split(":", 1)[1].strip() for ln in info.splitlines() if ln.startswith("model name")), "?")
        return name, " ".join(sorted(cpu_flags(info)))


def commit() -> str:
    """The short commit of the working tree, with ``+changes`` when it differs from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True)
        return head.stdout.strip() + (" + uncommitted changes" if dirty.stdout.strip() else "")
    except OSError:
        return "?"


# -- processes ------------------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def matcher_env(home: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "MATCHER_HOME": str(home), "MATCHER_LOG_LEVEL": "WARNING", **extra}
    env.pop("MATCHER_DATABASE_URL", None)
    return env


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (a server's worker processes), from /proc."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue  # it ended
        todo += [int(c) for c in children]
    return out


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak since start) of a process and its descendants (summed: a server with worker
    processes holds all of it), in MB (10^6 bytes; /proc reports KiB)."""
    fields = {"VmRSS": 0.0, "VmHWM": 0.0}
    for member in process_tree(pid):
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            name, _, value = line.partition(":")
            if name in fields:
                fields[name] += int(value.split()[0]) * 1024 / 1e6
    return fields


def available_memory_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024 / 1e9
    return float("nan")


@dataclass(slots=True)
class Server:
    """A service in its own process, answering HTTP on ``port``."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    path: str
    start_s: float = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def memory(self) -> dict[str, float]:
        return memory_mb(self.process.pid)

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=30) as response:
            return bytes(response.read())


def wait_healthy(server: Server, health: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with code {server.process.returncode} before answering")
        try:
            server.get(health)
            return
        except OSError:
            time.sleep(1)
    raise RuntimeError(f"{server.name} did not answer {health} within {timeout:.0f} s")


@contextmanager
def serving(
    commands: dict[str, tuple[list[str], dict[str, str], str, str]],
    timeout: float,
    warm: Callable[[Server], object] | None = None,
) -> Iterator[dict[str, Server]]:
    """Start each ``name -> (argv with {port}, env, health path, query path)`` in turn, ``warm`` it once it
    answers; stop them all at the end."""
    servers: dict[str, Server] = {}
    try:
        for name, (argv, env, health, path) in commands.items():  # one after the other: start-ups do not overlap
            port = free_port()
            started = time.perf_counter()
            process = subprocess.Popen(
                [a.format(port=port) for a in argv], env=env, cwd=ROOT,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            servers[name] = Server(name, process, port, path)
            wait_healthy(servers[name], health, timeout)
            servers[name].start_s = time.perf_counter() - started
            log(f"{name} serving after {servers[name].start_s:.0f} s")
            if warm is not None:
                warm(servers[name])
        yield servers
    finally:
        for server in servers.values():
            server.process.terminate()
        for server in servers.values():
            try:
                server.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.process.kill()


def matcher_command(home: Path, workers: int = 1) -> tuple[list[str], dict[str, str], str, str]:
    argv = [str(MATCHER), "serve", "--port", "{port}"] + (["--workers", str(workers)] if workers > 1 else [])
    return argv, matcher_env(home), "/v1/health", ENDPOINT


def answering_processes(port: int, health: str = "/v1/health", attempts: int = 16) -> set[int]:
    """The processes (``process`` of GET /v1/health) of the server on ``port`` that answered ``attempts`` new
    connections, 8 at a time (one after the other, one process of several may take them all)."""

    def one(_: int) -> int | None:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{health}", headers={"connection": "close"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read()).get("process")
        except OSError:
            return None

    with ThreadPoolExecutor(8) as pool:
        return {pid for pid in pool.map(one, range(attempts)) if pid is not None}


def wait_all_workers(server: Server, health: str, workers: int, timeout: float) -> None:
    """Until each of ``workers`` processes answered (they start one after the other: until then, the first one
    takes every connection)."""
    deadline, seen = time.monotonic() + timeout, set[int]()
    while len(seen) < workers:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{server.name}: {len(seen)} of {workers} workers answered within {timeout:.0f} s")
        time.sleep(0.5)
        seen |= answering_processes(server.port, health)


def peer_command(name: str, directory: Path) -> tuple[list[str], dict[str, str], str, str]:
    argv = [sys.executable, "-m", "benchmarks.peers", "serve", name, str(directory), "--port", "{port}"]
    return argv, {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}, "/health", "/search"


def cpu_seconds_by_process() -> dict[int, tuple[int, float]]:
    """pid -> (nice, user + system CPU seconds so far) of every process /proc shows."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[int, tuple[int, float]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended
        out[int(stat.parent.name)] = (int(fields[16]), (int(fields[11]) + int(fields[12])) / tick)
    return out


def busy_others(
    before: dict[int, tuple[int, float]], after: dict[int, tuple[int, float]], seconds: float, own: int
) -> list[tuple[int, float]]:
    """(pid, share of a CPU) of the processes other than ``own`` at nice < 19 that used more than half a CPU
    between the two samples."""
    busy = []
    for pid, (nice, cpu) in after.items():
        if pid == own or pid not in before or nice >= 19:
            continue
        share = (cpu - before[pid][1]) / seconds
        if share > 0.5:
            busy.append((pid, share))
    return busy


def wait_for_quiet(limit_s: float, sample_s: float = 5.0) -> float:
    """Wait (at most ``limit_s``) while another process at nice < 19 uses more than half a CPU: a benchmark part
    disturbed by another session's benchmark measures that benchmark. Returns the seconds waited."""
    started = time.perf_counter()
    while True:
        before = cpu_seconds_by_process()
        time.sleep(sample_s)
        busy = busy_others(before, cpu_seconds_by_process(), sample_s, os.getpid())
        waited = time.perf_counter() - started
        if not busy or waited >= limit_s:
            if busy:
                log(f"still busy after {waited:.0f} s, going on: " + ", ".join(f"{p} {c:.0%}" for p, c in busy))
            return waited - sample_s if not busy else waited
        log("waiting: " + ", ".join(f"pid {p} uses {c:.0%} of a CPU" for p, c in busy))
        time.sleep(25)


# -- load -----------------------------------------------------------------------------------------------------------
class Bodies:
    """Request bodies that are never sent twice: each load run takes a fresh slice of distinct query texts."""

    def __init__(self, workdir: Path, seed: int = 1) -> None:
        self.workdir = workdir
        self.seed = seed
        self.texts: list[str] = []
        self.used = 0
        self.files = 0

    def fresh(self, n: int) -> list[str]:
        """``n`` query texts no earlier call returned."""
        while len(self.texts) < self.used + n:
            self.texts = query_texts(max(2 * len(self.texts), self.used + n, 1024), seed=self.seed)
        texts = self.texts[self.used : self.used + n]
        self.used += n
        return texts

    def take(self, n: int) -> Path:
        """A JSON Lines file of ``n`` bodies ``{"text": t, "k": 10}``, each with a text never sent before."""
        return self.write([{"text": t, "k": 10} for t in self.fresh(n)])

    def write(self, bodies: Sequence[dict[str, object]]) -> Path:
        self.files += 1
        path = self.workdir / f"bodies-{self.files}.jsonl"
        path.write_text("".join(json.dumps(b) + "\n" for b in bodies))
        return path


def load(url: str, bodies: Path, concurrency: int, seconds: float, warmup: float = 3.0) -> dict[str, float]:
    """One bounded load run in a separate process (:mod:`benchmarks.loadgen`)."""
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.loadgen", url, str(bodies), "--concurrency", str(concurrency),
         "--duration", str(seconds), "--warmup", str(warmup)],
        check=True, capture_output=True, text=True, cwd=ROOT, timeout=seconds + warmup + 300,
    )  # fmt: skip
    return dict(json.loads(result.stdout))


def bodies_needed(seconds: float, concurrency: int) -> int:
    """Enough distinct bodies for a run (warm-up included) at up to 400 requests/s, or 25 ms per request per
    connection, whichever is more."""
    return int((seconds + 4) * max(400, 40 * concurrency))


def repeated(run: dict[str, float], bodies: int) -> str:
    return " (texts repeated: more requests than bodies)" if run.get("sent", 0) > bodies else ""


# -- ingest ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Ingested:
    """An ingest and when it ran: a store kept between runs (``--stores``) is reused with the record of its ingest."""

    seconds: float
    finished: str
    commit: str
    loadavg: str
    info: dict[str, float] = field(default_factory=dict)
    seeded: str = ""  # how the embedding cache was seeded (the texts were not embedded), or "" for a plain ingest

    @property
    def note(self) -> str:
        how = f", {self.seeded}" if self.seeded else ""
        return f"ingested {self.finished} at {self.commit}, load average {self.loadavg}{how}"

    def save(self, directory: Path) -> None:
        record = {"seconds": self.seconds, "finished": self.finished, "commit": self.commit, "loadavg": self.loadavg}
        (directory / "INGESTED.json").write_text(json.dumps({**record, "info": self.info, "seeded": self.seeded}))

    @staticmethod
    def load(directory: Path) -> Ingested | None:
        path = directory / "INGESTED.json"
        if not path.exists():
            return None
        data = json.loads(path.read_text())
        return Ingested(
            data["seconds"], data["finished"], data["commit"], data["loadavg"], data.get("info", {}),
            data.get("seeded", ""),
        )  # fmt: skip


def alliance(stores: Path, partners: int) -> Path:
    data = stores / f"alliance-{partners}"
    if not (data / "partners.csv").exists():
        generate(data, partners=partners, seed=0)
    return data


def _timed_ingest(argv: list[str], env: dict[str, str], out: Path, timeout: float, label: str) -> Ingested:
    shutil.rmtree(out, ignore_errors=True)
    log(f"{label} ...")
    started = time.perf_counter()
    result = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=ROOT, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"{label} failed ({result.returncode}): {result.stderr[-2000:]}")
    seconds = time.perf_counter() - started
    lines = result.stdout.strip().splitlines()
    info = dict(json.loads(lines[-1])) if lines and lines[-1].startswith("{") else {}
    loadavg = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    done = Ingested(seconds, time.strftime("%Y-%m-%d %H:%M"), commit(), loadavg, info)
    done.save(out)
    log(f"{label}: {seconds:.0f} s")
    return done


def ingest_matcher(data: Path, home: Path, timeout: float) -> Ingested:
    argv = [str(MATCHER), "ingest", str(data)]
    return _timed_ingest(argv, matcher_env(home), home, timeout, f"matcher ingest {data.name}")


def ingest_seeded(partners: int, base: Path, stores: Path, timeout: float) -> Ingested:
    """The store of ``partners`` synthetic partners under ``stores/seeded``, ingested with its embedding cache seeded
    from the store under ``base`` (:func:`benchmarks.growth.cached_store`: real vectors for the texts ``base`` holds,
    synthetic ones on their manifold for the others; the rest of the ingest real)."""
    from benchmarks.growth import built_seconds, cached_store

    home, seconds = cached_store(partners, base, stores / "seeded", timeout, log)
    loadavg = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    seconds = seconds or built_seconds(home)
    done = Ingested(seconds, time.strftime("%Y-%m-%d %H:%M"), commit(), loadavg, seeded=f"vectors seeded from {base}")
    done.save(home)
    return done


def ingest_peer(name: str, data: Path, out: Path, timeout: float) -> Ingested:
    argv = [sys.executable, "-m", "benchmarks.peers", "ingest", name, str(data), str(out)]
    return _timed_ingest(argv, {**os.environ}, out, timeout, f"{name} ingest {data.name}")


# -- the parts ------------------------------------------------------------------------------------------------------
@dataclass(slots=True)
class Context:
    sizes: Sizes
    workdir: Path
    cache_dir: Path
    stores: Path  # alliances, matcher stores and peers, kept between runs unless under the workdir
    bodies: Bodies
    report: Report
    fresh: bool = False  # ingest again even when --stores has the store
    seeded_from: Path | None = None  # the main size's store is built with vectors seeded from this store's
    ingests: dict[str, Ingested] = field(default_factory=dict)
    p50: dict[int, float] = field(default_factory=dict)  # free-text p50 at concurrency 1 by size
    started: str = field(default_factory=lambda: time.strftime("%Y-%m-%d %H:%M"))

    def _store(self, key: str, directory: Path, build: Callable[[], Ingested]) -> Path:
        if key not in self.ingests:
            kept = None if self.fresh else Ingested.load(directory)
            if kept is None:
                self.ingests[key] = build()
            else:
                log(f"{key}: reusing {directory} ({kept.note})")
                self.ingests[key] = kept
        return directory

    def seeded(self, partners: int) -> bool:
        """Whether the store of this size is built with seeded vectors (``--seeded-from``: the main size only)."""
        return self.seeded_from is not None and partners == self.sizes.partners

    def at(self, partners: int) -> str:
        """``100k partners``, and how the store was built when its texts were not embedded."""
        return f"{size_label(partners)} partners" + (", vectors seeded" if self.seeded(partners) else "")

    def home(self, partners: int) -> Path:
        """The matcher store of ``partners`` synthetic partners (ingested and timed when not kept)."""
        base = self.seeded_from
        if base is not None and self.seeded(partners):
            seeded = self.stores / "seeded" / f"home-{partners}"
            return self._store(
                f"matcher-{partners}", seeded, lambda: ingest_seeded(partners, base, self.stores, self.sizes.timeout_s)
            )
        home = self.stores / f"home-{partners}"
        data = alliance(self.stores, partners)
        return self._store(f"matcher-{partners}", home, lambda: ingest_matcher(data, home, self.sizes.timeout_s))

    def peer(self, name: str, partners: int) -> Path:
        out = self.stores / f"peer-{name}-{partners}"
        data = alliance(self.stores, partners)
        return self._store(f"{name}-{partners}", out, lambda: ingest_peer(name, data, out, self.sizes.timeout_s))

    def ingest(self, system: str, partners: int) -> Ingested:
        return self.ingests[f"{system}-{partners}"]

    def warm(self, server: Server) -> dict[str, float]:
        """Requests at concurrency 4 for ``warm_seconds``, not measured: lazily filled caches, first inference
        shapes and the thread pool are warm before anything is timed."""
        seconds = self.sizes.warm_seconds
        return load(server.url, self.bodies.take(bodies_needed(seconds, 4)), 4, seconds, warmup=0)

    def reused(self) -> list[str]:
        """The stores this run did not ingest itself, with when they were."""
        return [f"{key} ({done.note})" for key, done in self.ingests.items() if done.finished < self.started]


def embedding_alone_ms(ctx: Context, home: Path) -> list[float]:
    """Milliseconds to embed one query text with the matcher's encoders (no cache), one text at a time, with the
    threads ``matcher serve`` gives them (:meth:`Settings.serving`: one per inference and per BLAS call)."""
    from threadpoolctl import threadpool_limits

    from matcher.engine import create_embedder
    from matcher.settings import Settings

    settings = Settings(home=home, database_url=None).serving()
    embedder = create_embedder(settings)
    texts = query_texts(ctx.sizes.embed_queries + 10, seed=99)
    out = []
    with threadpool_limits(limits=settings.threads):
        for text in texts[:10]:
            embedder.encode([text])
        for text in texts[10:]:
            started = time.perf_counter()
            embedder.encode([text])
            out.append((time.perf_counter() - started) * 1000)
    return out


def part_peers(ctx: Context) -> None:
    sizes, n = ctx.sizes, ctx.sizes.peers_partners
    at = ctx.at(n)
    home = ctx.home(n)
    peers = {name: ctx.peer(name, n) for name in SYSTEMS[1:]}
    ingest = {s: ctx.ingest(s, n).seconds for s in SYSTEMS}
    ingest["matcher-workers"] = ingest["matcher"]  # the same store
    commands = {"matcher": matcher_command(home), "matcher-workers": matcher_command(home, WORKERS)}
    commands.update({name: peer_command(name, directory) for name, directory in peers.items()})
    runs: dict[tuple[str, int], list[dict[str, float]]] = {(s, c): [] for s in SERVED for c in (1, 8)}
    with serving(commands, sizes.timeout_s) as servers:
        wait_all_workers(servers["matcher-workers"], "/v1/health", WORKERS, sizes.timeout_s)
        for server in servers.values():
            ctx.warm(server)
        for round_ in range(sizes.load_rounds):
            for system in SERVED:
                for concurrency in (1, 8):
                    count = bodies_needed(sizes.load_seconds, concurrency)
                    bodies = ctx.bodies.take(count)
                    run = load(servers[system].url, bodies, concurrency, sizes.load_seconds)
                    run["repeated"] = float(run.get("sent", 0) > count)
                    runs[(system, concurrency)].append(run)
                    log(f"round {round_ + 1}, {system}, concurrency {concurrency}: {run}")
        memory = {name: server.memory() for name, server in servers.items()}
        start_s = {name: server.start_s for name, server in servers.items()}

    def median(system: str, concurrency: int, key: str) -> float:
        return median_of(run[key] for run in runs[(system, concurrency)])

    def each(system: str, concurrency: int, key: str) -> str:
        return ", ".join(f"{run[key]:.1f}" for run in runs[(system, concurrency)])

    errors = {s: int(sum(run["errors"] for c in (1, 8) for run in runs[(s, c)])) for s in SERVED}
    again = [s for s in SERVED if any(run["repeated"] for c in (1, 8) for run in runs[(s, c)])]
    labels = {
        "matcher": "matcher",
        "matcher-workers": f"matcher, --workers {WORKERS}",
        "naive": "naive (ST torch fp32 + IndexFlatIP)",
        "txtai": "txtai (defaults)",
    }
    lines = [
        f"| at {at} | " + " | ".join(labels[s] for s in SERVED) + " |",
        "|---|" + "--:|" * len(SERVED),
        "| ingest, s | "
        + " | ".join(
            f"{ingest[s]:.0f}" + (" (vectors seeded)" if s.startswith("matcher") and ctx.seeded(n) else "")
            for s in SERVED
        )
        + " |",
        "| ingest, partners/s | " + " | ".join(f"{n / ingest[s]:.0f}" for s in SERVED) + " |",
        "| start-up until it answers, s | " + " | ".join(f"{start_s[s]:.0f}" for s in SERVED) + " |",
    ]
    for key, label in (
        ("p50_ms", "query p50, ms (c=1)"),
        ("p99_ms", "query p99, ms (c=1)"),
        ("rps", "requests/s (c=1)"),
    ):
        lines.append(f"| {label} | " + " | ".join(f"{median(s, 1, key):.1f}" for s in SERVED) + " |")
    lines.append("| **requests/s (c=8)** | " + " | ".join(f"**{median(s, 8, 'rps'):.1f}**" for s in SERVED) + " |")
    lines.append("| p50 / p99, ms (c=8) | " + " | ".join(
        f"{median(s, 8, 'p50_ms'):.0f} / {median(s, 8, 'p99_ms'):.0f}" for s in SERVED) + " |")  # fmt: skip
    lines.append("| errors (all runs) | " + " | ".join(str(errors[s]) for s in SERVED) + " |")
    lines.append("| resident memory (VmRSS after the load), MB | " + " | ".join(
        f"{memory[s]['VmRSS']:.0f}" for s in SERVED) + " |")  # fmt: skip
    lines.append("| rounds of c=8 requests/s | " + " | ".join(each(s, 8, "rps") for s in SERVED) + " |")
    lines.append("| rounds of c=1 p50, ms | " + " | ".join(each(s, 1, "p50_ms") for s in SERVED) + " |")
    ctx.report.tables[f"Peers: the same {at}, the same kind of queries (every text new)"] = lines
    rounds = f"median of {sizes.load_rounds} rounds of {sizes.load_seconds:g} s"
    for ours, peer in itertools.product(("matcher", "matcher-workers"), SYSTEMS[1:]):
        ratio = median(ours, 8, "rps") / median(peer, 8, "rps")
        ctx.report.rows.append(Row(
            f"requests/s at concurrency 8, {labels[ours]} ÷ {labels[peer]} ({at}, {rounds})",
            f"{median(ours, 8, 'rps'):.1f}", f"{median(peer, 8, 'rps'):.1f}", f"{ratio:.2f}x", ">= 2x",
            verdict(ratio >= 2 and errors[ours] == 0)))  # fmt: skip
    if again:
        ctx.report.rows.append(Row(f"note: query texts were sent again in some runs of {', '.join(again)}", ""))


def part_overhead(ctx: Context) -> None:
    """A free-text request over HTTP at concurrency 1 against the embedding of such a text alone, in rounds that
    alternate the two; then the in-process time of each step."""
    sizes, n = ctx.sizes, ctx.sizes.partners
    home = ctx.home(n)
    runs: list[dict[str, float]] = []
    embed_ms: list[float] = []
    with serving({"matcher": matcher_command(home)}, sizes.timeout_s, ctx.warm) as servers:
        embed_ms += embedding_alone_ms(ctx, home)
        for round_ in range(sizes.load_rounds):
            runs.append(load(servers["matcher"].url, ctx.bodies.take(bodies_needed(sizes.load_seconds, 1)), 1,
                             sizes.load_seconds))  # fmt: skip
            embed_ms += embedding_alone_ms(ctx, home)
            log(f"overhead round {round_ + 1}: {runs[-1]}; embedding alone so far {median_of(embed_ms):.2f} ms")
    p50, embed = median_of(r["p50_ms"] for r in runs), median_of(embed_ms)
    ctx.p50[n] = p50
    rounds = ", ".join(f"{r['p50_ms']:.1f}" for r in runs)
    ctx.report.rows.append(Row(
        f"overhead: free-text query p50 over HTTP at concurrency 1 ({ctx.at(n)}, {sizes.load_rounds} "
        f"rounds of {sizes.load_seconds:g} s: {rounds} ms) ÷ embedding that kind of query alone (the matcher's "
        f"encoders in the benchmark process, {len(embed_ms)} texts, between the rounds)",
        f"{p50:.1f} ms", f"{embed:.2f} ms", f"{p50 / embed:.2f}", "<= 1.3", verdict(p50 / embed <= 1.3)))  # fmt: skip
    part_breakdown(ctx, home)


def part_breakdown(ctx: Context, home: Path) -> None:
    """The in-process time of each pipeline step (after the servers stopped, in this process, with the threads of
    ``matcher serve``)."""
    from threadpoolctl import threadpool_limits

    from benchmarks.breakdown import load as load_recommender
    from benchmarks.breakdown import measure

    recommender, embed, matcher = load_recommender(home)
    texts = query_texts(2 * ctx.sizes.embed_queries + 20, seed=7)
    with threadpool_limits(limits=matcher.settings.threads):
        for text in texts[:20]:
            recommender.collaborators(text=text, k=10)
        result = measure(recommender, embed, texts[20:])
    lines = ["| step (timed one after the other) | median ms | CPU ms (all threads) | share of end to end |",
             "|---|--:|--:|--:|"]  # fmt: skip
    for name, ms in result.steps_ms.items():
        cpu = result.steps_cpu_ms[name]
        lines.append(f"| {name} | {ms:.2f} | {cpu:.2f} | {ms / result.end_to_end_ms:.0%} |")
    lines.append(f"| **end to end** (Recommender.collaborators, {result.candidates:.0f} candidates) | "
                 f"**{result.end_to_end_ms:.2f}** | {result.end_to_end_cpu_ms:.2f} | 100% |")  # fmt: skip
    ctx.report.tables[f"Where a request's time goes, in process ({ctx.at(ctx.sizes.partners)})"] = lines
    ctx.report.rows.append(Row(
        f"overhead in process: Recommender.collaborators p50 ÷ embedding alone ({ctx.at(ctx.sizes.partners)}, "
        f"{result.queries // 2} texts each)",
        f"{result.end_to_end_ms:.2f} ms", f"{result.steps_ms['embedding (alone)']:.2f} ms",
        f"{result.overhead:.2f}", "<= 1.3", verdict(result.overhead <= 1.3)))  # fmt: skip
    matcher.close()


def part_quality(ctx: Context) -> None:
    from benchmarks.quality import measure
    from matcher.io.importer import read_directory

    if ctx.sizes.quality == "h2020":
        data = ctx.cache_dir / "h2020"
        if not (data / "partners.csv").exists():
            subprocess.run([str(MATCHER), "convert", "h2020", "/work/shared/datasets/h2020_cleantech", str(data),
                            "--cutoff", "2019-01-01"], check=True, stdout=subprocess.DEVNULL, timeout=3600)  # fmt: skip
        from datetime import date

        split_date: object = date(2019, 1, 1)
        label = "H2020 temporal split (train before 2019-01-01)"
    else:
        data, split_date, label = ROOT / "data" / "sample", None, "sample alliance (time split)"
    result = measure(
        read_directory(data).dataset,
        split_date=split_date,  # type: ignore[arg-type]
        cache=ctx.cache_dir / f"{ctx.sizes.quality}-vectors.npz",
        home=ctx.cache_dir / "quality-home",
        log=log,
    )
    recall = result.recall_at_10
    best_peer = max(SYSTEMS[1:], key=lambda s: recall[s].value)
    lines = ["| system | recall@10 [95 % bootstrap interval] |", "|---|--:|"]
    lines += [f"| {s} | {recall[s]} |" for s in SYSTEMS]
    ctx.report.tables[f"Quality on the {label}, {result.queries} held-out consortia"] = lines
    better = recall["matcher"].value > recall[best_peer].value
    ctx.report.rows.append(Row(
        f"recall@10, matcher ÷ best peer ({best_peer}) on the {label}, {result.queries} queries; intervals "
        f"{recall['matcher']} and {recall[best_peer]}",
        f"{recall['matcher'].value:.3f}", f"{recall[best_peer].value:.3f}",
        f"{recall['matcher'].value / max(recall[best_peer].value, 1e-9):.2f}x", "better than both peers",
        verdict(better)))  # fmt: skip


def part_load(ctx: Context) -> None:
    sizes, n = ctx.sizes, ctx.sizes.partners
    with serving({"matcher": matcher_command(ctx.home(n))}, sizes.timeout_s, ctx.warm) as servers:
        count = bodies_needed(sizes.stress_seconds, 32)
        run = load(servers["matcher"].url, ctx.bodies.take(count), 32, sizes.stress_seconds)
        memory = servers["matcher"].memory()
    log(f"load at concurrency 32: {run}")
    ok = run["errors"] == 0
    ctx.report.rows.append(Row(
        f"load: concurrency 32 for {sizes.stress_seconds:g} s ({ctx.at(n)}, every text new"
        f"{repeated(run, count)}): {run['requests']:.0f} answers, {run['errors']:.0f} errors, p50 "
        f"{run['p50_ms']:.0f} ms, p99 {run['p99_ms']:.0f} ms, max {run['max_ms']:.0f} ms; VmRSS after "
        f"{memory['VmRSS']:.0f} MB (peak {memory['VmHWM']:.0f})",
        f"{run['rps']:.1f} req/s", target="0 errors", met=verdict(ok)))  # fmt: skip


#: The page's filters a user changes after a first answer (one of these per re-send).
MIX_FILTERS: tuple[dict[str, list[object]], ...] = (
    {"countries": ["FR"]}, {"types": ["university"]}, {"sdgs": [4]}, {"regions": ["002"]},
    {"types": ["ngo", "school"]}, {"countries": ["KE", "NG"]},
)  # fmt: skip


def session_mix(texts: list[str], fresh: list[str] | None, seed: int = 3) -> list[dict[str, object]]:
    """Bodies of page sessions: a text, then 0-3 re-sends of it with a filter changed. With ``fresh`` texts, each
    re-send uses the next fresh text instead (the same mix without repeats)."""
    import random

    rng = random.Random(seed)
    out: list[dict[str, object]] = []
    spare = iter(fresh or [])
    for text in texts:
        out.append({"text": text, "k": 10})
        for _ in range(rng.randint(0, 3)):
            again = next(spare) if fresh is not None else text
            out.append({"text": again, "k": 10, "filters": rng.choice(MIX_FILTERS)})
    return out


def cache_lookups(metrics: str) -> tuple[float, float]:
    """(hits, misses) of the query-vector cache in a ``/metrics`` text (0 when absent)."""
    found = {"hit": 0.0, "miss": 0.0}
    for line in metrics.splitlines():
        if line.startswith("matcher_query_cache_lookups_total{"):
            for result in found:
                if f'result="{result}"' in line:
                    found[result] = float(line.rsplit(" ", 1)[1])
    return found["hit"], found["miss"]


def cache_counts(server: Server) -> tuple[float, float]:
    return cache_lookups(server.get("/metrics").decode())


def part_cache(ctx: Context) -> None:
    sizes, n = ctx.sizes, ctx.sizes.partners
    count = bodies_needed(sizes.load_seconds, 1)
    results: dict[str, list[dict[str, float]]] = {"cache": [], "fresh": []}
    hit_rates: list[float] = []
    with serving({"matcher": matcher_command(ctx.home(n))}, sizes.timeout_s, ctx.warm) as servers:
        server = servers["matcher"]
        for _ in range(sizes.load_rounds):
            for kind in ("cache", "fresh"):  # the same sessions (seeded), never a text of an earlier run
                spare = ctx.bodies.fresh(3 * count) if kind == "fresh" else None
                path = ctx.bodies.write(session_mix(ctx.bodies.fresh(count), spare))
                before = cache_counts(server)
                run = load(server.url, path, 1, sizes.load_seconds)
                after = cache_counts(server)
                looked = (after[0] - before[0]) + (after[1] - before[1])
                if kind == "cache":
                    hit_rates.append((after[0] - before[0]) / looked if looked else float("nan"))
                results[kind].append(run)
                log(f"cache mix ({kind}): {run}; hits {after[0] - before[0]:.0f} of {looked:.0f}")
    p50 = {k: median_of(r["p50_ms"] for r in v) for k, v in results.items()}
    rps = {k: median_of(r["rps"] for r in v) for k, v in results.items()}
    ctx.report.rows.append(Row(
        f"query cache on a page mix (a text, then 0-3 re-sends with a filter changed; {ctx.at(n)}, "
        f"concurrency 1, {sizes.load_rounds} rounds of {sizes.load_seconds:g} s): hit rate "
        f"{median_of(hit_rates):.0%}; p50 with the cache vs the same mix with every text new "
        f"(requests/s {rps['cache']:.0f} vs {rps['fresh']:.0f})",
        f"{p50['cache']:.1f} ms", f"{p50['fresh']:.1f} ms", f"{p50['fresh'] / p50['cache']:.2f}x faster"))  # fmt: skip


def part_growth(ctx: Context) -> None:
    from benchmarks.growth import cached_store, needed_memory_gb

    sizes = ctx.sizes
    lines = [
        "| partners | query p50, ms (c=1) | p99, ms | VmRSS, MB | start-up, s | ingest, s |",
        "|--:|--:|--:|--:|--:|--:|",
    ]
    p50: dict[int, float] = {}
    rss: dict[int, float] = {}
    base = max((s for s in sizes.growth if s <= sizes.partners), default=sizes.partners)
    for n in sizes.growth:
        if n > sizes.partners:
            need, have = needed_memory_gb(n, rss), available_memory_gb()
            if have < need:
                lines.append(f"| {n:,} | not measured: needs ~{need:.0f} GB, {have:.0f} GB available | | | | |")
                log(f"growth: {n} skipped (needs ~{need:.0f} GB, {have:.0f} GB available)")
                continue
            home, built = cached_store(n, ctx.home(base), ctx.cache_dir, sizes.timeout_s, log, train=False)
            ranker = f"ranker of the {size_label(base)} store"  # training at 1M needs more memory than 24 GB
            ingest = f"{built:.0f} (once, vectors seeded, {ranker}; cached)" if built else f"cached ({ranker})"
        else:
            home = ctx.home(n)
            ingest = f"{ctx.ingest('matcher', n).seconds:.0f}" + (" (vectors seeded)" if ctx.seeded(n) else "")
        count = bodies_needed(sizes.load_seconds, 1)
        with serving({"matcher": matcher_command(home)}, sizes.timeout_s, ctx.warm) as servers:
            run = load(servers["matcher"].url, ctx.bodies.take(count), 1, sizes.load_seconds)
            memory = servers["matcher"].memory()
            start_s = servers["matcher"].start_s
        p50[n], rss[n] = run["p50_ms"], memory["VmRSS"]
        lines.append(f"| {n:,} | {run['p50_ms']:.1f} | {run['p99_ms']:.1f} | {memory['VmRSS']:.0f} | {start_s:.0f} "
                     f"| {ingest} |")  # fmt: skip
        log(f"growth {n}: {run}; {memory}")
    ctx.report.tables["Growth (matcher serve, free-text queries at concurrency 1, every text new)"] = lines
    small, big = sizes.growth[1 if len(sizes.growth) > 2 else 0], sizes.growth[-1]  # 10k and 1M by default
    if small in p50 and big in p50:
        ratio = p50[big] / p50[small]
        ctx.report.rows.append(Row(f"growth: query p50 at {size_label(big)} ÷ at {size_label(small)} partners",
                                   f"{p50[big]:.1f} ms", f"{p50[small]:.1f} ms", f"{ratio:.2f}", "<= 1.5",
                                   verdict(ratio <= 1.5)))  # fmt: skip
    else:
        ctx.report.rows.append(Row(f"growth: query p50 at {size_label(big)} ÷ at {size_label(small)} partners",
                                   "not measured (see the growth table)", target="<= 1.5", met="**no**"))  # fmt: skip
    if sizes.partners in rss:
        mb = rss[sizes.partners]
        ctx.report.rows.append(Row(f"resident memory at {ctx.at(sizes.partners)} (VmRSS after the run)",
                                   f"{mb:.0f} MB", target="<= 1000 MB", met=verdict(mb <= 1000)))  # fmt: skip


def part_ingest(ctx: Context) -> None:
    from benchmarks.growth import encoder_rates

    # a store built with seeded vectors embedded nothing: the ingest is measured at the peers' (real) size then
    n = ctx.sizes.peers_partners if ctx.seeded(ctx.sizes.partners) else ctx.sizes.partners
    home = ctx.home(n)
    from matcher.io.importer import read_directory

    dataset = read_directory(alliance(ctx.stores, n)).dataset
    texts = (
        [p.text for p in dataset.partners]
        + [p.text for p in dataset.projects]
        + [g.text for g in dataset.action_groups]
    )
    rates, lines = encoder_rates(texts, ctx.sizes.ingest_sample, home, log)
    ingest_rate = len(texts) / ctx.ingest("matcher", n).seconds
    ctx.report.tables[
        f"Encoders on {ctx.sizes.ingest_sample} of the {size_label(n)} store's texts, against this CPU's peak"
    ] = lines
    ctx.report.rows.append(Row(
        f"ingest: texts/s of matcher ingest ({len(texts):,} texts of {size_label(n)} partners: validate, embed with "
        f"both encoders, store, train, index) ÷ plain sentence-transformers torch fp32 encode of the same texts "
        f"(a sample of {ctx.sizes.ingest_sample}, batch 32)",
        f"{ingest_rate:.1f}", f"{rates['sentence-transformers torch fp32']:.1f}",
        f"{ingest_rate / rates['sentence-transformers torch fp32']:.2f}x"))  # fmt: skip


# -- main -----------------------------------------------------------------------------------------------------------
def prepare(ctx: Context) -> None:
    """Build (and time) every store the parts use that ``--stores`` does not hold yet."""
    ctx.home(ctx.sizes.partners)  # the main size first: most parts need it
    ctx.home(ctx.sizes.peers_partners)
    for name in SYSTEMS[1:]:
        ctx.peer(name, ctx.sizes.peers_partners)
    for n in sorted(ctx.sizes.growth):
        if n <= ctx.sizes.partners:
            ctx.home(n)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="every part at small sizes (a smoke run)")
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument("--workdir", type=Path, default=None, help="scratch folder (default: a new temp folder)")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=DEFAULT_CACHE,
        help=f"kept between runs: the 1M store, H2020 converted, vector caches ({DEFAULT_CACHE})",
    )
    parser.add_argument(
        "--stores",
        type=Path,
        default=None,
        help="keep the synthetic alliances, matcher stores and peers here and reuse them with the "
        "record of their ingest (default: the scratch folder, so every run ingests)",
    )
    parser.add_argument("--fresh", action="store_true", help="ingest again even when --stores holds a store")
    parser.add_argument("--prepare", action="store_true", help="only build the stores that --stores lacks")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (stores, data) afterwards")
    parser.add_argument("--partners", type=int, default=None, help="the main size (default 100k; quick 1k)")
    parser.add_argument("--peers-partners", type=int, default=None, help="the peers' size (default: --partners)")
    parser.add_argument("--growth", type=int, nargs="+", default=None, help="growth sizes (default 1k 10k 100k 1M)")
    parser.add_argument(
        "--seeded-from",
        type=Path,
        default=None,
        help="build the main size's store (--partners) without embedding its texts: its embedding cache seeded from "
        "the store under this folder (real vectors for the texts it holds, synthetic ones on their manifold for the "
        "others; benchmarks.growth.cached_store); the ingest part then runs at --peers-partners",
    )
    parser.add_argument(
        "--polite",
        type=float,
        default=0.0,
        metavar="MINUTES",
        help="before each part, wait up to this long while another process at nice < 19 uses > 50%% of a CPU",
    )
    args = parser.parse_args(argv)  # fmt: skip
    sizes = QUICK if args.quick else FULL
    if args.partners:
        sizes = dataclasses.replace(sizes, partners=args.partners, peers_partners=args.partners)
    if args.peers_partners:
        sizes = dataclasses.replace(sizes, peers_partners=args.peers_partners)
    if args.growth:
        sizes = dataclasses.replace(sizes, growth=tuple(sorted(args.growth)))
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="matcher-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    stores = args.stores or workdir / "stores"
    stores.mkdir(parents=True, exist_ok=True)
    ctx = Context(
        sizes, workdir, args.cache_dir, stores, Bodies(workdir), Report(), fresh=args.fresh,
        seeded_from=args.seeded_from,
    )  # fmt: skip
    model, flags = cpu_description()
    started = time.perf_counter()
    log(f"scratch folder {workdir}; stores {stores}; {os.cpu_count()} CPUs ({model}); sizes {sizes}")
    parts: dict[str, Callable[[Context], None]] = {
        "peers": part_peers, "quality": part_quality, "overhead": part_overhead, "load": part_load,
        "cache": part_cache,
        "growth": part_growth, "ingest": part_ingest, "writes": writes.part, "teams": teams.part,
    }  # fmt: skip
    command = "python -m benchmarks.run" + (" --quick" if args.quick else "")
    if args.parts != list(PARTS):
        command += " --parts " + " ".join(args.parts)
    for flag in ("partners", "peers_partners", "growth", "stores", "seeded_from", "polite"):
        value = getattr(args, flag)
        if value:
            shown = " ".join(map(str, value)) if isinstance(value, list) else value
            command += f" --{flag.replace('_', '-')} {shown}"

    def render() -> str:
        minutes = (time.perf_counter() - started) / 60
        loadavg = ", ".join(f"{v:.1f}" for v in os.getloadavg())
        head = (f"`{command}` — {time.strftime('%Y-%m-%d %H:%M')}, commit {commit()}, {os.cpu_count()} CPUs, "
                f"{minutes:.1f} min, load average at the end {loadavg}\n")  # fmt: skip
        out = [head, f"CPU: {model}; flags: {flags}\n"]
        reused = ctx.reused()
        if reused:
            out.append(
                "Stores reused from an earlier run (their ingest times are from then): " + "; ".join(reused) + "\n"
            )
        out += ["| metric | this run | baseline (same run) | ratio | target | met |", "|---|--:|--:|--:|---|---|"]
        out += [
            f"| {r.metric} | {r.value} | {r.baseline} | {r.ratio} | {r.target} | {r.met} |" for r in ctx.report.rows
        ]
        for title, lines in ctx.report.tables.items():
            out += [f"\n{title}\n", *lines]
        if timeline:
            out += ["\nWhen each part ran\n", "| part | started | load average (1, 5, 15 min) | waited for others, s |",
                    "|---|---|---|--:|", *timeline]  # fmt: skip
        return "\n".join(out)

    timeline: list[str] = []

    try:
        if args.prepare:
            prepare(ctx)
            return
        for name in dict.fromkeys(args.parts):  # in the order given
            waited = wait_for_quiet(args.polite * 60) if args.polite else 0.0
            loadavg = ", ".join(f"{v:.1f}" for v in os.getloadavg())
            timeline.append(f"| {name} | {time.strftime('%H:%M')} | {loadavg} | {waited:.0f} |")
            log(f"part {name} ... (load average {loadavg})")
            try:
                parts[name](ctx)
            except Exception as exc:  # a failed part is reported; the others still run
                log(f"part {name} failed: {exc!r}")
                ctx.report.rows.append(Row(f"part {name} failed: {type(exc).__name__}: {str(exc)[:300]}", ""))
            (workdir / "report.md").write_text(render() + "\n")  # what is measured so far survives an interrupt
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print("\n" + render())


if __name__ == "__main__":
    main()
