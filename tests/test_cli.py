"""The ``matcher`` command line, run in-process with typer's CliRunner and a private MATCHER_HOME."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from matcher.cli import app
from matcher.embedding.base import Embedder
from matcher.settings import Settings
from matcher.store import Store
from tests.conftest import OCEAN_QUERY, TINY, edit_file, make_settings

runner = CliRunner()
EMPTY_COUNTS = {"partners": 0, "projects": 0, "action_groups": 0, "project_members": 0, "group_members": 0}


def run(home: Path, *args: str) -> Result:
    return runner.invoke(app, list(args), env={"MATCHER_HOME": str(home), "MATCHER_DATABASE_URL": None})


@pytest.fixture(autouse=True)
def shared_model(embedder: Embedder, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each command builds its own Matcher; give it the session's model instead of loading one per command."""
    monkeypatch.setattr("matcher.engine.create_embedder", lambda settings: embedder)


@pytest.fixture(scope="module")
def cli_home(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Iterator[Path]:
    """A MATCHER_HOME where `matcher ingest tests/fixtures/tiny` ran once; read-only for the tests that use it."""
    home = tmp_path_factory.mktemp("cli") / "home"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("matcher.engine.create_embedder", lambda settings: embedder)
        result = run(home, "ingest", str(TINY))
    assert result.exit_code == 0, result.output
    yield home


def store_counts(home: Path) -> dict[str, int]:
    store = Store(make_settings(home).store_url)
    try:
        return store.counts()
    finally:
        store.close()


def test_ingest_prints_counts(tmp_path: Path) -> None:
    result = run(tmp_path / "home", "ingest", str(TINY))

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["partners", "12", "(+12", "added,", "0", "updated,", "0", "removed)"]
    assert lines[3].split() == ["project_members", "9"]
    assert lines[4].split() == ["group_members", "3"]
    assert lines[-2] == "embedded 18 new text(s), reused 0 cached vector(s)"
    # the themes the service would otherwise fit at its first start
    assert lines[-1] == f"themes fitted and saved to {tmp_path / 'home' / 'themes.json'}"
    assert (tmp_path / "home" / "themes.json").exists()

    again = run(tmp_path / "home", "ingest", str(TINY))

    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[-1] == "embedded 0 new text(s), reused 18 cached vector(s)"  # themes kept


def test_ingest_warns_about_unknown_columns(tmp_path: Path) -> None:
    directory = tmp_path / "tiny"
    directory.mkdir()
    (directory / "partners.csv").write_text(
        "id,name,description,colour\np1,Reef School,Ocean literacy for pupils.,blue\n", encoding="utf-8"
    )

    result = run(tmp_path / "home", "ingest", str(directory))

    assert result.exit_code == 0, result.output
    assert "warning: partners.csv: unknown column(s) ignored: colour" in result.stderr


def test_ingest_of_a_bad_directory_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    directory = tmp_path / "tiny"
    directory.mkdir()
    for path in TINY.iterdir():
        (directory / path.name).write_bytes(path.read_bytes())
    edit_file(directory / "partners.csv", ",school,FJ,", ",school,XX,")
    edit_file(directory / "projects.csv", "2023-02-01", "2023-02-31")

    result = run(tmp_path / "home", "ingest", str(directory))

    assert result.exit_code == 2
    assert "The import has 2 error(s); nothing was written" in result.stderr
    assert "partners.csv, line 2, column 'country': value 'XX'" in result.stderr
    assert "projects.csv, line 2, column 'start_date': value '2023-02-31'" in result.stderr
    assert result.stdout == ""
    assert store_counts(tmp_path / "home") == EMPTY_COUNTS
    assert not (tmp_path / "home" / "index" / "partners.faiss").exists()


def test_ingest_of_a_missing_directory_exits_2(tmp_path: Path) -> None:
    result = run(tmp_path / "home", "ingest", str(tmp_path / "nowhere"))

    assert result.exit_code == 2
    assert "is not a directory; give the folder holding partners.csv" in result.stderr


def test_recommend_json(cli_home: Path) -> None:
    result = run(cli_home, "recommend", "--text", OCEAN_QUERY, "-k", "3", "--json")

    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["count"] == 3
    assert {m["partner_id"] for m in payload["data"][:2]} == {"ocean-school", "ocean-ngo"}
    top = payload["data"][0]
    assert set(top) == {"partner_id", "name", "type", "country", "score", "reasons", "score_breakdown", "explanations"}
    assert [e["text"] for e in top["explanations"]] == top["reasons"]
    assert all(set(e) == {"code", "text", "params"} for e in top["explanations"])


def test_recommend_with_requester(cli_home: Path) -> None:
    result = run(cli_home, "recommend", "--text", OCEAN_QUERY, "--requester", "ocean-school", "--json")

    found = [m["partner_id"] for m in json.loads(result.stdout)["data"]]
    assert found[0] == "ocean-ngo"
    assert "ocean-school" not in found
    assert "ocean-hidden" not in found


def test_recommend_leaves_out_what_the_requester_declined(tmp_path: Path) -> None:
    """The CLI applies feedback as the API does: a declined partner is not suggested to that requester again."""
    home = tmp_path / "home"
    assert run(home, "ingest", str(TINY)).exit_code == 0
    before = run(home, "recommend", "--text", OCEAN_QUERY, "--requester", "ocean-school", "--json")
    ranked = [m["partner_id"] for m in json.loads(before.stdout)["data"]]
    assert ranked[0] == "ocean-ngo"
    store = Store(make_settings(home).store_url)
    try:
        store.add_feedback("ocean-school", "ocean-ngo", "decline")
    finally:
        store.close()

    mine = run(home, "recommend", "--text", OCEAN_QUERY, "--requester", "ocean-school", "--json")
    theirs = run(home, "recommend", "--text", OCEAN_QUERY, "--requester", "stem-uni", "--json")

    assert mine.exit_code == 0, mine.output
    found = [m["partner_id"] for m in json.loads(mine.stdout)["data"]]
    assert "ocean-ngo" not in found
    assert found[:5] == ranked[1:6]  # the rest keep their order
    assert "ocean-ngo" in [m["partner_id"] for m in json.loads(theirs.stdout)["data"]][:3]  # others still see it


def test_recommend_for_a_project(cli_home: Path) -> None:
    result = run(cli_home, "recommend", "--project", "reef-kit", "-k", "100", "--json")

    found = [m["partner_id"] for m in json.loads(result.stdout)["data"]]
    assert found[0] == "ocean-lab"
    assert {"ocean-school", "ocean-ngo", "ocean-hidden"}.isdisjoint(found)


def test_recommend_as_text(cli_home: Path) -> None:
    result = run(cli_home, "recommend", "--text", OCEAN_QUERY, "-k", "2")

    assert result.exit_code == 0, result.output
    ranked = [line for line in result.stdout.splitlines() if not line.startswith(" " * 6)]
    assert len(ranked) == 2
    assert ranked[0].startswith(" 1. ")
    assert {"[ocean-school]", "[ocean-ngo]"} <= set(" ".join(ranked).split())
    assert any(line.strip().startswith("· ") for line in result.stdout.splitlines())  # reasons under each match


def test_recommend_unknown_requester_exits_2(cli_home: Path) -> None:
    result = run(cli_home, "recommend", "--text", "ocean", "--requester", "nope")

    assert result.exit_code == 2
    assert "No partner with id 'nope'." in result.stderr


def test_recommend_needs_text_or_project(cli_home: Path) -> None:
    result = run(cli_home, "recommend")

    assert result.exit_code == 2
    assert 'give --text "a project description" or --project ID' in result.stderr


@pytest.mark.parametrize("k", ["0", "101"])
def test_recommend_k_out_of_range_is_a_usage_error(cli_home: Path, k: str) -> None:
    result = run(cli_home, "recommend", "--text", "ocean", "-k", k)

    assert result.exit_code == 2
    assert "-k" in result.stderr


def test_recommend_on_an_empty_store_says_what_to_do(tmp_path: Path) -> None:
    result = run(tmp_path / "home", "recommend", "--text", OCEAN_QUERY)

    assert result.exit_code == 1
    assert "the store is empty: run `matcher ingest DIR` first" in result.stderr


def test_status(cli_home: Path) -> None:
    result = run(cli_home, "status")

    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split(None, 1)[1] for line in result.stdout.splitlines()}
    assert lines["partners"] == "12"
    assert lines["group_members"] == "3"
    assert lines["model"] == "all-MiniLM-L6-v2:torch-fp32 (384-d)"
    assert lines["index"] == "faiss:Flat (12 vectors)"
    assert lines["home"] == str(cli_home)


