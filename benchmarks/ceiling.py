"""The CPU's compute ceiling for the embedding target, measured in the same run as the embedding benchmark.

    python -m benchmarks.ceiling    # this CPU's formats, matmul peaks, torch fp32's share and the bound (~1.5 min)

The bulk-embedding target is a ratio to sentence-transformers torch fp32, so whether it can be met depends on the
CPU: a transformer encoder is matrix multiplications, and torch fp32 already runs them near the CPU's fp32 peak.
A faster backend must then use a cheaper number format (bf16, int8) whose matmul peak on this CPU bounds its
speed-up. This module measures:

- the CPU flags that decide which formats are native (``avx512_bf16``/``amx_bf16`` for bf16, ``avx512_vnni``/
  ``avx_vnni``/``amx_int8`` for int8 dot products);
- matmul throughput at the model's own layer shape (tokens × hidden → intermediate) in fp32, bf16 and int8
  (torch's fbgemm dynamic-quantised linear, quantisation of the activations included), on all threads;
- the floating-point work of one text from the model's config and the token lengths of the real texts, padded per
  batch as sentence-transformers pads them (sorted by length, batch of 32).

Torch fp32's texts/s times that work is the GFLOP/s it achieves; the best matmul peak divided by it bounds the
speed-up any backend of the same model can reach on this CPU (an upper bound: it assumes the other backend runs
at its format's full matmul peak and that attention, softmax and layer norm cost nothing).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: Flags (``/proc/cpuinfo``) that make a number format native on x86.
BF16_FLAGS = ("avx512_bf16", "amx_bf16")
INT8_DOT_FLAGS = ("avx512_vnni", "avx_vnni", "amx_int8")


@dataclass(frozen=True, slots=True)
class EncoderShape:
    """What the work of a BERT-style encoder depends on."""

    layers: int
    hidden: int
    intermediate: int

    def flops(self, tokens: int) -> int:
        """Floating-point operations (2 per multiply-add) of one sequence of ``tokens`` through the encoder.

        Per layer: the Q, K, V and output projections (4·h² multiply-adds per token), the feed-forward block
        (2·h·i per token) and attention's two products QKᵀ and AV (2·n²·h).
        """
        per_layer = 2 * tokens * (4 * self.hidden**2 + 2 * self.hidden * self.intermediate)
        per_layer += 2 * 2 * tokens**2 * self.hidden
        return self.layers * per_layer


def padded_lengths(lengths: Sequence[int], batch_size: int) -> list[int]:
    """Each sequence's length once padded as sentence-transformers batches: sorted, padded to each batch's longest."""
    ordered = sorted(lengths)
    padded: list[int] = []
    for start in range(0, len(ordered), batch_size):
        batch = ordered[start : start + batch_size]
        padded += [max(batch)] * len(batch)
    return padded


def flops_per_text(shape: EncoderShape, lengths: Sequence[int], batch_size: int = 32) -> float:
    """Mean floating-point operations per text for texts of these token ``lengths`` embedded in batches."""
    if not lengths:
        raise ValueError("flops_per_text needs at least one token length.")
    padded = padded_lengths(lengths, batch_size)
    return sum(shape.flops(n) for n in padded) / len(padded)


def cpu_flags(cpuinfo: str) -> frozenset[str]:
    """The flags of the first processor in a ``/proc/cpuinfo`` text (empty on other systems)."""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            return frozenset(value.split())
    return frozenset()


def native_formats(flags: frozenset[str]) -> dict[str, bool]:
    """Which low-precision formats this CPU computes natively."""
    return {"bf16": any(f in flags for f in BF16_FLAGS), "int8 dot product": any(f in flags for f in INT8_DOT_FLAGS)}


@dataclass(frozen=True, slots=True)
class Ceiling:
    cpu: str
    flags: frozenset[str]
    gflops: dict[str, float]  # format -> measured matmul peak, GFLOP/s (GOP/s for int8)
    flops_per_text: float
    tokens_per_text: float

    @property
    def formats_text(self) -> str:
        return ", ".join(
            f"{name} {'native' if ok else 'not native'}" for name, ok in native_formats(self.flags).items()
        )

    @property
    def peaks_text(self) -> str:
        return ", ".join(f"{name} {value:.0f}" for name, value in self.gflops.items())

    def achieved_gflops(self, texts_per_s: float) -> float:
        return texts_per_s * self.flops_per_text / 1e9

    def speedup_bound(self, texts_per_s: float) -> tuple[str, float]:
        """The best format's matmul peak over what ``texts_per_s`` (torch fp32) achieves: a bound on any speed-up."""
        best = max(self.gflops, key=lambda k: self.gflops[k])
        return best, self.gflops[best] / self.achieved_gflops(texts_per_s)


