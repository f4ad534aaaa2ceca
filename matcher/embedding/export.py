"""Export a sentence-transformers model to ONNX, once, into a cache directory keyed by the model's files.

The exported graph is the model's own module pipeline (Transformer → Pooling → … → Normalize) traced with
``torch.onnx.export``, so pooling and normalisation are exactly the model's. Next to ``model.onnx`` the export
directory holds the model's fast tokenizer (truncation set to the model's ``max_seq_length``, no padding) and an
``export.json`` with the input names and the vector size: running the export needs neither torch nor
transformers.

Layout: ``<cache_dir>/<model name>-<key>/{model.onnx, model-int8.onnx, tokenizer.json, export.json}``. The key
hashes the model folder's file names, sizes and modification times (and :data:`EXPORT_FORMAT`), so another model,
or a re-installed one, never reuses a stale export. Each artefact appears atomically (temporary directory or file,
then rename); a concurrent exporter that loses the race drops its copy and uses the winner's.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from matcher.embedding.sentence_transformers import model_label, resolve_model_path

logger = logging.getLogger(__name__)

#: Bump when the export code changes what it writes: older exports are then ignored.
EXPORT_FORMAT = 1
OPSET = 17

Variant = Literal["fp32", "int8"]
_ONNX_FILES: dict[str, str] = {"fp32": "model.onnx", "int8": "model-int8.onnx"}


@dataclass(frozen=True)
class ExportedModel:
    """An export directory, read back from its ``export.json``."""

    directory: Path
    onnx_path: Path
    tokenizer_path: Path
    input_names: tuple[str, ...]
    dim: int
    max_seq_length: int


def default_cache_dir() -> Path:
    """``$MATCHER_HOME/models`` (``.matcher/models`` when ``MATCHER_HOME`` is unset)."""
    return Path(os.environ.get("MATCHER_HOME", ".matcher")).expanduser() / "models"


def model_key(model_path: str | Path) -> str:
    """12 hex digits identifying the model folder's content: path, file names, sizes, modification times."""
    root = Path(model_path).resolve()
    digest = hashlib.sha256(f"format={EXPORT_FORMAT}\n{root}\n".encode())
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.relative_to(root).as_posix()}\t{stat.st_size}\t{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:12]


def export_dir(model: str = "packaged", cache_dir: Path | None = None) -> Path:
    """Where the export of ``model`` lives (whether or not it exists yet)."""
    model_path = resolve_model_path(model)
    root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    return root / f"{model_label(model, model_path)}-{model_key(model_path)}"


def export_onnx(model: str = "packaged", cache_dir: Path | None = None, *, variant: Variant = "fp32") -> ExportedModel:
    """Return the ONNX export of ``model``, exporting it first if this cache has none.

    ``variant="int8"`` adds a dynamically quantised copy (onnxruntime's ``quantize_dynamic``) next to the fp32 file.
    """
    if variant not in _ONNX_FILES:
        raise ValueError(f"Unknown ONNX variant {variant!r}; use one of {sorted(_ONNX_FILES)}.")
    model_path = resolve_model_path(model)
    target = export_dir(model, cache_dir)
    if not (target / "export.json").exists():
        started = time.perf_counter()
        if publish_directory(target / "export.json", lambda tmp: _export_to(model_path, tmp)):
            logger.info("Exported %s to ONNX in %.1f s: %s", model_path, time.perf_counter() - started, target)
        else:
            logger.info("Another process exported %s first; using %s", model_path, target)
    if variant == "int8" and not (target / _ONNX_FILES["int8"]).exists():
        _quantize_int8(target / _ONNX_FILES["fp32"], target / _ONNX_FILES["int8"])
    return _read_export(target, variant)


