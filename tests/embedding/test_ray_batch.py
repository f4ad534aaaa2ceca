"""Bulk embedding on Ray (:mod:`matcher.embedding.ray_batch`, ``matcher ingest --engine ray``): the same vectors as the
local path, in the same order, for the fake and the real model, through ingest's vector cache and the CLI.

One local Ray (2 CPUs) serves the whole module: starting it takes seconds. Tests that need Ray skip without it.
"""

from __future__ import annotations

import importlib.util
import itertools
import shutil
import sys
from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner, Result

from matcher.cli import app
from matcher.domain import content_hash
from matcher.embedding.base import Embedder
from matcher.embedding.ray_batch import (
    CapacityError,
    ModelMismatchError,
    RayBatchEmbedding,
    RayUnavailableError,
    import_ray,
    ray_session,
)
from matcher.engine import Matcher
from matcher.settings import Settings
from matcher.store import Store
from tests.conftest import TINY, edit_file, make_settings
from tests.evaluation.fakes import BagOfWordsEmbedder
from tests.store.support import HashEmbedder

needs_ray = pytest.mark.skipif(
    importlib.util.find_spec("ray") is None, reason="ray is not installed: pip install 'matcher[ray]'"
)

TOPICS = ("ocean literacy", "school gardens", "girls in STEM", "teacher training")
PLACES = ("Fiji", "Portugal", "Kenya", "Brazil", "Canada", "India", "France", "Chile", "Japan", "Ghana")
# 40 texts: 38 distinct, an empty one and a repeat of row 3, so that order must come back by position, not content
TEXTS = [f"Partner {i}: {topic} in {place}" for i, (topic, place) in enumerate(itertools.product(TOPICS, PLACES))][:38]
TEXTS += ["", TEXTS[3]]


def hash_embedder(settings: Settings) -> Embedder:
    """``create_embedder`` for the CLI test: the instant fake, whatever the settings (picklable by reference)."""
    return HashEmbedder()


def run_cli(home: Path, *args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"MATCHER_HOME": str(home), "MATCHER_DATABASE_URL": None})


def stored_vectors(home: Path, model: str, texts: Sequence[str]) -> np.ndarray:
    store = Store(make_settings(home).store_url)
    try:
        hashes = [content_hash(t) for t in texts]
        found = store.cached_vectors(model, hashes)
        return np.stack([found[h] for h in hashes])
    finally:
        store.close()


def tiny_texts() -> list[str]:
    from matcher.io.importer import read_directory

    dataset = read_directory(TINY).dataset
    return (
        [p.text for p in dataset.partners]
        + [p.text for p in dataset.projects]
        + [g.text for g in dataset.action_groups]
    )


# -- without Ray ----------------------------------------------------------------------------------------------------
def test_without_ray_the_error_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # what `import ray` meets when it is not installed
    monkeypatch.setattr("matcher.engine.create_embedder", hash_embedder)

    with pytest.raises(RayUnavailableError, match=r"pip install 'matcher\[ray\]'"):
        import_ray()
    result = run_cli(tmp_path / "home", "ingest", "--engine", "ray", str(TINY))

    assert result.exit_code == 2
    assert "--engine ray needs Ray with its data extra" in result.stderr
    assert "pip install 'matcher[ray]'" in result.stderr
    assert result.stdout == ""


class FakeRay:
    """Records what :func:`ray_session` asks of Ray."""

    def __init__(self, initialized: bool) -> None:
        self.initialized = initialized
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def is_initialized(self) -> bool:
        return self.initialized

    def init(self, **kwargs: Any) -> None:
        self.calls.append(("init", kwargs))

    def shutdown(self) -> None:
        self.calls.append(("shutdown", {}))


def test_a_local_ray_is_started_for_the_job_and_shut_down_after_it() -> None:
    ray = FakeRay(initialized=False)

    with ray_session(ray, None, num_cpus=2):
        assert [name for name, _ in ray.calls] == ["init"]

    assert ray.calls[0][1]["address"] == "local"
    assert ray.calls[0][1]["num_cpus"] == 2
    assert [name for name, _ in ray.calls] == ["init", "shutdown"]


def test_a_cluster_is_joined_without_cpus_and_a_running_ray_is_left_alone() -> None:
    cluster = FakeRay(initialized=False)
    with ray_session(cluster, "ray://head:10001", num_cpus=2):
        pass
    running = FakeRay(initialized=True)
    with ray_session(running, None, num_cpus=2):
        pass

    assert cluster.calls[0][1]["address"] == "ray://head:10001"
    assert "num_cpus" not in cluster.calls[0][1]
    assert running.calls == []


def test_workers_must_be_at_least_one() -> None:
    with pytest.raises(ValueError, match=r"workers \(0\), cpus_per_worker \(1\) and batch_size \(32\)"):
        RayBatchEmbedding(HashEmbedder, workers=0)


# -- on a local Ray -------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def local_ray() -> Iterator[Any]:
    """One local Ray of 2 CPUs for the module; RayBatchEmbedding uses it and leaves it running."""
    if importlib.util.find_spec("ray") is None:
        pytest.skip("ray is not installed: pip install 'matcher[ray]'")
    ray = import_ray()
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


