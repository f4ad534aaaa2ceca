"""Property tests of the importer: whatever the files hold, an import is clean or a list of errors, never a crash,
and a failed import writes nothing (the store's counts and revision stay as they were)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from matcher.engine import Matcher
from matcher.io.importer import SPECS, ImportResult, ImportValidationError, read_directory
from tests.conftest import TINY
from tests.store.support import HashEmbedder, sqlite_settings

STEMS = [spec.stem for spec in SPECS]
COLUMNS = {spec.stem: list(spec.fields) for spec in SPECS}
IDS = ["ocean-school", "ocean-ngo", "reef-kit", "p1", "pé漢", ".", "a b", "", "x\u0000", "a\u007f"]
CELL = st.one_of(
    st.sampled_from([*IDS, "4;13", "99", "FR", "XX", "en;fr", "true", "maybe", "2024-02-30", "lead", "https://x.org"]),
    st.text(max_size=12),
)
SETTINGS = settings(
    max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def read_or_errors(directory: Path) -> ImportResult | ImportValidationError:
    """The import's result or its error list; any other exception fails the test."""
    try:
        return read_directory(directory)
    except ImportValidationError as exc:
        assert exc.issues, "an ImportValidationError lists at least one issue"
        assert all(issue.file and issue.message for issue in exc.issues)
        str(exc)  # the report renders
        return exc


@st.composite
def table(draw: st.DrawFn, stem: str) -> str:
    """A CSV file of ``stem``: some of its columns (maybe an unknown one), in any order, then rows of tricky cells."""
    names = draw(st.lists(st.sampled_from([*COLUMNS[stem], "email"]), unique=True, max_size=len(COLUMNS[stem]) + 1))
    rows = draw(st.lists(st.lists(CELL, min_size=len(names), max_size=len(names)), max_size=6))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    writer.writerows(rows)
    return buffer.getvalue()


@st.composite
def json_lines(draw: st.DrawFn, stem: str) -> str:
    """A JSON Lines file of ``stem``: objects with some of its fields and values of any JSON type, or junk lines."""
    value = st.one_of(CELL, st.integers(), st.floats(allow_nan=True), st.booleans(), st.none(), st.lists(CELL))
    rows = st.dictionaries(st.sampled_from([*COLUMNS[stem], "email"]), value, max_size=len(COLUMNS[stem]))
    lines = draw(st.lists(st.one_of(rows.map(json.dumps), st.text(max_size=10)), max_size=6))
    return "\n".join(lines)


@st.composite
def directory_files(draw: st.DrawFn) -> dict[str, bytes]:
    """File name -> content for an import directory: each file absent, CSV, JSON Lines, or both, with rows close to
    valid, or raw bytes."""
    files: dict[str, bytes] = {}
    for stem in STEMS:
        form = draw(st.sampled_from(["absent", "csv", "jsonl", "both", "bytes"]))
        if form in ("csv", "both"):
            files[f"{stem}.csv"] = draw(table(stem)).encode("utf-8")
        if form in ("jsonl", "both"):
            files[f"{stem}.jsonl"] = draw(json_lines(stem)).encode("utf-8")
        if form == "bytes":
            files[f"{stem}.{draw(st.sampled_from(['csv', 'jsonl']))}"] = draw(st.binary(max_size=64))
    return files


def write_files(directory: Path, files: dict[str, bytes]) -> Path:
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    for name, content in files.items():
        (directory / name).write_bytes(content)
    return directory


@SETTINGS
@given(stem=st.sampled_from(STEMS), suffix=st.sampled_from([".csv", ".jsonl"]), content=st.binary(max_size=200))
def test_any_bytes_in_any_file_give_a_result_or_errors(stem: str, suffix: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        shutil.copy(TINY / "partners.csv", directory / "partners.csv")
        (directory / f"{stem}{suffix}").write_bytes(content)  # partners.csv itself when stem is partners
        if stem == "partners" and suffix == ".jsonl":
            (directory / "partners.csv").unlink()

        outcome = read_or_errors(directory)

    if isinstance(outcome, ImportResult):
        assert len(outcome.dataset.partners) >= 1


@settings(SETTINGS, max_examples=80)
@given(files=directory_files())
def test_any_directory_gives_a_result_or_errors(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        outcome = read_or_errors(write_files(Path(temporary) / "import", files))

    event("clean import" if isinstance(outcome, ImportResult) else "errors")
    if isinstance(outcome, ImportResult):
        dataset = outcome.dataset
        assert dataset.partners, "a clean import has at least one partner"
        for records in (dataset.partners, dataset.projects, dataset.action_groups):
            ids = [record.id for record in records]
            assert len(ids) == len(set(ids))
            assert all(i not in (".", "..") and i.isprintable() and " " not in i for i in ids)
        partner_ids = {p.id for p in dataset.partners}
        assert {m.partner_id for m in dataset.project_members} <= partner_ids
        assert {m.project_id for m in dataset.project_members} <= {p.id for p in dataset.projects}
    else:
        both = [stem for stem in STEMS if f"{stem}.csv" in files and f"{stem}.jsonl" in files]
        for stem in both:  # one file in two formats is always reported
            assert any("are both present" in issue.message for issue in outcome.issues if issue.file == f"{stem}.csv")


@pytest.fixture(scope="module")
def store_matcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Matcher]:
    """A store holding the tiny alliance (fast hashing embedder, no training)."""
    matcher = Matcher(sqlite_settings(tmp_path_factory.mktemp("properties") / "home"), embedder=HashEmbedder()).open()
    matcher.ingest(TINY)
    yield matcher
    matcher.close()


@settings(SETTINGS, max_examples=40)
@given(files=directory_files())
def test_a_failed_import_writes_nothing(store_matcher: Matcher, files: dict[str, bytes]) -> None:
    store = store_matcher.store
    before = (store.counts(), store.revision(), sorted(p.id for p in store.load_dataset().partners))
    with tempfile.TemporaryDirectory() as temporary:
        directory = write_files(Path(temporary) / "import", files)
        try:
            report = store_matcher.ingest(directory)
        except ImportValidationError:
            event("errors")
            assert (store.counts(), store.revision(), sorted(p.id for p in store.load_dataset().partners)) == before
            return
    event("clean import")
    assert store.counts() == report.counts  # a clean import: the store holds exactly the directory's data set
    store_matcher.ingest(TINY)  # back to the tiny alliance for the next example
