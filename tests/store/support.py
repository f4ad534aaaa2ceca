"""Helpers of the store tests: a fast deterministic embedder, PostgreSQL schemas, generated data sets.

Imported by ``tests/store/conftest.py``, ``tests/service/test_writes.py``, ``test_feedback.py`` and
``tests/test_faults.py`` (also by the child processes of the SIGKILL tests: nothing here needs pytest).
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from matcher.domain import Dataset, GroupMember, Partner, Project, ProjectMember
from matcher.embedding.base import normalize_rows
from matcher.settings import Settings

POSTGRES_URL = os.environ.get("MATCHER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


class HashEmbedder:
    """Bag of hashed words in 64 dimensions: deterministic, instant, and texts sharing words are close.

    Set ``MATCHER_TEST_PAUSE_EMBED`` to a marker file path to make ``encode`` announce itself there and hang (the
    SIGKILL tests kill the process while it waits).
    """

    name = "test-hash-64"
    dim = 64

    def encode(self, texts: Sequence[str], *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        marker = os.environ.get("MATCHER_TEST_PAUSE_EMBED")
        if marker and texts:
            announce_and_hang(marker, "embedding")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self.dim] += 1.0
            out[row, 0] += 1e-3  # no all-zero rows
        return normalize_rows(out)


def announce_and_hang(marker: str, phase: str) -> None:
    Path(marker).write_text(phase)
    import time

    time.sleep(600)


def sqlite_settings(home: Path, **extra: object) -> Settings:
    return Settings(home=home, database_url=None, seed_dir=None, auto_train=False, **extra)  # type: ignore[arg-type]


def postgres_reachable() -> str | None:
    """None when PostgreSQL answers at POSTGRES_URL, else the reason (for pytest.skip)."""
    try:
        import psycopg
        from sqlalchemy.engine import make_url

        url = make_url(POSTGRES_URL)
        with psycopg.connect(
            host=url.host, port=url.port or 5432, dbname=url.database, user=url.username, connect_timeout=3
        ):
            return None
    except Exception as exc:  # any failure means: not reachable here
        return f"PostgreSQL is not reachable at {POSTGRES_URL} ({type(exc).__name__}: {str(exc).strip()[:120]})"


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A fresh schema in the test database, dropped afterwards; yields a store URL whose search_path is that schema."""
    from sqlalchemy import create_engine, text

    name = f"matcher_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()


def generated_dataset(n_partners: int, *, seed: int = 0, prefix: str = "gen") -> Dataset:
    """A synthetic alliance: ``n_partners`` partners with distinct texts, projects of 3 members, two groups."""
    rng = np.random.default_rng(seed)
    topics = ["ocean", "garden", "climate", "coding", "music", "health", "water", "forest", "energy", "reading"]
    countries = ["FR", "KE", "BR", "IN", "US", "FI", "PT", "AU", "NG", "CA"]
    partners = [
        Partner(
            id=f"{prefix}-{i:05d}",
            name=f"{prefix.title()} Partner {i}",
            description=f"We work on {topics[i % 10]} and {topics[(i * 7) % 10]} education, programme {i}.",
            type="ngo" if i % 2 else "school",
            country=countries[int(rng.integers(0, 10))],
            sdgs=(4, 1 + i % 17),
        )
        for i in range(n_partners)
    ]
    projects, members = [], []
    for j in range(max(1, n_partners // 5)):
        project_id = f"{prefix}-project-{j:04d}"
        projects.append(Project(project_id, f"Project {j}", f"A {topics[j % 10]} project number {j}.", sdgs=(4,)))
        for k, pos in enumerate(rng.choice(n_partners, size=min(3, n_partners), replace=False).tolist()):
            members.append(ProjectMember(project_id, partners[pos].id, "lead" if k == 0 else "member"))
    return Dataset(partners=partners, projects=projects, project_members=members, group_members=[])


def sorted_dataset(dataset: Dataset) -> Dataset:
    """The same data set in the store's order (by id), to compare with ``Store.load_dataset()``."""
    return Dataset(
        partners=sorted(dataset.partners, key=lambda p: p.id),
        projects=sorted(dataset.projects, key=lambda p: p.id),
        action_groups=sorted(dataset.action_groups, key=lambda g: g.id),
        project_members=sorted(dataset.project_members, key=lambda x: (x.project_id, x.partner_id)),
        group_members=sorted(dataset.group_members, key=lambda x: (x.group_id, x.partner_id)),
    )


__all__ = [
    "POSTGRES_URL",
    "GroupMember",
    "HashEmbedder",
    "announce_and_hang",
    "generated_dataset",
    "postgres_reachable",
    "postgres_schema",
    "sorted_dataset",
    "sqlite_settings",
]
