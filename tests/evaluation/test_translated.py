"""Translated requests: read from a CSV with clear errors, scored as recall@10 and the share of the original answer
kept, per language and ranker, with intervals."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from matcher.evaluation import evaluate
from matcher.evaluation.translated import (
    TRANSLATED_TASK,
    TranslatedRequest,
    TranslationsError,
    kept_at,
    read_translations,
    score_translations,
)
from tests.evaluation.fakes import BagOfWordsEmbedder
from tests.evaluation.test_learned import club_alliance


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["project_id", "language", "title", "description", "seeking"])
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_request_is_built_like_a_projects_text(tmp_path: Path) -> None:
    path = write(
        tmp_path / "t.csv",
        [
            {"project_id": "p1", "language": "FR", "title": "Écoles", "description": "Un projet.", "seeking": ""},
            {"project_id": "p1", "language": "es", "title": "Escuelas", "description": "Un proyecto.",
             "seeking": "una ONG en África Occidental"},
        ],
    )  # fmt: skip
    assert read_translations(path) == [
        TranslatedRequest("p1", "fr", "Écoles. Un projet."),
        TranslatedRequest("p1", "es", "Escuelas. Un proyecto.. Seeking: una ONG en África Occidental"),
    ]


def test_a_bad_file_names_the_line_and_field(tmp_path: Path) -> None:
    row = {"project_id": "p1", "language": "fr", "title": "", "description": "x", "seeking": ""}
    with pytest.raises(TranslationsError, match=r"t\.csv: line 2: field 'title' is empty"):
        read_translations(write(tmp_path / "t.csv", [row]))
    (tmp_path / "u.csv").write_text("project_id,language\np1,fr\n", encoding="utf-8")
    with pytest.raises(TranslationsError, match=r"line 1: missing column\(s\) \['title', 'description', 'seeking'\]"):
        read_translations(tmp_path / "u.csv")


def test_kept_at_counts_the_original_top_k_found_again() -> None:
    assert kept_at(["a", "b", "c"], ["c", "a", "z"], k=3) == pytest.approx(2 / 3)
    assert kept_at(["a", "b", "c", "d"], ["d", "a"], k=2) == 0.5  # only the top 2 of each count
    assert np.isnan(kept_at(["a"], []))


def test_scores_per_language_and_ranker() -> None:
    original = {"r": {"p1": ["a", "b"], "p2": ["c", "d"]}}
    translated = {"fr": {"r": {"p1": ["a", "b"], "p2": ["x", "c"]}}, "ar": {"r": {"p1": ["y", "z"]}}}
    relevant = {"p1": {"a"}, "p2": {"d"}}
    scores = score_translations(original, translated, relevant, resamples=200)
    table = scores.table
    assert list(table.index) == ["ar · r", "fr · r"]
    assert table.at["fr · r", "recall@10"] == 0.5 and table.at["fr · r", "kept@10"] == 0.75
    assert table.at["ar · r", "recall@10"] == 0.0 and table.at["ar · r", "kept@10"] == 0.0
    assert table.at["ar · r", "queries"] == 1 and table.at["fr · r", "queries"] == 2
    cell = scores.intervals.at["fr · r", "kept@10"]
    assert cell.lo <= 0.75 <= cell.hi and cell.lo >= 0.5 and cell.hi <= 1.0


def test_evaluate_scores_translated_requests_against_the_originals(tmp_path: Path) -> None:
    dataset = club_alliance()
    held_out = [p for p in dataset.projects if p.start_date is not None and p.start_date >= date(2015, 1, 8)]
    same = [TranslatedRequest(p.id, "xx", p.text) for p in held_out]  # a "translation" that changes nothing
    other = [TranslatedRequest(p.id, "yy", "Un projet d'éducation.") for p in held_out]
    report = evaluate(
        dataset, BagOfWordsEmbedder(), split_date=date(2015, 1, 8), resamples=200, translations=same + other
    )
    table = report.tables[TRANSLATED_TASK]
    original = report.tables["collaborators for held-out projects"]
    for ranker in ("learned ranker", "ranker v1"):
        assert table.at[f"xx · {ranker}", "kept@10"] == 1.0
        assert table.at[f"xx · {ranker}", "recall@10"] == pytest.approx(original.at[ranker, "recall@10"])
        assert table.at[f"xx · {ranker}", "queries"] == 24
        # the texts say nothing here (every project is "an education project"): the collaboration graph carries the
        # answer, so a request in other words keeps most of it
        assert table.at[f"yy · {ranker}", "kept@10"] >= 0.5
    assert "collaborators for translated requests" in report.to_markdown()