def publish_directory(marker: Path, write: Callable[[Path], None]) -> bool:
    """Make the directory that holds ``marker`` appear whole: ``write`` fills a temporary directory beside it, which
    is then renamed into place. True when this call published it; False when another process did first (its copy is
    kept and this one dropped)."""
    target = marker.parent
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        write(tmp)
        try:
            tmp.rename(target)
        except OSError:
            if not marker.exists():
                raise
            return False
        return True
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _read_export(directory: Path, variant: Variant) -> ExportedModel:
    meta = json.loads((directory / "export.json").read_text())
    return ExportedModel(
        directory=directory,
        onnx_path=directory / _ONNX_FILES[variant],
        tokenizer_path=directory / "tokenizer.json",
        input_names=tuple(meta["input_names"]),
        dim=int(meta["dim"]),
        max_seq_length=int(meta["max_seq_length"]),
    )


def _export_to(model_path: str, directory: Path) -> None:
    """Trace the whole sentence-transformers pipeline into ``directory/model.onnx`` and write its metadata."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer

    st = SentenceTransformer(model_path, device="cpu").eval()
    example = st.preprocess(["An example sentence for tracing.", "A second, slightly longer example sentence."])
    input_names = [k for k, v in example.items() if isinstance(v, torch.Tensor) and v.ndim == 2]
    if "input_ids" not in input_names or "attention_mask" not in input_names:
        raise RuntimeError(
            f"Cannot export {model_path}: its tokenizer gives {sorted(example)}, not input_ids and attention_mask. "
            "Use the torch embedding backend (MATCHER_EMBEDDING_BACKEND=torch) for this model."
        )

    class Pipeline(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            features: dict[str, Any] = dict(zip(input_names, tensors, strict=True))
            for module in self.inner:
                features = module(features)
            return features["sentence_embedding"]

    dynamic = {name: {0: "batch", 1: "sequence"} for name in input_names}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer chatter about constant shapes; the graph is checked by tests
        torch.onnx.export(
            Pipeline(st),
            tuple(example[name] for name in input_names),
            str(directory / _ONNX_FILES["fp32"]),
            input_names=input_names,
            output_names=["sentence_embedding"],
            dynamic_axes={**dynamic, "sentence_embedding": {0: "batch"}},
            opset_version=OPSET,
            dynamo=False,
        )

    get_dim = getattr(st, "get_embedding_dimension", None) or st.get_sentence_embedding_dimension
    max_seq_length = int(st.max_seq_length or st.tokenizer.model_max_length)
    tokenizer = Tokenizer.from_str(st.tokenizer.backend_tokenizer.to_str())
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_seq_length)
    tokenizer.save(str(directory / "tokenizer.json"))
    meta = {
        "format": EXPORT_FORMAT,
        "model_path": str(Path(model_path).resolve()),
        "input_names": input_names,
        "dim": int(get_dim() or 0),
        "max_seq_length": max_seq_length,
        "opset": OPSET,
        "torch": torch.__version__,
    }
    (directory / "export.json").write_text(json.dumps(meta, indent=2))


def _quantize_int8(source: Path, target: Path) -> None:
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        raise RuntimeError("The onnx-int8 backend needs onnxruntime and onnx: pip install onnxruntime onnx") from exc
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".onnx", dir=target.parent)
    os.close(fd)
    try:
        started = time.perf_counter()
        quantize_dynamic(str(source), tmp_name, weight_type=QuantType.QInt8)
        os.replace(tmp_name, target)
        logger.info("Quantised %s to int8 in %.1f s", source, time.perf_counter() - started)
    finally:
        Path(tmp_name).unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> None:
    """``python -m matcher.embedding.export [--cache-dir DIR] [--model M] [--int8]``: export ahead of time."""
    import argparse

    parser = argparse.ArgumentParser(description="Export the embedding model to ONNX (done once per model).")
    parser.add_argument("--cache-dir", type=Path, default=None, help="default: $MATCHER_HOME/models")
    parser.add_argument("--model", default="packaged", help="'packaged' or a sentence-transformers folder")
    parser.add_argument("--int8", action="store_true", help="also write the int8 copy (onnx-int8 backend)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    exported = export_onnx(args.model, args.cache_dir, variant="int8" if args.int8 else "fp32")
    print(exported.directory)


if __name__ == "__main__":
    main()
