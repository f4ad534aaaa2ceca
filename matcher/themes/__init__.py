"""Themes: clusters of partners and projects with stable ids, labels, maps and coverage gaps.

>>> corpus = ThemeCorpus.from_catalog(matcher.catalog, space=matcher.embedder.name)
>>> themes = ThemeModel().fit(corpus, previous=saved)       # ids follow the saved themes
>>> analysis.coverage_gaps(themes, by="region")             # DataFrame; plots.plot_coverage(themes) beside it

Analyses are in :mod:`matcher.themes.analysis`, their figures in :mod:`matcher.themes.plots`.
"""

from matcher.themes.corpus import ThemeCorpus
from matcher.themes.lookup import ThemeLookup, UnknownThemeError
from matcher.themes.model import OUTLIER, Theme, ThemeModel
from matcher.themes.persist import load, save, theme_path

__all__ = [
    "OUTLIER",
    "Theme",
    "ThemeCorpus",
    "ThemeLookup",
    "ThemeModel",
    "UnknownThemeError",
    "load",
    "save",
    "theme_path",
]
