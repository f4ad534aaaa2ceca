"""Fixtures of the theme tests: the known-answer blob corpus (see ``blobs.py``) and its fitted model, fitted once."""

from __future__ import annotations

import matplotlib
import pytest

from matcher.themes.corpus import ThemeCorpus
from matcher.themes.model import ThemeModel
from tests.themes.blobs import make_corpus

matplotlib.use("Agg")


@pytest.fixture(scope="session")
def blobs() -> ThemeCorpus:
    return make_corpus()


@pytest.fixture(scope="session")
def fitted(blobs: ThemeCorpus) -> ThemeModel:
    """Read-only: the default model fitted on the blobs."""
    return ThemeModel().fit(blobs)


def theme_of(model: ThemeModel, key: str) -> int:
    return int(model.assignments_[key])
