"""``matcher themes fit|show|export`` in-process, on a copy of the tiny fixture's state directory."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from matcher.cli import app
from matcher.embedding.base import Embedder

runner = CliRunner()


def run(home: Path, *args: str) -> Result:
    return runner.invoke(app, ["themes", *args], env={"MATCHER_HOME": str(home), "MATCHER_DATABASE_URL": None})


@pytest.fixture(autouse=True)
def shared_model(embedder: Embedder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("matcher.engine.create_embedder", lambda settings: embedder)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, tiny_home: Path, embedder: Embedder) -> Path:
    """A state directory with the tiny fixture and `matcher themes fit --min-size 3` run once."""
    target = tmp_path_factory.mktemp("themes-cli") / "home"
    shutil.copytree(tiny_home, target)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("matcher.engine.create_embedder", lambda settings: embedder)
        result = run(target, "fit", "--min-size", "3")
    assert result.exit_code == 0, result.output
    return target


def test_fit_prints_the_criterion_and_the_themes(home: Path) -> None:
    result = run(home, "fit", "--min-size", "3")

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("silhouette by number of themes: 2: ")
    assert lines[1] == "chosen: 4 themes (best mean silhouette)"
    assert lines[2].split() == ["id", "size", "partners", "label", "[more", "terms]"]
    assert [line.split()[:3] for line in lines[3:7]] == [
        ["0", "5", "4"],
        ["1", "4", "3"],
        ["2", "4", "3"],
        ["3", "3", "2"],
    ]
    assert lines[-2] == "outliers: 0 document(s), 0.0%; languages: en, fr"
    assert lines[-1].startswith("ids: 4 kept, 0 new, 0 retired; saved to ")


def test_show_json(home: Path) -> None:
    result = run(home, "show", "--json")

    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["count"] == 4
    assert [t["id"] for t in body["data"]] == [0, 1, 2, 3]
    assert "ocean literacy" in body["data"][0]["terms"]


def test_export_csv_and_json(home: Path, tmp_path: Path) -> None:
    result = run(home, "export", str(tmp_path / "themes.csv"))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"wrote {tmp_path / 'themes.csv'} (16 documents, 4 themes)"
    with (tmp_path / "themes.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 16
    assert {r["theme"] for r in rows if r["id"].startswith("ocean-")} == {"0"}
    assert rows[0].keys() == {"kind", "id", "theme", "label", "similarity"}

    assert run(home, "export", str(tmp_path / "themes.json")).exit_code == 0
    assert json.loads((tmp_path / "themes.json").read_text())["next_id"] == 4


def test_errors_say_what_to_do(home: Path, tmp_path: Path) -> None:
    bad = run(home, "export", str(tmp_path / "themes.txt"))
    assert bad.exit_code == 2
    assert "unknown format '.txt'; use a .csv or .json file name" in bad.stderr

    missing = run(tmp_path / "nowhere", "show")
    assert missing.exit_code == 1
    assert "does not exist; fit themes first: matcher themes fit" in missing.stderr

    empty = run(tmp_path / "empty", "fit")
    assert empty.exit_code == 1
    assert "the store is empty: run `matcher ingest DIR` first" in empty.stderr

    method = run(home, "fit", "--method", "dbscan")
    assert method.exit_code == 2
    assert "'dbscan'; allowed: kmeans, hdbscan" in method.output
