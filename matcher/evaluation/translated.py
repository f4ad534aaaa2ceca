"""The same held-out requests in other languages: does the matcher still find the partners, and does it keep its
answer? (Issue 14: the alliance writes in many languages; a French request must not get a different, worse answer
than its English original.)

A translations file (CSV, UTF-8) holds ``project_id,language,title,description,seeking``: a held-out project's text
in another language, built like :attr:`matcher.domain.Project.text`. For each language and ranker the table gives
recall@10 on the translated requests and ``kept@10``, the share of the original request's top 10 that the translated
request's top 10 keeps, each with a bootstrap 95 % interval over the requests.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from matcher.domain import Project
from matcher.evaluation.bootstrap import Interval, mean_interval, resample_indices
from matcher.evaluation.metrics import recall_at
from matcher.evaluation.report import TaskScores

COLUMNS: tuple[str, ...] = ("project_id", "language", "title", "description", "seeking")
TRANSLATED_TASK = "collaborators for translated requests"


class TranslationsError(ValueError):
    """A translations file that cannot be read; the message names the file, line and field."""


@dataclass(frozen=True, slots=True)
class TranslatedRequest:
    """A held-out project's request written in ``language`` (ISO 639-1)."""

    project_id: str
    language: str
    text: str


def read_translations(path: Path) -> list[TranslatedRequest]:
    """The requests of a translations file, in file order."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise TranslationsError(f"{path}: line 1: missing column(s) {missing}; the columns are {list(COLUMNS)}")
        requests = []
        for line, row in enumerate(reader, start=2):
            for name in ("project_id", "language", "title", "description"):
                if not (row.get(name) or "").strip():
                    raise TranslationsError(f"{path}: line {line}: field {name!r} is empty; it is required")
            text = Project(
                row["project_id"], row["title"].strip(), row["description"].strip(), seeking=row["seeking"] or None
            ).text
            requests.append(TranslatedRequest(row["project_id"].strip(), row["language"].strip().lower(), text))
    return requests


def kept_at(translated: Sequence[str], original: Sequence[str], k: int = 10) -> float:
    """Share of ``original``'s top ``k`` that ``translated``'s top ``k`` keeps (NaN when ``original`` is empty)."""
    top = set(original[:k])
    return len(top & set(translated[:k])) / len(top) if top else float("nan")


def score_translations(
    original: Mapping[str, Mapping[str, Sequence[str]]],
    translated: Mapping[str, Mapping[str, Mapping[str, Sequence[str]]]],
    relevant: Mapping[str, set[str]],
    *,
    resamples: int = 1000,
    seed: int = 0,
) -> TaskScores:
    """One row per language and ranker: ``original[ranker][project]`` is the original request's ranking,
    ``translated[language][ranker][project]`` the translated one's; ``relevant[project]`` the held-out partners.
    Rows of a language share their resamples of the requests, so rankers compare paired."""
    rows: dict[str, dict[str, float]] = {}
    cells: dict[str, dict[str, Interval]] = {}
    values: dict[str, dict[str, np.ndarray]] = {}
    indices = np.zeros((resamples, 0), dtype=np.int64)
    for language in sorted(translated):
        for ranker, rankings in translated[language].items():
            projects = sorted(p for p in rankings if p in relevant and p in original.get(ranker, {}))
            if not projects:
                continue
            indices = resample_indices(len(projects), resamples=resamples, seed=seed)
            recall = np.array([recall_at(rankings[p], relevant[p], 10) for p in projects], dtype=np.float64)
            kept = np.array([kept_at(rankings[p], original[ranker][p]) for p in projects], dtype=np.float64)
            name = f"{language} · {ranker}"
            values[name] = {"recall@10": recall, "kept@10": kept}
            cells[name] = {
                "recall@10": mean_interval(recall, indices=indices),
                "kept@10": mean_interval(np.nan_to_num(kept, nan=1.0), indices=indices),
            }
            rows[name] = {metric: cell.value for metric, cell in cells[name].items()} | {"queries": len(projects)}
    table = pd.DataFrame.from_dict(rows, orient="index")
    if len(table):
        table["queries"] = table["queries"].astype(int)
    table.index.name = "method"
    frame = pd.DataFrame.from_dict(cells, orient="index")
    frame.index.name = "method"
    return TaskScores(table, frame, values, indices)
