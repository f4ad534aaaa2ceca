"""Shared fixtures: the real embedding model (loaded once), the tiny alliance ingested once, an HTTP client.

The tiny fixture (``tests/fixtures/tiny``) has four themes with obvious right answers: ocean (ocean-school, ocean-ngo,
ocean-lab, and ocean-hidden, which opted out of discovery), school gardens (garden-school, garden-ngo, garden-city in
French), girls in STEM (stem-uni, stem-company, stem-youth) and teachers (teacher-net, teacher-uni).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from matcher import learning
from matcher.embedding.base import Embedder
from matcher.engine import Matcher
from matcher.recommender import Recommender
from matcher.settings import Settings

TINY = Path(__file__).parent / "fixtures" / "tiny"
OCEAN_QUERY = "coral reef ocean literacy for schools"


def make_settings(home: Path) -> Settings:
    """Settings for a private state directory; explicit values so MATCHER_* variables of the shell cannot leak in."""
    return Settings(home=home, database_url=None, seed_dir=None, api_keys=[], read_requires_key=False)


def copy_tiny(target: Path) -> Path:
    """A writable copy of the tiny fixture at ``target`` (tests corrupt or edit copies, never the original)."""
    shutil.copytree(TINY, target)
    return target


def edit_file(path: Path, old: str, new: str) -> None:
    """Replace exactly one occurrence of ``old`` in a text file (fails loudly if the fixture changed)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should occur once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The packaged all-MiniLM-L6-v2 on torch, loaded once per test session."""
    from matcher.embedding.sentence_transformers import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder("packaged")


@pytest.fixture(scope="session")
def tiny_home(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    """A closed state directory (store, embeddings cache, index) with the tiny fixture ingested: copy it, never open it.

    Ingesting embeds 18 texts; copying this directory is what makes a fresh, writable Matcher cheap.
    """
    home = tmp_path_factory.mktemp("tiny-template") / "home"
    matcher = Matcher(make_settings(home), embedder=embedder).open()
    learning.ingest(matcher, TINY)  # as `matcher ingest` does: import, then learn the ranker when there is history
    matcher.close()
    return home


def open_copy(tiny_home: Path, target: Path, embedder: Embedder) -> Matcher:
    shutil.copytree(tiny_home, target)
    return Matcher(make_settings(target), embedder=embedder).open()


@pytest.fixture(scope="session")
def tiny_matcher(tmp_path_factory: pytest.TempPathFactory, tiny_home: Path, embedder: Embedder) -> Iterator[Matcher]:
    """A Matcher with the tiny fixture ingested, shared by every read-only test. Do not write to it."""
    matcher = open_copy(tiny_home, tmp_path_factory.mktemp("tiny-shared") / "home", embedder)
    yield matcher
    matcher.close()


@pytest.fixture(scope="session")
def recommender(tiny_matcher: Matcher) -> Recommender:
    return tiny_matcher.recommender


@pytest.fixture(scope="session")
def client(tiny_matcher: Matcher) -> Iterator[TestClient]:
    """The HTTP service over the shared tiny Matcher; the lifespan runs (``with TestClient(...)``)."""
    from service.app import create_app

    app = create_app(tiny_matcher.settings, matcher=tiny_matcher)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def tiny_dir(tmp_path: Path) -> Path:
    """A fresh, writable copy of the tiny fixture."""
    return copy_tiny(tmp_path / "tiny")


@pytest.fixture
def fresh_matcher(tmp_path: Path, embedder: Embedder) -> Iterator[Matcher]:
    """A Matcher of its own (empty store in a private home) for tests that write."""
    matcher = Matcher(make_settings(tmp_path / "home"), embedder=embedder).open()
    yield matcher
    matcher.close()


@pytest.fixture
def ingested(tmp_path: Path, tiny_home: Path, embedder: Embedder) -> Iterator[Matcher]:
    """A Matcher of its own with the tiny fixture ingested, for tests that write (a copy of ``tiny_home``)."""
    matcher = open_copy(tiny_home, tmp_path / "ingested-home", embedder)
    yield matcher
    matcher.close()
