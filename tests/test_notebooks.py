"""The notebooks run top to bottom (nbclient) and show what their story promises: figures, tables and known values.

They are stored without outputs; a broken library call, or a plot that no longer draws, fails here. explore_themes
runs on the sample alliance, evaluate_matching on the tiny fixture (MATCHER_EVAL_DATA) to stay fast.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import TINY

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
SAMPLE = NOTEBOOKS.parent / "data" / "sample"


def execute(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, dict[str, Any]]:
    """Run ``notebooks/<name>.ipynb`` in a fresh kernel; outputs by cell tag (``{tag: {mime: data}}``)."""
    path = NOTEBOOKS / f"{name}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code"), f"{path.name} has outputs"
    monkeypatch.setenv("MATCHER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()
    outputs: dict[str, dict[str, Any]] = {}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        (tag,) = cell.metadata["tags"]
        data: dict[str, Any] = {}
        for output in cell.outputs:
            assert output.output_type != "error", f"{tag}: {output}"
            data.update(output.get("data", {}))
        outputs[tag] = data
    return outputs


def value(outputs: dict[str, dict[str, Any]], tag: str) -> Any:
    return ast.literal_eval(outputs[tag]["text/plain"])


@pytest.mark.skipif(not SAMPLE.is_dir(), reason="data/sample is not in this checkout")
def test_explore_themes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = execute("explore_themes", tmp_path, monkeypatch)

    figures = ["selection-plot", "sizes-plot", "map-plot", "coverage-region-plot", "coverage-type-plot"]
    figures += ["representatives-plot", "bridges-plot"]
    for tag in figures:
        assert "image/png" in out[tag], tag
    for tag in ["sizes", "coverage-region", "gaps-region", "gaps-type", "representatives", "bridges", "suggestions"]:
        assert "<table" in out[tag].get("text/html", ""), tag

    counts = value(out, "load")
    assert (counts["partners"], counts["projects"]) == (170, 67)
    fit = value(out, "fit")
    assert 8 <= fit["themes"] <= 20
    assert fit["outlier rate"] < 0.1
    assert fit["languages"] == ["en", "es", "fr"]
    assert value(out, "sizes-total") == 170 + 67
    assert value(out, "map-table") == 170
    assert "(no theme)" in out["sizes"]["text/html"] or fit["outlier rate"] == 0
    assert "region" in out["gaps-region"]["text/html"] and "expected" in out["gaps-region"]["text/html"]
    assert out["suggestions"]["text/plain"].count("\n") >= 5  # a header and five suggestions


def test_evaluate_matching(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = execute("evaluate_matching", tmp_path, monkeypatch, MATCHER_EVAL_DATA=str(TINY))

    info = out["evaluate"]["text/plain"]
    assert "'partners': 12" in info and "'projects': 4" in info
    for tag in ["collaborators-table", "groups-table"]:
        html = out[tag]["text/html"]
        assert "<table" in html and "default ranker" in html and "tfidf" in html and "recall@10" in html, tag
    assert "image/png" in out["metrics-plot"]
    assert (tmp_path / "home" / "cache" / "evaluation-vectors.npz").exists()
