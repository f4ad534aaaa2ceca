"""Themes of a running :class:`~matcher.engine.Matcher`: refit with stable ids, and fit at service start-up when small.

Decision: the service loads ``$MATCHER_HOME/themes.json`` when it exists. When it does not, the service fits and saves
themes at start-up if the catalog has at most :data:`AUTOFIT_MAX_DOCUMENTS` partners and projects (a few seconds);
above that it starts without themes and ``matcher themes fit`` fits them offline. ``matcher ingest`` applies the same
rule after an import, so that the service's first start loads the themes instead of fitting them. Either way the next
fit reads the saved file, so theme ids stay the same across refits and restarts.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sklearn.base import clone

from matcher.themes import persist
from matcher.themes.corpus import ThemeCorpus
from matcher.themes.lookup import ThemeLookup
from matcher.themes.model import ThemeModel, compatible

if TYPE_CHECKING:
    from matcher.engine import Matcher

logger = logging.getLogger(__name__)

#: Largest catalog (partners + projects) the service fits themes for at start-up.
AUTOFIT_MAX_DOCUMENTS = 5000


def corpus_of(matcher: Matcher) -> ThemeCorpus:
    return ThemeCorpus.from_catalog(matcher.catalog, space=matcher.embedder.name)


def saved_model(matcher: Matcher) -> ThemeModel | None:
    """The saved theme model, or None when absent or unreadable (a warning says why)."""
    path = persist.theme_path(matcher.settings.home)
    if not path.exists():
        return None
    try:
        return persist.load(path)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        logger.warning("ignoring unreadable %s (%s); a new fit will number themes from 0", path, exc)
        return None


def refit(matcher: Matcher, model: ThemeModel | None = None, *, save: bool = True) -> ThemeModel:
    """Fit ``model`` (default ``ThemeModel()``) on the matcher's catalog, keeping the saved themes' ids; save it."""
    corpus = corpus_of(matcher)
    previous = saved_model(matcher)
    if previous is not None and not compatible(previous, corpus):
        logger.warning("saved themes were fitted on %s vectors, not %s: ids restart", previous.space_, corpus.space)
        previous = None
    fitted: ThemeModel = clone(model if model is not None else ThemeModel()).fit(corpus, previous=previous)
    if save:
        persist.save(fitted, persist.theme_path(matcher.settings.home))
        matcher.recommender.themes = ThemeLookup(fitted, matcher.catalog)
    return fitted


def ensure_themes(matcher: Matcher, *, max_documents: int = AUTOFIT_MAX_DOCUMENTS) -> bool:
    """At start-up and after ``matcher ingest``: fit and save themes when none are in use and the catalog is small;
    returns whether it fitted."""
    if matcher.recommender.themes is not None:
        return False
    catalog = matcher.catalog
    size = len(catalog.partners) + len(catalog.projects)
    if size < 3:
        return False
    if size > max_documents:
        logger.info("%d documents (over %d): themes not fitted now; run `matcher themes fit`", size, max_documents)
        return False
    logger.info("fitting themes on %d partners and projects", size)
    try:
        refit(matcher)
    except ValueError as exc:  # the service must start even when the data do not make themes
        logger.warning("could not fit themes (%s); the service runs without them", exc)
        return False
    return True