def test_status_names_each_approximate_index_with_its_recall_at_the_depth_it_is_read(
    cli_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    shutil.copytree(cli_home, home)
    monkeypatch.setenv("MATCHER_INDEX_THRESHOLD", "3")  # every index holds more: all HNSW, rebuilt at open

    result = run(home, "status")

    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split(None, 1)[1] for line in result.stdout.splitlines()}
    assert lines["index.partners"] == (
        "faiss:HNSW32,SQ4, 12 vectors, recall@10 1.0 among the 200 returned (measured at build), efSearch 64"
    )
    assert lines["index.history"].startswith("faiss:HNSW32,SQ4, ")


def test_status_json(cli_home: Path) -> None:
    result = run(cli_home, "status", "--json")

    info = json.loads(result.stdout)
    assert info["counts"]["partners"] == 12
    assert info["model"] == "all-MiniLM-L6-v2:torch-fp32"
    assert info["dim"] == 384
    assert info["index"] == {"kind": "faiss:Flat", "vectors": 12}


def test_status_of_an_empty_home(tmp_path: Path) -> None:
    result = run(tmp_path / "home", "status", "--json")

    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["counts"] == EMPTY_COUNTS
    assert info["index"]["vectors"] == 0


def test_no_arguments_shows_help() -> None:
    result = runner.invoke(app, [])

    assert "ingest" in result.output
    assert "recommend" in result.output
    assert "serve" in result.output
    assert "status" in result.output


