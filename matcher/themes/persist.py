"""A fitted theme model on disk: ``$MATCHER_HOME/themes.json``, so that ids survive refits and service restarts.

The file holds what is needed to label, assign and re-identify themes - parameters, centroids, terms and each document's
theme - but not the documents themselves: a loaded model answers ``predict`` and ``themes_``; the analyses need a fit.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

from matcher.themes.centering import LanguageCentering
from matcher.themes.model import Theme, ThemeModel
from matcher.themes.selection import KChoice

FORMAT_VERSION = 1
FILENAME = "themes.json"


def theme_path(home: Path) -> Path:
    return Path(home) / FILENAME


def to_dict(model: ThemeModel) -> dict[str, Any]:
    check_is_fitted(model, "themes_")
    centroids = {int(i): c for i, c in zip(model.theme_ids_.tolist(), model.centroids_, strict=True)}
    keys = list(model.assignments_)
    assignments = {
        key: {"theme": int(t), "similarity": round(float(s), 4)}
        for key, t, s in zip(keys, model.labels_.tolist(), model.similarity_.tolist(), strict=True)
    }
    return {
        "format": FORMAT_VERSION,
        "fitted_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "space": model.space_,
        "params": model.get_params(),
        "next_id": model.next_id_,
        "noise_rate": model.noise_rate_,
        "outlier_rate": model.outlier_rate_,
        "languages": model.languages_,
        "selection": None
        if model.selection_ is None
        else {"scores": {str(k): v for k, v in model.selection_.scores.items()}, "best": model.selection_.best},
        "lineage": model.lineage_,
        "centering": None
        if model.centering_ is None
        else {
            "min_documents": model.centering_.min_documents,
            "means": {lang: [round(float(x), 6) for x in mean] for lang, mean in model.centering_.means_.items()},
        },
        "themes": [
            {
                "id": t.id,
                "label": t.label,
                "terms": list(t.terms),
                "scores": list(t.scores),
                "size": t.size,
                "partners": t.partners,
                "projects": t.projects,
                "centroid": [round(float(x), 6) for x in centroids[t.id]],
            }
            for t in model.themes_
        ],
        "assignments": assignments,
    }


def from_dict(data: dict[str, Any]) -> ThemeModel:
    if data.get("format") != FORMAT_VERSION:
        raise ValueError(
            f"themes file format {data.get('format')!r} is not {FORMAT_VERSION}; refit: matcher themes fit"
        )
    params = dict(data["params"])
    params["k_range"] = tuple(params["k_range"])
    model = ThemeModel(**params)
    themes = data["themes"]
    model.themes_ = [
        Theme(
            id=int(t["id"]),
            label=t["label"],
            terms=tuple(t["terms"]),
            scores=tuple(t["scores"]),
            size=int(t["size"]),
            partners=int(t["partners"]),
            projects=int(t["projects"]),
        )
        for t in themes
    ]
    model.theme_ids_ = np.array([t["id"] for t in themes], dtype=np.int64)
    dim = len(themes[0]["centroid"]) if themes else 0
    model.centroids_ = np.array([t["centroid"] for t in themes], dtype=np.float32).reshape(len(themes), dim)
    model.next_id_ = int(data["next_id"])
    model.noise_rate_ = float(data["noise_rate"])
    model.outlier_rate_ = float(data["outlier_rate"])
    model.languages_ = list(data["languages"])
    selection = data.get("selection")
    model.selection_ = (
        None if selection is None else KChoice({int(k): v for k, v in selection["scores"].items()}, selection["best"])
    )
    model.lineage_ = dict(data.get("lineage", {}))
    model.space_ = data.get("space")
    centering = data.get("centering")
    model.centering_ = None
    if centering is not None:
        model.centering_ = LanguageCentering(min_documents=int(centering["min_documents"]))
        model.centering_.means_ = {k: np.array(v, dtype=np.float32) for k, v in centering["means"].items()}
    assignments = data.get("assignments", {})
    model.assignments_ = {key: int(a["theme"]) for key, a in assignments.items()}
    model.labels_ = np.array([a["theme"] for a in assignments.values()], dtype=np.int64)
    model.similarity_ = np.array([a["similarity"] for a in assignments.values()], dtype=np.float32)
    return model


def save(model: ThemeModel, path: Path) -> Path:
    """Write atomically (a reader never sees half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(to_dict(model), ensure_ascii=False, indent=1))
    tmp.replace(path)
    return path


def load(path: Path) -> ThemeModel:
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise FileNotFoundError(f"{path} does not exist; fit themes first: matcher themes fit") from None
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}); refit: matcher themes fit"
        ) from None
    return from_dict(data)
