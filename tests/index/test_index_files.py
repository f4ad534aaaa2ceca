"""Saved index files carry checksums: a damaged, missing or unexplained file is found when loading, logged at WARNING,
and the index rebuilt, so dense search finds every partner again."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from matcher.embedding.base import Embedder
from matcher.engine import Matcher
from tests.conftest import make_settings

WARNING_OF_FILES = "matcher.index.files"


def reopen(tiny_home: Path, home: Path, embedder: Embedder, damage: Callable[[Path], None]) -> Matcher:
    shutil.copytree(tiny_home, home)
    damage(home / "index")
    return Matcher(make_settings(home), embedder=embedder).open()


def assert_every_partner_is_its_own_nearest_neighbour(matcher: Matcher) -> None:
    catalog = matcher.catalog
    _, found = matcher.recommender.index.search(catalog.partner_vectors, 1)
    assert [ids[0] for ids in found] == [p.id for p in catalog.partners]
    assert matcher.recommender.index.count() == len(catalog.partners) == 12


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == WARNING_OF_FILES and r.levelno == logging.WARNING]


def test_the_manifest_records_sha256_checksums_of_the_index_files(tiny_home: Path) -> None:
    import hashlib

    manifest = json.loads((tiny_home / "index" / "partners.manifest.json").read_text())
    files = {name: tiny_home / "index" / name for name in ("partners.faiss", "partners.ids.json")}

    assert manifest["checksums"] == {
        name: "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest() for name, path in files.items()
    }


def test_zeroed_vectors_are_found_logged_and_rebuilt(
    tmp_path: Path, tiny_home: Path, embedder: Embedder, caplog: pytest.LogCaptureFixture
) -> None:
    def zero_16_kb(index_dir: Path) -> None:
        path = index_dir / "partners.faiss"
        data = bytearray(path.read_bytes())
        assert len(data) > 1024 + 16384  # 12 vectors of 384 float32: the block lies inside the vectors
        data[1024 : 1024 + 16384] = bytes(16384)
        path.write_bytes(bytes(data))

    caplog.set_level(logging.INFO)
    matcher = reopen(tiny_home, tmp_path / "home", embedder, zero_16_kb)

    assert_every_partner_is_its_own_nearest_neighbour(matcher)
    assert warnings_of(caplog) == [
        f"index file(s) partners.faiss in {tmp_path / 'home' / 'index'} do not match the checksum in "
        "partners.manifest.json (damaged); rebuilding the index"
    ]
    rebuilt = (tmp_path / "home" / "index" / "partners.faiss").read_bytes()
    assert bytes(16384) not in rebuilt  # saved again, whole
    scores, _ = matcher.recommender.index.search(matcher.catalog.partner_vectors, 1)
    np.testing.assert_allclose(scores[:, 0], 1.0, atol=1e-4)  # unit vectors, found with themselves
    matcher.close()


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (
            lambda d: (d / "partners.faiss").unlink(),
            "index files missing in {dir}: partners.faiss; rebuilding the index",
        ),
        (
            lambda d: (d / "partners.manifest.json").unlink(),
            "index files missing in {dir}: partners.manifest.json; rebuilding the index",
        ),
        (
            lambda d: (d / "partners.manifest.json").write_text("{not json"),
            "index manifest {dir}/partners.manifest.json is invalid (Expecting property name enclosed in double "
            "quotes: line 1 column 2 (char 1)); rebuilding the index",
        ),
        (
            lambda d: (d / "partners.manifest.json").write_text('{"model": "m", "hashes": {}}'),
            "index manifest {dir}/partners.manifest.json is invalid ('checksums'); rebuilding the index",
        ),
        (
            lambda d: (d / "partners.ids.json").write_text('{"class": "flat"}'),
            "index file(s) partners.ids.json in {dir} do not match the checksum in partners.manifest.json (damaged); "
            "rebuilding the index",
        ),
    ],
    ids=["no-faiss-file", "no-manifest", "manifest-not-json", "manifest-without-checksums", "ids-file-changed"],
)
def test_every_repair_is_logged_at_warning(
    tmp_path: Path,
    tiny_home: Path,
    embedder: Embedder,
    caplog: pytest.LogCaptureFixture,
    damage: Callable[[Path], None],
    expected: str,
) -> None:
    caplog.set_level(logging.INFO)
    matcher = reopen(tiny_home, tmp_path / "home", embedder, damage)

    assert_every_partner_is_its_own_nearest_neighbour(matcher)
    assert warnings_of(caplog) == [expected.format(dir=tmp_path / "home" / "index")]
    matcher.close()


def test_an_intact_index_loads_without_a_warning(
    tmp_path: Path, tiny_home: Path, embedder: Embedder, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    matcher = reopen(tiny_home, tmp_path / "home", embedder, lambda _: None)

    assert_every_partner_is_its_own_nearest_neighbour(matcher)
    assert warnings_of(caplog) == []
    matcher.close()