def test_serve_builds_the_app_and_seeds_an_empty_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    from service.app import served_app

    started: dict[str, object] = {}
    blas_limits: list[object] = []  # the process-wide BLAS limit serve sets (not left on the test process)
    monkeypatch.setattr("uvicorn.run", lambda app, **options: started.update(app=app, **options))
    monkeypatch.setattr("threadpoolctl.threadpool_limits", lambda limits=None: blas_limits.append(limits))
    monkeypatch.setenv("MATCHER_SEED_DIR", str(tmp_path))  # restored after the test: serve passes --seed in it
    monkeypatch.delenv("MATCHER_REVISION_CHECK_INTERVAL", raising=False)

    result = run(tmp_path / "home", "serve", "--port", "8123", "--seed", str(TINY))

    assert result.exit_code == 0, result.output
    assert started == {
        "app": "service.app:served_app",  # each process (one here) builds the app from the environment
        "factory": True,
        "host": "127.0.0.1",
        "port": 8123,
        "workers": 1,
        "log_level": "info",
    }
    assert os.environ["MATCHER_SEED_DIR"] == str(TINY)
    assert "MATCHER_REVISION_CHECK_INTERVAL" not in os.environ  # one process: the 1 s default stays
    monkeypatch.setenv("MATCHER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("MATCHER_DATABASE_URL", raising=False)
    app = served_app()
    assert app.state.settings.threads == 1 and blas_limits == [1]
    with TestClient(app) as client:
        assert client.get("/v1/health").json()["partners"] == 12
    assert store_counts(tmp_path / "home")["partners"] == 12


def test_serve_with_workers_checks_the_store_revision_before_every_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: dict[str, object] = {}
    monkeypatch.setattr("uvicorn.run", lambda app, **options: started.update(app=app, **options))
    monkeypatch.setenv("MATCHER_REVISION_CHECK_INTERVAL", "1.0")
    monkeypatch.delenv("MATCHER_REVISION_CHECK_INTERVAL")  # absent, and restored after the test

    assert run(tmp_path / "home", "serve", "--workers", "2").exit_code == 0
    assert started["workers"] == 2 and os.environ["MATCHER_REVISION_CHECK_INTERVAL"] == "0"

    monkeypatch.setenv("MATCHER_REVISION_CHECK_INTERVAL", "5")  # set by the operator: kept
    assert run(tmp_path / "home", "serve", "--workers", "2").exit_code == 0
    assert os.environ["MATCHER_REVISION_CHECK_INTERVAL"] == "5"

    refused = run(tmp_path / "home", "serve", "--workers", "0")
    assert refused.exit_code == 2 and "--workers" in refused.output


def test_serve_embeds_on_one_thread_unless_threads_are_set(tmp_path: Path) -> None:
    default = Settings(home=tmp_path, database_url=None)
    chosen = Settings(home=tmp_path, database_url=None, threads=2)

    assert default.threads is None  # ingest and the other commands: all cores
    assert default.serving().threads == 1
    assert chosen.serving().threads == 2
    assert default.serving().model_dump(exclude={"threads"}) == default.model_dump(exclude={"threads"})