@needs_ray
def test_fake_embedder_on_two_actors_gives_the_local_vectors_in_order(local_ray: Any) -> None:
    embed = RayBatchEmbedding(BagOfWordsEmbedder, model=BagOfWordsEmbedder.name, workers=2, batch_size=8)

    vectors = embed(TEXTS)

    expected = BagOfWordsEmbedder().encode(TEXTS)
    assert vectors.shape == (40, 64)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(vectors, expected, atol=1e-5)
    np.testing.assert_array_equal(vectors[3], vectors[39])  # the repeated text
    assert local_ray.is_initialized()  # a running Ray is left running


@needs_ray
def test_packaged_minilm_on_two_actors_gives_the_local_vectors(local_ray: Any, embedder: Embedder) -> None:
    from matcher.embedding.sentence_transformers import SentenceTransformerEmbedder

    factory = partial(SentenceTransformerEmbedder, "packaged", threads=1)
    embed = RayBatchEmbedding(factory, model=embedder.name, workers=2, batch_size=8)

    vectors = embed(TEXTS)

    assert embedder.name == "all-MiniLM-L6-v2:torch-fp32"
    assert vectors.shape == (40, 384)
    np.testing.assert_allclose(vectors, embedder.encode(TEXTS), atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(vectors[3], vectors[39])


@needs_ray
def test_workers_of_another_model_are_refused(local_ray: Any) -> None:
    embed = RayBatchEmbedding(BagOfWordsEmbedder, model=HashEmbedder.name, workers=1)

    with pytest.raises(ModelMismatchError, match=r"embed with \['bag-of-words-test'\], but the vectors are cached"):
        embed(TEXTS[:4])


@needs_ray
def test_more_workers_than_cpus_is_refused_before_the_job(local_ray: Any) -> None:
    embed = RayBatchEmbedding(HashEmbedder, model=HashEmbedder.name, workers=3)

    with pytest.raises(CapacityError, match=r"has 2 CPU\(s\); 3 worker\(s\) of 1 CPU\(s\) need 3"):
        embed(TEXTS[:4])


@needs_ray
def test_ingest_embeds_on_ray_only_what_the_cache_lacks(local_ray: Any, tmp_path: Path) -> None:
    directory = shutil.copytree(TINY, tmp_path / "tiny")
    matcher = Matcher(make_settings(tmp_path / "home"), embedder=HashEmbedder()).open()
    asked: list[str] = []
    ray_embed = RayBatchEmbedding(HashEmbedder, model=HashEmbedder.name, workers=2, batch_size=4)

    def embed(texts: Sequence[str]) -> np.ndarray:
        asked.extend(texts)
        return ray_embed(texts)

    try:
        matcher.ingest(directory)  # every vector cached by the local path
        edit_file(directory / "partners.csv", "Blue Reef School", "Blue Reef Academy")
        edit_file(directory / "projects.csv", "Gardens that Teach", "Gardens that Feed")
        report = matcher.ingest(directory, embed=embed)
        texts = [p.text for p in matcher.store.load_dataset().partners]
    finally:
        matcher.close()

    assert report.embedded == 2
    assert report.reused == 16
    assert sorted(t.split(".")[0] for t in asked) == ["Blue Reef Academy", "Gardens that Feed"]
    np.testing.assert_allclose(
        stored_vectors(tmp_path / "home", HashEmbedder.name, texts), HashEmbedder().encode(texts)
    )


@needs_ray
def test_cli_ingest_on_ray_stores_the_local_vectors(
    local_ray: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("matcher.engine.create_embedder", hash_embedder)
    home = tmp_path / "home"

    result = run_cli(home, "ingest", "--engine", "ray", "--workers", "2", str(TINY))
    again = run_cli(home, "ingest", str(TINY))  # the local path finds every vector under the same model

    assert result.exit_code == 0, result.output
    # the command's own lines: a loaded machine's Ray may add notices of its own ("(raylet) ...", e.g. a worker
    # restarted) to the output, which the report does not control
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("partners "))
    report = [line for line in lines[start:] if "(raylet)" not in line]
    assert report[0].split() == ["partners", "12", "(+12", "added,", "0", "updated,", "0", "removed)"]
    assert report[-2] == "embedded 18 new text(s), reused 0 cached vector(s)"
    assert report[-1].startswith("themes fitted and saved to ")
    assert again.stdout.splitlines()[-1] == "embedded 0 new text(s), reused 18 cached vector(s)"
    texts = tiny_texts()
    np.testing.assert_allclose(stored_vectors(home, HashEmbedder.name, texts), HashEmbedder().encode(texts), atol=1e-6)


def test_cli_refuses_an_unknown_engine(tmp_path: Path) -> None:
    result = run_cli(tmp_path / "home", "ingest", "--engine", "spark", str(TINY))

    assert result.exit_code == 2
    assert "'spark' is not one of 'local', 'ray'" in " ".join(result.output.replace("│", " ").split())
