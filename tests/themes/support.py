"""A Matcher over a copy of the tiny fixture with themes fitted: ocean, gardens, girls in STEM, teachers."""

from __future__ import annotations

from pathlib import Path

from matcher.embedding.base import Embedder
from matcher.engine import Matcher
from matcher.themes.model import ThemeModel
from matcher.themes_fit import refit
from tests.conftest import open_copy

#: The tiny fixture has 16 documents: 3 per theme on average lets the silhouette reach the four themes it has.
TINY_MODEL = ThemeModel(min_theme_size=3)
GROUPS = {
    "ocean": {"ocean-school", "ocean-ngo", "ocean-lab", "ocean-hidden"},
    "garden": {"garden-school", "garden-ngo", "garden-city"},
    "stem": {"stem-uni", "stem-company", "stem-youth"},
    "teachers": {"teacher-net", "teacher-uni"},
}


def themed_copy(tiny_home: Path, target: Path, embedder: Embedder) -> Matcher:
    matcher = open_copy(tiny_home, target, embedder)
    refit(matcher, TINY_MODEL)
    return matcher


def theme_ids(matcher: Matcher) -> dict[str, int]:
    """Theme id of each group of the tiny fixture (all its partners share it; tests assert that)."""
    lookup = matcher.recommender.themes
    assert lookup is not None
    return {group: lookup.partner_theme[sorted(ids)[0]] for group, ids in GROUPS.items()}