def _matmul_gflops(shape: EncoderShape, tokens: int, repeats: int) -> dict[str, float]:
    import torch

    x = torch.randn(tokens, shape.hidden)
    linear = torch.nn.Linear(shape.hidden, shape.intermediate, bias=False).eval()
    layers: dict[str, tuple[torch.nn.Module, torch.Tensor]] = {"fp32": (linear, x)}
    layers["bf16"] = (torch.nn.Linear(shape.hidden, shape.intermediate, bias=False).to(torch.bfloat16), x.bfloat16())
    layers["int8"] = (torch.ao.quantization.quantize_dynamic(torch.nn.Sequential(linear), dtype=torch.qint8), x)
    work = 2 * tokens * shape.hidden * shape.intermediate
    result: dict[str, float] = {}
    with torch.inference_mode():
        for name, (layer, inputs) in layers.items():
            for _ in range(3):
                layer(inputs)
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                layer(inputs)
                times.append(time.perf_counter() - started)
            result[name] = work / min(times) / 1e9  # a peak: the fastest run (other load only slows runs down)
    return result


@dataclass(frozen=True, slots=True)
class TextWork:
    """The encoder's shape and the work of the texts through it (computed once: it does not drift like speed)."""

    shape: EncoderShape
    flops_per_text: float
    tokens_per_text: float


def text_work(texts: Sequence[str], model_path: str, *, batch_size: int = 32) -> TextWork:
    """The work per text of ``texts`` for the model at ``model_path`` (its config and tokenizer)."""
    from transformers import AutoConfig, AutoTokenizer

    config = AutoConfig.from_pretrained(model_path)
    shape = EncoderShape(config.num_hidden_layers, config.hidden_size, config.intermediate_size)
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    max_length = _sentence_transformers_max_length(model_path) or min(int(tokenizer.model_max_length), 512)
    lengths = [len(ids) for ids in tokenizer(list(texts), truncation=True, max_length=max_length)["input_ids"]]
    return TextWork(shape, flops_per_text(shape, lengths, batch_size), statistics.mean(lengths))


def measure(work: TextWork, *, batch_size: int = 32, repeats: int = 30) -> Ceiling:
    """This CPU's matmul peaks at the encoder's layer shape (over ``batch_size`` × 128 tokens), with ``work``."""
    import warnings

    cpuinfo = Path("/proc/cpuinfo")
    text = cpuinfo.read_text() if cpuinfo.exists() else ""
    cpu = next((line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("model name")), "?")
    with warnings.catch_warnings():  # torch deprecates its quantised tensors; fbgemm's kernels are what we time
        warnings.simplefilter("ignore")
        gflops = _matmul_gflops(work.shape, tokens=batch_size * 128, repeats=repeats)
    return Ceiling(cpu, cpu_flags(text), gflops, work.flops_per_text, work.tokens_per_text)


def _sentence_transformers_max_length(model_path: str) -> int | None:
    import json

    config = Path(model_path) / "sentence_bert_config.json"
    if not config.exists():
        return None
    value = json.loads(config.read_text()).get("max_seq_length")
    return int(value) if value else None


def describe(ceiling: Ceiling) -> str:
    return (
        f"{ceiling.cpu}; {ceiling.formats_text}; matmul peaks at the model's layer shape (G(FL)OP/s): "
        f"{ceiling.peaks_text}; "
        f"{ceiling.flops_per_text / 1e9:.2f} GFLOP per text ({ceiling.tokens_per_text:.0f} tokens on average)"
    )


def main() -> None:
    from benchmarks.embedding import DEFAULT_SOURCES, FALLBACK_SOURCES, load_texts
    from matcher.embedding.sentence_transformers import SentenceTransformerEmbedder, packaged_model_path

    sources = DEFAULT_SOURCES if all(p.exists() for p in DEFAULT_SOURCES) else FALLBACK_SOURCES
    texts = load_texts(sources, limit=384)
    torch_fp32 = SentenceTransformerEmbedder()
    torch_fp32.encode(texts[:32])  # warm-up
    work = text_work(texts, str(packaged_model_path()))
    bounds, shares = [], []
    for round_ in range(3):  # each round: torch fp32, then the peaks right after (the VM's speed drifts)
        started = time.perf_counter()
        torch_fp32.encode(texts, batch_size=32)
        rate = len(texts) / (time.perf_counter() - started)
        ceiling = measure(work)
        best, bound = ceiling.speedup_bound(rate)
        shares.append(ceiling.achieved_gflops(rate) / ceiling.gflops["fp32"])
        bounds.append(bound)
        print(f"round {round_ + 1}: torch fp32 {rate:.1f} texts/s; {describe(ceiling)}; bound ({best}) {bound:.2f}x")
    print(
        f"median of 3 rounds: torch fp32 runs at {statistics.median(shares):.0%} of the fp32 matmul peak; "
        f"bound on any backend's speed-up over torch fp32: {statistics.median(bounds):.2f}x"
    )


if __name__ == "__main__":
    main()
