"""Learning the ranker from the store's history: an application of the engine, like the CLI and the service.

The engine (:class:`matcher.engine.Matcher`) serves: it loads the ranker saved at ``$MATCHER_HOME/models`` and tells
whether it is stale (:meth:`~matcher.engine.Matcher.ranker_is_stale`); it never trains. This module reads the store
through a ``Matcher``, fits with :func:`matcher.ranking.selection.train_ranker` (simulated queries, model selection),
saves the model with its card, and offers the import a user runs: :func:`ingest` (import, then learn).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from matcher.engine import IngestReport, Matcher
from matcher.ranking.features import DenseLayout
from matcher.ranking.selection import LearnedModel, train_ranker


def train(matcher: Matcher, path: Path | None = None) -> LearnedModel | None:
    """Learn the ranker from ``matcher``'s store and save it (with its model card) to ``path`` (default
    ``$MATCHER_HOME/models/ranker.joblib``). With too little history, remove any stale model and return None. The
    served snapshot keeps its ranker until the next :meth:`~matcher.engine.Matcher.refresh`."""
    path = path or matcher.settings.ranker_path
    store = matcher.store
    revision = store.revision()  # read first: a write during training makes the model stale, not current
    dataset = store.load_dataset()
    embedder = matcher.embedder
    ranker = train_ranker(dataset, matcher.vectors_for, embedder, layout=DenseLayout.of(embedder))
    if ranker is None:
        path.unlink(missing_ok=True)
        return None
    selection = getattr(ranker, "selection_", None)
    ranker.save(
        path,
        extra={
            **(selection.card() if selection is not None else {}),
            "store revision": revision,
            "partners": len(dataset.partners),
            "projects": len(dataset.projects),
            "embedding model": embedder.name,
        },
    )
    # the card's facts a program reads (Matcher.ranker_is_stale), beside the model
    path.with_suffix(".json").write_text(json.dumps({"store revision": revision}), encoding="utf-8")
    return ranker


def ingest(
    matcher: Matcher,
    directory: str | Path,
    *,
    show_progress: bool = False,
    embed: Callable[[Sequence[str]], np.ndarray] | None = None,
) -> IngestReport:
    """:meth:`Matcher.ingest <matcher.engine.Matcher.ingest>`, then, unless ``MATCHER_AUTO_TRAIN`` is off, learn
    the ranker from the new history; the snapshot is built once, with that ranker."""
    report = matcher.ingest(directory, show_progress=show_progress, embed=embed, serve=False)
    if matcher.settings.auto_train:
        train(matcher)
    matcher.refresh()
    return report
