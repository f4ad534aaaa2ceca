"""Themes as the recommender and the service use them: each catalog partner's theme, a query's theme, labels.

Partners known to the fitted model keep their fitted theme; partners added since are placed by nearest centroid (the
same rule as the fit). Refit with ``matcher themes fit`` after an import to relabel; ids stay stable.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from matcher.catalog import Catalog
from matcher.errors import UnknownThemeError
from matcher.themes.model import OUTLIER, Theme, ThemeModel
from matcher.themes.persist import load, theme_path

logger = logging.getLogger(__name__)


class ThemeLookup:
    """Read-only view of a fitted :class:`ThemeModel` over one catalog."""

    def __init__(self, model: ThemeModel, catalog: Catalog) -> None:
        self.model = model
        self.themes: dict[int, Theme] = {t.id: t for t in model.themes_}
        self.partner_theme: dict[str, int] = {}
        self._place(catalog, list(range(len(catalog.partners))))

    def _place(self, catalog: Catalog, rows: list[int]) -> None:
        """The theme of the partners at ``rows``: the fitted one when the model knows the partner, else the nearest
        centroid's (the fit's rule); none for an outlier."""
        if not rows:
            return
        partners = [catalog.partners[row] for row in rows]
        every = len(rows) == len(catalog.partners)  # at construction: the array itself, no gathered copy
        vectors = catalog.partner_vectors if every else catalog.partner_vectors[rows]
        predicted = self.model.predict(vectors, [p.description for p in partners])
        known = self.model.assignments_
        for partner, guess in zip(partners, predicted.tolist(), strict=True):
            theme = known.get(f"partner:{partner.id}", guess)
            if theme != OUTLIER and theme in self.themes:
                self.partner_theme[partner.id] = theme

    def updated(self, catalog: Catalog, partner_ids: Iterable[str]) -> ThemeLookup:
        """A lookup for ``catalog``, where the partners ``partner_ids`` were added, changed or removed since this
        one: only they are placed again; this lookup is left as it is (readers of the old snapshot keep it)."""
        out = copy.copy(self)
        out.partner_theme = dict(self.partner_theme)
        changed = set(partner_ids)
        for partner_id in changed:
            out.partner_theme.pop(partner_id, None)
        out._place(catalog, sorted(catalog.partner_pos[p] for p in changed if p in catalog.partner_pos))
        return out

    def theme_of(self, partner_id: str) -> int | None:
        return self.partner_theme.get(partner_id)

    def predict(self, vector: np.ndarray, text: str | None = None) -> int | None:
        """Theme of one query vector (``text``: what it embeds, for its language), or None when close to no theme."""
        texts = None if text is None else [text]
        theme = int(self.model.predict(np.asarray(vector, dtype=np.float32)[None, :], texts)[0])
        return None if theme == OUTLIER else theme

    def label(self, theme_id: int) -> str:
        return self.themes[theme_id].label

    def members(self, theme_ids: Iterable[int]) -> frozenset[str]:
        wanted = set(theme_ids)
        return frozenset(p for p, t in self.partner_theme.items() if t in wanted)

    def resolve(self, refs: Iterable[int | str]) -> frozenset[int]:
        """Theme ids from ids (``3``, ``"3"``) or labels (case-insensitive); unknown ones raise with the choices."""
        by_label = {t.label.casefold(): t.id for t in self.themes.values()}
        out: set[int] = set()
        bad: list[str] = []
        for ref in refs:
            text = str(ref).strip()
            if text.lstrip("-").isdigit() and int(text) in self.themes:
                out.add(int(text))
            elif text.casefold() in by_label:
                out.add(by_label[text.casefold()])
            else:
                bad.append(repr(ref))
        if bad:
            raise UnknownThemeError(bad, [f"{t.id} ({t.label})" for t in self.themes.values()])
        return frozenset(out)


def load_lookup(home: Path, catalog: Catalog, space: str | None) -> ThemeLookup | None:
    """The lookup for the saved themes in ``home``, or None when there are none or they were fitted on other vectors."""
    path = theme_path(home)
    if not path.exists():
        return None
    try:
        model = load(path)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        logger.warning("ignoring unreadable %s (%s); refit with `matcher themes fit`", path, exc)
        return None
    dim = catalog.partner_vectors.shape[1]
    if model.space_ != space or (len(model.centroids_) and model.centroids_.shape[1] != dim):
        logger.warning(
            "%s was fitted on %s vectors, not %s; refit with `matcher themes fit`", path, model.space_, space
        )
        return None
    return ThemeLookup(model, catalog)
