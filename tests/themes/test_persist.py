"""themes.json: what a loaded model keeps, and the errors for missing or broken files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from matcher.themes import persist
from matcher.themes.corpus import ThemeCorpus
from matcher.themes.model import ThemeModel


def test_round_trip_keeps_themes_assignments_and_the_assignment_rule(
    fitted: ThemeModel, blobs: ThemeCorpus, tmp_path: Path
) -> None:
    path = persist.save(fitted, tmp_path / "themes.json")
    loaded = persist.load(path)

    assert loaded.themes_ == fitted.themes_
    assert loaded.assignments_ == fitted.assignments_
    np.testing.assert_array_equal(loaded.theme_ids_, fitted.theme_ids_)
    np.testing.assert_array_equal(loaded.predict(blobs.vectors, blobs.texts), fitted.labels_)
    assert loaded.next_id_ == 4
    assert loaded.outlier_rate_ == fitted.outlier_rate_
    assert loaded.selection_ is not None and fitted.selection_ is not None
    assert loaded.selection_.scores == fitted.selection_.scores
    assert loaded.get_params() == fitted.get_params()
    assert not hasattr(loaded, "corpus_")


def test_a_refit_from_the_file_keeps_the_ids(fitted: ThemeModel, blobs: ThemeCorpus, tmp_path: Path) -> None:
    loaded = persist.load(persist.save(fitted, tmp_path / "themes.json"))
    refit = ThemeModel().fit(blobs, previous=loaded)
    assert refit.assignments_ == fitted.assignments_
    assert refit.lineage_["kept"] == [0, 1, 2, 3]


def test_file_content_is_plain_json(fitted: ThemeModel, tmp_path: Path) -> None:
    data = json.loads(persist.save(fitted, tmp_path / "t.json").read_text())
    assert data["format"] == 1
    assert [t["id"] for t in data["themes"]] == [0, 1, 2, 3]
    assert len(data["themes"][0]["centroid"]) == 48
    assert data["assignments"]["partner:lost"] == {"theme": -1, "similarity": pytest.approx(0.0, abs=0.2)}
    assert sorted(data["centering"]["means"]) == ["*", "en", "fr"]


def test_missing_and_broken_files_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist; fit themes first: matcher themes fit"):
        persist.load(tmp_path / "none.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": 1,\n oops')
    with pytest.raises(
        ValueError, match=r"broken.json: not valid JSON \(line 2, column 2\); refit: matcher themes fit"
    ):
        persist.load(broken)
    broken.write_text('{"format": 99}')
    with pytest.raises(ValueError, match="themes file format 99 is not 1; refit: matcher themes fit"):
        persist.load(broken)
